import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  customType,
  primaryKey,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const id = () => uuid("id").primaryKey().defaultRandom();
const createdAt = () => ts("created_at").notNull().defaultNow();

/** Single-row org policy (id is always 1). `version` bumps on every change. */
export const orgPolicy = pgTable("org_policy", {
  id: integer("id").primaryKey().default(1),
  orgName: text("org_name").notNull(),
  botEmailDomain: text("bot_email_domain").notNull(),
  namingRequiredTokens: text("naming_required_tokens").array().notNull().default(sql`'{}'`),
  namingOrgPrefix: text("naming_org_prefix"),
  channelAllowlist: text("channel_allowlist").array().notNull().default(sql`'{}'`),
  channelBlocklist: text("channel_blocklist").array().notNull().default(sql`'{}'`),
  reviewIntervalDays: integer("review_interval_days").notNull().default(90),
  /** Days audit events are kept (at least 90; CHECK in migration 0006); older months are dropped whole */
  auditRetentionDays: integer("audit_retention_days").notNull().default(365),
  /** Days an orphaned bot (no active owner) may stay unresolved before the orphan job pauses it (1..365; CHECK in migration 0011) */
  orphanDeadlineDays: integer("orphan_deadline_days").notNull().default(7),
  /** An access review item missed past its due date pauses its bot's gated actions (migration 0014) */
  reviewOverdueFailClosed: boolean("review_overdue_fail_closed").notNull().default(true),
  /** When the review job starts a campaign by itself: `off | monthly | quarterly` (first day of each period, UTC) */
  reviewSchedule: text("review_schedule").notNull().default("quarterly"),
  /** Days a scheduled campaign gives owners to decide (1..90) */
  reviewDueDays: integer("review_due_days").notNull().default(14),
  /** Days of decisions a scheduled campaign looks back on to find unused grants (1..365) */
  reviewLookbackDays: integer("review_lookback_days").notNull().default(90),
  version: integer("version").notNull().default(1),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const connectedSystems = pgTable("connected_systems", {
  id: id(),
  key: text("key").notNull().unique(),
  name: text("name").notNull(),
  classification: text("classification").notNull(),
  description: text("description"),
  createdAt: createdAt(),
});

export const teams = pgTable("teams", {
  id: id(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** SCIM Group externalId, and whether the identity provider manages this team */
  externalId: text("external_id"),
  source: text("source").notNull().default("seed"),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

export const people = pgTable(
  "people",
  {
    id: id(),
    email: text("email").notNull(),
    displayName: text("display_name").notNull(),
    status: text("status").notNull().default("active"),
    roles: text("roles").array().notNull().default(sql`'{}'`),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    managerId: uuid("manager_id"),
    /** scrypt hash (`scrypt$N$r$p$salt$hash`), only for local accounts such as the bootstrap admin */
    passwordHash: text("password_hash"),
    isBootstrapAdmin: boolean("is_bootstrap_admin").notNull().default(false),
    lastSignInAt: ts("last_sign_in_at"),
    /** SCIM userName (RFC 7643 4.1.1), unique case-insensitively; defaults to the email */
    userName: text("user_name"),
    externalId: text("external_id"),
    givenName: text("given_name"),
    familyName: text("family_name"),
    title: text("title"),
    department: text("department"),
    /** SCIM `emails` as sent: [{ value, type, primary }] */
    emails: jsonb("emails").notNull().default(sql`'[]'::jsonb`),
    /** how the person came to exist: `seed`, `admin`, `scim`, `sso` (just-in-time) */
    source: text("source").notNull().default("seed"),
    /** the identity provider's `sub` for this person, set on first SSO sign-in */
    oidcSubject: text("oidc_subject"),
    deactivatedAt: ts("deactivated_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("people_email_lower_idx").on(sql`lower(${t.email})`),
    uniqueIndex("people_user_name_lower_idx").on(sql`lower(${t.userName})`),
    uniqueIndex("people_oidc_subject_idx").on(t.oidcSubject),
  ],
);

/** Team membership (SCIM Group members). `people.team_id` is a person's primary team. */
export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.personId] }), index("team_members_person_idx").on(t.personId)],
);

export const bots = pgTable(
  "bots",
  {
    id: id(),
    name: text("name").notNull().unique(),
    email: text("email"),
    ownerId: uuid("owner_id").references(() => people.id, { onDelete: "set null" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    purpose: text("purpose").notNull(),
    environment: text("environment").notNull(),
    runtime: text("runtime"),
    status: text("status").notNull(),
    internalDataAccess: text("internal_data_access").notNull().default("none"),
    channels: text("channels").array().notNull().default(sql`'{}'`),
    credentialStorage: text("credential_storage"),
    gatedActions: text("gated_actions").array().notNull().default(sql`'{}'`),
    runtimeProfile: jsonb("runtime_profile").notNull().default(sql`'{}'::jsonb`),
    /** the bot's mailbox is read-only; sending stays off unless an approval turns it on */
    emailSendingEnabled: boolean("email_sending_enabled").notNull().default(false),
    lastReviewedAt: ts("last_reviewed_at"),
    nextReviewDue: ts("next_review_due"),
    /** Denormalized results of the policy rules, recomputed on every change (see findings.service). */
    findings: jsonb("findings").notNull().default(sql`'[]'::jsonb`),
    findingKinds: text("finding_kinds").array().notNull().default(sql`'{}'`),
    findingCount: integer("finding_count").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("bots_owner_idx").on(t.ownerId),
    index("bots_team_idx").on(t.teamId),
    index("bots_env_name_idx").on(t.environment, t.name),
    index("bots_status_name_idx").on(t.status, t.name),
    index("bots_finding_kinds_idx").using("gin", t.findingKinds),
    index("bots_finding_count_idx").on(t.findingCount, t.id),
    index("bots_last_reviewed_idx").on(t.lastReviewedAt, t.id),
    index("bots_created_idx").on(t.createdAt, t.id),
    // The incremental findings recompute looks bots up by identity (findings.repo loadIdentities):
    // the normalised email, and the few emails where PostgreSQL's lower/trim may differ from JavaScript's.
    index("bots_email_identity_idx").on(sql`lower(btrim(${t.email}, E' \\t\\n\\r\\f\\x0B'))`),
    // An expression index (not a partial one) so ANALYZE knows how rare such emails are.
    index("bots_email_non_ascii_idx").on(sql`(octet_length(${t.email}) <> char_length(${t.email}))`),
  ],
);

export const grants = pgTable(
  "grants",
  {
    id: id(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    systemId: uuid("system_id")
      .notNull()
      .references(() => connectedSystems.id),
    scope: text("scope").notNull(),
    access: text("access").notNull(),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [index("grants_bot_idx").on(t.botId)],
);

export const serviceAccounts = pgTable(
  "service_accounts",
  {
    id: id(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    systemId: uuid("system_id")
      .notNull()
      .references(() => connectedSystems.id),
    account: text("account").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("service_accounts_bot_idx").on(t.botId),
    uniqueIndex("service_accounts_bot_system_idx").on(t.botId, t.systemId),
    // Identity lookups of the incremental findings recompute, as on bots.
    index("service_accounts_identity_idx").on(sql`lower(btrim(${t.account}, E' \\t\\n\\r\\f\\x0B'))`),
    index("service_accounts_non_ascii_idx").on(sql`(octet_length(${t.account}) <> char_length(${t.account}))`),
  ],
);

export const credentialReferences = pgTable(
  "credential_references",
  {
    id: id(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    systemId: uuid("system_id")
      .notNull()
      .references(() => connectedSystems.id),
    reference: text("reference").notNull(),
    rotationIntervalDays: integer("rotation_interval_days"),
    lastRotatedAt: ts("last_rotated_at"),
    createdAt: createdAt(),
    /** `active | rotation_due | revoked` (CHECK in migration 0010); owned by the credentials module */
    status: text("status").notNull().default("active"),
    /** when it became due for rotation, and why (`interval`, `owner_changed`, `scope_changed`, `leak_suspected`, `offboarding`) */
    rotationDueSince: ts("rotation_due_since"),
    rotationDueReason: text("rotation_due_reason"),
    revokedAt: ts("revoked_at"),
    /** who revoked it, as the audit writer records actors (type, id, label) */
    revokedByType: text("revoked_by_type"),
    revokedById: text("revoked_by_id"),
    revokedByLabel: text("revoked_by_label"),
    /** the person responsible for it; null means the bot's owner (migration 0015) */
    ownerId: uuid("owner_id").references(() => people.id, { onDelete: "set null" }),
    /** who recorded the last rotation ("mark rotated"), as the audit writer records actors */
    lastRotatedByType: text("last_rotated_by_type"),
    lastRotatedById: text("last_rotated_by_id"),
    lastRotatedByLabel: text("last_rotated_by_label"),
  },
  (t) => [index("credential_references_bot_idx").on(t.botId), index("credential_references_status_idx").on(t.status).where(sql`status <> 'active'`)],
);

/**
 * A suspected credential leak: the guided workflow security runs on one credential reference
 * (owned by the credentials module). While it is `open`, the bot's gated actions are held for
 * approval (the decision snapshot reads it). It closes when its four steps are done.
 */
export const leakPlaybooks = pgTable(
  "leak_playbooks",
  {
    id: id(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    /** null once the reference itself was removed; `system` and `reference` keep what it was */
    credentialReferenceId: uuid("credential_reference_id").references(() => credentialReferences.id, { onDelete: "set null" }),
    system: text("system").notNull(),
    reference: text("reference").notNull(),
    /** `open | closed` (CHECK in migration 0015) */
    status: text("status").notNull().default("open"),
    reason: text("reason").notNull(),
    startedAt: ts("started_at").notNull().defaultNow(),
    startedByType: text("started_by_type").notNull(),
    startedById: text("started_by_id"),
    startedByLabel: text("started_by_label"),
    closedAt: ts("closed_at"),
  },
  (t) => [
    index("leak_playbooks_bot_idx").on(t.botId),
    // One open playbook per credential reference.
    uniqueIndex("leak_playbooks_open_reference_idx").on(t.credentialReferenceId).where(sql`status = 'open'`),
    index("leak_playbooks_open_idx").on(t.status, t.startedAt),
  ],
);

/** The steps of a leak playbook done so far: who did each, when, notes, and what it recorded. */
export const leakPlaybookSteps = pgTable(
  "leak_playbook_steps",
  {
    playbookId: uuid("playbook_id")
      .notNull()
      .references(() => leakPlaybooks.id, { onDelete: "cascade" }),
    /** `revoke | review_usage | notify | trace` (CHECK in migration 0015) */
    step: text("step").notNull(),
    doneAt: ts("done_at").notNull().defaultNow(),
    doneByType: text("done_by_type").notNull(),
    doneById: text("done_by_id"),
    doneByLabel: text("done_by_label"),
    notes: text("notes"),
    /** per step: the references revoked, the window reviewed, who was notified, how it leaked */
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [primaryKey({ columns: [t.playbookId, t.step] })],
);

export const goldenRuleExceptions = pgTable(
  "golden_rule_exceptions",
  {
    id: id(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    status: text("status").notNull(),
    businessPurpose: text("business_purpose").notNull(),
    allowedSystems: text("allowed_systems").array().notNull().default(sql`'{}'`),
    allowedChannels: text("allowed_channels").array().notNull().default(sql`'{}'`),
    dataClassification: text("data_classification").notNull(),
    approvalRequirements: text("approval_requirements").notNull(),
    approvedBy: text("approved_by"),
    approvedAt: ts("approved_at"),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("golden_rule_exceptions_bot_idx").on(t.botId)],
);

/** Server-side sessions; the cookie carries a random id, the table only its SHA-256. */
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: createdAt(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    /** `local` (bootstrap admin) or `oidc` */
    method: text("method").notNull().default("local"),
    /** the ID token, kept only as `id_token_hint` for the provider's logout */
    idToken: text("id_token"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_person_idx").on(t.personId)],
);

/** An OIDC sign-in in flight: state -> PKCE verifier, nonce and where to return. Single use. */
export const oidcAuthRequests = pgTable("oidc_auth_requests", {
  state: text("state").primaryKey(),
  nonce: text("nonce").notNull(),
  codeVerifier: text("code_verifier").notNull(),
  returnTo: text("return_to").notNull(),
  createdAt: createdAt(),
  expiresAt: ts("expires_at").notNull(),
});

/**
 * Single-row identity settings (id 1): SSO, role mapping, provisioning, sessions.
 * The client secret is AES-256-GCM encrypted with BRIDLE_ENCRYPTION_KEY.
 */
export const identitySettings = pgTable("identity_settings", {
  id: integer("id").primaryKey().default(1),
  ssoEnabled: boolean("sso_enabled").notNull().default(false),
  issuerUrl: text("issuer_url"),
  clientId: text("client_id"),
  clientSecretEnc: text("client_secret_enc"),
  scopes: text("scopes").array().notNull().default(sql`'{openid,email,profile}'`),
  groupsClaim: text("groups_claim").notNull().default("groups"),
  /** [{ group, role }] */
  roleMapping: jsonb("role_mapping").notNull().default(sql`'[]'::jsonb`),
  /** create people on first SSO sign-in when they were never provisioned (refused while SCIM is on) */
  jitProvisioning: boolean("jit_provisioning").notNull().default(true),
  scimEnabled: boolean("scim_enabled").notNull().default(false),
  sessionMaxHours: integer("session_max_hours").notNull().default(12),
  sessionIdleMinutes: integer("session_idle_minutes").notNull().default(60),
  bootstrapAdminEnabled: boolean("bootstrap_admin_enabled").notNull().default(true),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** SCIM bearer tokens: they reach /scim/v2 and nothing else. Only the SHA-256 is stored. */
export const scimTokens = pgTable("scim_tokens", {
  id: id(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  createdBy: uuid("created_by").references(() => people.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  lastUsedAt: ts("last_used_at"),
  revokedAt: ts("revoked_at"),
});

/** API tokens (personal, bootstrap admin). Only the SHA-256 of the token is stored. */
export const apiTokens = pgTable("api_tokens", {
  id: id(),
  name: text("name").notNull(),
  kind: text("kind").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  personId: uuid("person_id").references(() => people.id, { onDelete: "cascade" }),
  roles: text("roles").array().notNull().default(sql`'{}'`),
  /** permissions this token may use (a subset of its person's); empty = all of them */
  scopes: text("scopes").array().notNull().default(sql`'{}'`),
  /** the first characters of the token, to recognise it in a list */
  prefix: text("prefix"),
  createdAt: createdAt(),
  lastUsedAt: ts("last_used_at"),
  expiresAt: ts("expires_at"),
  revokedAt: ts("revoked_at"),
});

/** PostgreSQL's 64-bit transaction id (`xid8`), read and written as its decimal text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/**
 * Append-only audit log, written in the same transaction as the change it records (migration
 * 0003 trigger), partitioned by month on `at` (migration 0006), so the primary key includes `at`.
 * `seq` gives the write order; `xid` is the writing transaction, so the sealer finds every event
 * not yet chained without scanning the table (docs/AUDIT.md "Ordering").
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    /** the writing transaction (`pg_current_xact_id()`), assigned before `seq` (see bridle_audit_next_seq) */
    xid: xid8("xid").notNull().default(sql`pg_current_xact_id()`),
    id: uuid("id").notNull().defaultRandom(),
    seq: bigint("seq", { mode: "number" }).notNull().default(sql`bridle_audit_next_seq()`),
    at: ts("at").notNull().defaultNow(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    outcome: text("outcome").notNull(),
    requestId: text("request_id"),
    /** a bot runtime's session id (decisions, runtime events); for people, their console session */
    sessionId: text("session_id"),
    /** the client's address as the server saw it (after the configured trusted proxies) */
    sourceIp: text("source_ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.at] }),
    // also what `order by seq` and `seq < cursor` use (migration 0013 dropped a second index on seq alone)
    uniqueIndex("audit_events_seq_at_key").on(t.seq, t.at),
    index("audit_events_xid_idx").on(t.xid),
    index("audit_events_resource_idx").on(t.resourceType, t.resourceId),
    index("audit_events_session_idx").on(t.sessionId),
    index("audit_events_request_idx").on(t.requestId),
  ],
);

/**
 * The hash chain over sealed audit events, one row per event in seal order (`position` 1, 2, 3,
 * ...), partitioned by month on the event's `at` like the events (docs/AUDIT.md).
 * `chain_hash` = SHA-256(previous chain_hash || event_hash).
 */
export const auditChain = pgTable(
  "audit_chain",
  {
    position: bigint("position", { mode: "number" }).notNull(),
    eventId: uuid("event_id").notNull(),
    eventSeq: bigint("event_seq", { mode: "number" }).notNull(),
    eventAt: ts("event_at").notNull(),
    /** SHA-256 of the event's canonical form (RFC 8785 JSON) */
    eventHash: bytea("event_hash").notNull(),
    chainHash: bytea("chain_hash").notNull(),
    /** the seal run that appended it (audit_seal_runs.run) */
    run: bigint("run", { mode: "number" }).notNull(),
  },
  (t) => [
    // the primary key also serves lookups by position (migration 0013 dropped an index on position alone)
    primaryKey({ columns: [t.position, t.eventAt] }),
    uniqueIndex("audit_chain_event_key").on(t.eventId, t.eventAt),
  ],
);

/**
 * One row per seal run that sealed something: the snapshot it saw, so verification can tell an
 * event that was legitimately sealed late from one inserted into the sealed past. Runs are
 * chained (`run_hash`) and covered by the signed checkpoints. Partitioned by month on `sealed_at`.
 */
export const auditSealRuns = pgTable(
  "audit_seal_runs",
  {
    run: bigint("run", { mode: "number" }).notNull(),
    sealedAt: ts("sealed_at").notNull().defaultNow(),
    firstPosition: bigint("first_position", { mode: "number" }).notNull(),
    lastPosition: bigint("last_position", { mode: "number" }).notNull(),
    /** the lowest transaction id this run scanned (the previous run's snapshot xmin) */
    scanFrom: xid8("scan_from").notNull(),
    /** the run's snapshot, `xmin:xmax:xip,...` (pg_snapshot text) */
    snapshot: text("snapshot").notNull(),
    /** the run's own transaction id, given after its snapshot (null on runs before migration 0024) */
    sealerXid: xid8("sealer_xid"),
    /** the largest `seq` sealed so far, this run included */
    maxSeq: bigint("max_seq", { mode: "number" }).notNull(),
    /** the chain hash at `last_position` */
    headHash: bytea("head_hash").notNull(),
    /** SHA-256(previous run_hash || SHA-256(canonical form of this run)) */
    runHash: bytea("run_hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.run, t.sealedAt] }), index("audit_seal_runs_run_idx").on(t.run)],
);

/**
 * Signed checkpoints of the chain (Ed25519 JWS, same key ring as decisions, kid in the JWKS),
 * each naming the previous one. `kind`: `seal` (written by the sealer every N events or T
 * minutes) or `retention_cut` (where retention cut the chain: the position and chain hash of the
 * last dropped event).
 */
export const auditCheckpoints = pgTable(
  "audit_checkpoints",
  {
    number: bigint("number", { mode: "number" }).primaryKey(),
    id: uuid("id").notNull().unique().defaultRandom(),
    kind: text("kind").notNull(),
    position: bigint("position", { mode: "number" }).notNull(),
    headHash: bytea("head_hash").notNull(),
    run: bigint("run", { mode: "number" }).notNull(),
    runHash: bytea("run_hash").notNull(),
    prevId: uuid("prev_id"),
    /** SHA-256 of the previous checkpoint's JWS */
    prevHash: bytea("prev_hash"),
    createdAt: createdAt(),
    kid: text("kid").notNull(),
    /** compact JWS (EdDSA) over the checkpoint's canonical payload */
    jws: text("jws").notNull(),
  },
  (t) => [index("audit_checkpoints_position_idx").on(t.position)],
);

/** Org policy per gated action type (DESIGN.md "Gated action"). One row per action. */
export const gatedActionPolicies = pgTable("gated_action_policies", {
  action: text("action").primaryKey(),
  mode: text("mode").notNull(),
  approverRole: text("approver_role").notNull().default("security"),
  approvalsRequired: integer("approvals_required").notNull().default(1),
  requestTtlMinutes: integer("request_ttl_minutes").notNull().default(60),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** Per-bot tightening of a gated action rule (looser only with an approved exception). */
export const botGatedActionOverrides = pgTable(
  "bot_gated_action_overrides",
  {
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    action: text("action").notNull(),
    mode: text("mode"),
    approverRole: text("approver_role"),
    approvalsRequired: integer("approvals_required"),
    requestTtlMinutes: integer("request_ttl_minutes"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.action] })],
);

/**
 * Approval requests: scope expansion, gated action, Golden Rule exception, ownership transfer.
 * The requester never approves; only humans approve; requests expire; reviews keep the history.
 */
export const approvalRequests = pgTable(
  "approval_requests",
  {
    id: id(),
    kind: text("kind").notNull(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    requesterPersonId: uuid("requester_person_id").references(() => people.id, { onDelete: "set null" }),
    /** set when a bot runtime opened the request (a gated action) */
    requesterBotId: uuid("requester_bot_id").references(() => bots.id, { onDelete: "set null" }),
    /** pending, approved, denied, expired, cancelled */
    status: text("status").notNull().default("pending"),
    payload: jsonb("payload").notNull().default(sql`'{}'::jsonb`),
    justification: text("justification"),
    approverRole: text("approver_role").notNull(),
    approvalsRequired: integer("approvals_required").notNull().default(1),
    /** the runtime's request id (gated actions): one pending request per id, retries are idempotent */
    runtimeRequestId: text("runtime_request_id"),
    /** SHA-256 of the canonical parameters an approval is bound to */
    paramsHash: text("params_hash"),
    expiresAt: ts("expires_at").notNull(),
    decidedAt: ts("decided_at"),
    /** an approved gated action is allowed once: set when the runtime used it */
    consumedAt: ts("consumed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("approval_requests_status_idx").on(t.status, t.createdAt),
    index("approval_requests_bot_idx").on(t.botId),
    uniqueIndex("approval_requests_runtime_idx").on(t.botId, t.runtimeRequestId),
  ],
);

export const approvalReviews = pgTable(
  "approval_reviews",
  {
    id: id(),
    requestId: uuid("request_id")
      .notNull()
      .references(() => approvalRequests.id, { onDelete: "cascade" }),
    reviewerPersonId: uuid("reviewer_person_id")
      .notNull()
      .references(() => people.id),
    decision: text("decision").notNull(),
    note: text("note"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("approval_reviews_once_idx").on(t.requestId, t.reviewerPersonId)],
);

/** Bot runtime tokens: one bot each, shown once, stored as SHA-256, revocable at once. */
export const botTokens = pgTable("bot_tokens", {
  id: id(),
  botId: uuid("bot_id")
    .notNull()
    .references(() => bots.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  prefix: text("prefix"),
  createdBy: uuid("created_by").references(() => people.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  expiresAt: ts("expires_at"),
  lastUsedAt: ts("last_used_at"),
  revokedAt: ts("revoked_at"),
});

/** Ed25519 keys that sign decisions (JWS); public halves are served at /.well-known/jwks.json. */
export const signingKeys = pgTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull().default("EdDSA"),
  publicJwk: jsonb("public_jwk").notNull(),
  /** the private JWK, AES-256-GCM encrypted when BRIDLE_ENCRYPTION_KEY is set */
  privateJwk: text("private_jwk").notNull(),
  createdAt: createdAt(),
  retiredAt: ts("retired_at"),
});

/**
 * Notifications (owner: the notifications module): one row per recipient of each `notify` call.
 * Rows of one call share `notice_id`. Title and body were scanned for secrets before they were
 * stored (`redacted` says something was cut out). A person reads and marks only their own.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    noticeId: uuid("notice_id").notNull(),
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    /** a NotificationKind (@bridle/contracts) */
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** a console path (`/bots/<id>`), never an absolute URL */
    link: text("link"),
    botId: uuid("bot_id").references(() => bots.id, { onDelete: "set null" }),
    redacted: boolean("redacted").notNull().default(false),
    /** who caused it, as the audit log names actors: person, token, bot or system, and a label */
    actorType: text("actor_type").notNull(),
    actorLabel: text("actor_label"),
    readAt: ts("read_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("notifications_recipient_idx").on(t.recipientId, t.createdAt.desc(), t.id.desc()),
    index("notifications_unread_idx").on(t.recipientId).where(sql`${t.readAt} is null`),
    index("notifications_notice_idx").on(t.noticeId),
  ],
);

/**
 * The notifications outbox: one row per email (a recipient's notification) or webhook post (a
 * whole notice), written in the notify transaction, delivered after commit by a background worker
 * with retries. `status`: pending (waiting or retrying), sent, failed (gave up), skipped (nothing
 * to send any more: channel off, recipient gone). `last_error` never holds a secret.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: id(),
    noticeId: uuid("notice_id").notNull(),
    /** the recipient's notification (email); null for a webhook post, which serves the whole notice */
    notificationId: uuid("notification_id").references(() => notifications.id, { onDelete: "cascade" }),
    /** email | webhook */
    channel: text("channel").notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("notification_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("notification_deliveries_notice_idx").on(t.noticeId),
    index("notification_deliveries_notification_idx").on(t.notificationId),
  ],
);

/**
 * A person's channel choices per notification kind. In-console is always on; a missing row means
 * the defaults (email on, webhook off).
 */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    personId: uuid("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    email: boolean("email").notNull(),
    webhook: boolean("webhook").notNull(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.kind] })],
);

/**
 * Org-level notification settings (single row, id 1): the webhook URL, AES-256-GCM encrypted
 * with BRIDLE_ENCRYPTION_KEY, and a hint (scheme, host, last characters) safe to show.
 */
export const notificationSettings = pgTable("notification_settings", {
  id: integer("id").primaryKey().default(1),
  webhookUrlEnc: text("webhook_url_enc"),
  webhookUrlHint: text("webhook_url_hint"),
  updatedBy: uuid("updated_by").references(() => people.id, { onDelete: "set null" }),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * Offboarding cases (owner: the offboarding module): one per bot being transferred or offboarded.
 * At most one open case per bot (unique partial index). `plan` is IT's choice (null until made);
 * `outcome` says how a closed case ended. Actors are recorded as the audit writer records them.
 */
export const offboardingCases = pgTable(
  "offboarding_cases",
  {
    id: id(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    /** `owner_departed | access_review | manual` */
    trigger: text("trigger").notNull(),
    reason: text("reason").notNull(),
    /** `open | closed` */
    status: text("status").notNull().default("open"),
    /** `transfer | offboard`, IT's choice; null while undecided */
    plan: text("plan"),
    /** `transferred | offboarded | cancelled` once closed */
    outcome: text("outcome"),
    /** the bot's owner when the case opened (the departed person, for `owner_departed`) */
    formerOwnerId: uuid("former_owner_id").references(() => people.id, { onDelete: "set null" }),
    /** the former owner's manager, proposed as the new owner when the case opened */
    proposedOwnerId: uuid("proposed_owner_id").references(() => people.id, { onDelete: "set null" }),
    /** the person a transfer was offered to (plan `transfer`) */
    transferToId: uuid("transfer_to_id").references(() => people.id, { onDelete: "set null" }),
    /** when the bot lost its active owner (the orphan deadline counts from here); null when it has one */
    orphanedSince: ts("orphaned_since"),
    /** when the orphan job warned the manager and IT, and when it paused the bot */
    orphanWarnedAt: ts("orphan_warned_at"),
    orphanPausedAt: ts("orphan_paused_at"),
    openedAt: ts("opened_at").notNull().defaultNow(),
    openedByType: text("opened_by_type").notNull(),
    openedById: text("opened_by_id"),
    openedByLabel: text("opened_by_label"),
    closedAt: ts("closed_at"),
    closedByType: text("closed_by_type"),
    closedById: text("closed_by_id"),
    closedByLabel: text("closed_by_label"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("offboarding_cases_open_bot_idx").on(t.botId).where(sql`${t.status} = 'open'`),
    index("offboarding_cases_bot_idx").on(t.botId, t.openedAt),
    index("offboarding_cases_status_idx").on(t.status, t.openedAt),
    index("offboarding_cases_former_owner_idx").on(t.formerOwnerId),
  ],
);

/**
 * The checklist of an offboarding case (owner: the offboarding module): one row per step of the
 * chosen plan, each with its status, who did it and when, and a note or a link (manual steps).
 * `automatic` steps are done by Bridle in the transaction that runs them.
 */
export const offboardingSteps = pgTable(
  "offboarding_steps",
  {
    id: id(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => offboardingCases.id, { onDelete: "cascade" }),
    /** an OffboardingStepKind (@bridle/contracts) */
    kind: text("kind").notNull(),
    position: integer("position").notNull(),
    automatic: boolean("automatic").notNull(),
    /** `pending | done | cancelled` (cancelled: the plan changed before the step was done) */
    status: text("status").notNull().default("pending"),
    doneAt: ts("done_at"),
    doneByType: text("done_by_type"),
    doneById: text("done_by_id"),
    doneByLabel: text("done_by_label"),
    note: text("note"),
    link: text("link"),
    /** what the step did (tokens revoked, references listed for rotation, grants removed); never a secret */
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("offboarding_steps_case_kind_idx").on(t.caseId, t.kind)],
);

/**
 * The skills and plugins registry (skills module): one row per version of a skill. A bot's
 * allowed tools (`bots.runtime_profile->'allowedTools'`, `name@version`) refer to rows by name and
 * version; only `approved` rows may be used (finding `unapproved_skill`). Name and version never
 * change: another version is another row, reviewed on its own.
 */
export const skills = pgTable(
  "skills",
  {
    id: id(),
    /** lowercase npm-style name or ClawHub slug (contracts `ZSkillName`) */
    name: text("name").notNull(),
    /** one exact semantic version (contracts `isExactVersion`) */
    version: text("version").notNull(),
    /** npm, clawhub, git */
    sourceRegistry: text("source_registry").notNull(),
    /** the npm package name, or the ClawHub / git URL */
    sourcePackage: text("source_package").notNull(),
    ownerId: uuid("owner_id").references(() => people.id, { onDelete: "set null" }),
    /** pending, approved, rejected */
    status: text("status").notNull().default("pending"),
    notes: text("notes"),
    reviewNote: text("review_note"),
    reviewedBy: uuid("reviewed_by").references(() => people.id, { onDelete: "set null" }),
    reviewedAt: ts("reviewed_at"),
    createdBy: uuid("created_by").references(() => people.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("skills_name_version_idx").on(t.name, t.version), index("skills_status_idx").on(t.status, t.name)],
);

/** A bot's persistent instruction file (instructions module): SOUL.md, MEMORY.md, ...; its versions below. */
export const instructionFiles = pgTable(
  "instruction_files",
  {
    id: id(),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** new versions wait (pending_review) for a human's review before they become current */
    requiresReview: boolean("requires_review").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("instruction_files_bot_name_idx").on(t.botId, sql`lower(${t.name})`)],
);

/**
 * One version of an instruction file: its whole content, SHA-256, who uploaded it (a person or the
 * bot's runtime) and when, and its review. `current_from` is set when it becomes current
 * (approved): the version in force at a moment T is the one with the latest `current_from <= T`.
 */
export const instructionVersions = pgTable(
  "instruction_versions",
  {
    id: id(),
    fileId: uuid("file_id")
      .notNull()
      .references(() => instructionFiles.id, { onDelete: "cascade" }),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    /** 1, 2, 3, ... per file */
    version: integer("version").notNull(),
    content: text("content").notNull(),
    /** SHA-256 of the content's UTF-8 bytes, lowercase hex */
    sha256: text("sha256").notNull(),
    bytes: integer("bytes").notNull(),
    loadedByDefault: boolean("loaded_by_default").notNull(),
    /** approved, pending_review, rejected, superseded */
    status: text("status").notNull(),
    /** the file required review when this version was uploaded */
    reviewRequired: boolean("review_required").notNull(),
    /** person or bot */
    uploadedByType: text("uploaded_by_type").notNull(),
    uploadedByPersonId: uuid("uploaded_by_person_id").references(() => people.id, { onDelete: "set null" }),
    /** the person's email or the bot's name, as it was */
    uploadedByLabel: text("uploaded_by_label").notNull(),
    uploadedAt: ts("uploaded_at").notNull().defaultNow(),
    reviewedByPersonId: uuid("reviewed_by_person_id").references(() => people.id, { onDelete: "set null" }),
    reviewedByLabel: text("reviewed_by_label"),
    reviewedAt: ts("reviewed_at"),
    reviewNote: text("review_note"),
    currentFrom: ts("current_from"),
  },
  (t) => [
    uniqueIndex("instruction_versions_file_version_idx").on(t.fileId, t.version),
    index("instruction_versions_current_idx").on(t.botId, t.currentFrom),
    // At most one version of a file waits for review: a new upload supersedes the one waiting.
    uniqueIndex("instruction_versions_one_pending_idx").on(t.fileId).where(sql`status = 'pending_review'`),
  ],
);

/**
 * Access review campaigns (owner: the access-reviews module). `scope` is `all` or `team`
 * (`team_id`); `trigger` is `manual` or `schedule` (then `period`, e.g. `2026-Q4`, is unique so
 * the job starts at most one campaign per period however many replicas run it).
 */
export const accessReviewCampaigns = pgTable(
  "access_review_campaigns",
  {
    id: id(),
    name: text("name").notNull(),
    scope: text("scope").notNull(),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    trigger: text("trigger").notNull(),
    period: text("period"),
    /** `open | closed` (closed when every item is decided) */
    status: text("status").notNull().default("open"),
    dueAt: ts("due_at").notNull(),
    lookbackDays: integer("lookback_days").notNull(),
    startedAt: ts("started_at").notNull().defaultNow(),
    startedByType: text("started_by_type").notNull(),
    startedById: text("started_by_id"),
    startedByLabel: text("started_by_label"),
    closedAt: ts("closed_at"),
  },
  (t) => [uniqueIndex("access_review_campaigns_period_idx").on(t.period), index("access_review_campaigns_started_idx").on(t.startedAt)],
);

/**
 * One bot to re-certify in a campaign (owner: the access-reviews module). `reviewer_id` is the
 * bot's owner when the campaign started, or null for an orphan (then admins decide:
 * `assigned_to` = `admins`). `reviewed` is what the reviewer saw when deciding (grants, channels,
 * credential references), kept for the evidence pack. `paused_at` is set when the item went past its due
 * date undecided with `review_overdue_fail_closed` on (the bot's gated actions are denied until
 * it is decided).
 */
export const accessReviewItems = pgTable(
  "access_review_items",
  {
    id: id(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => accessReviewCampaigns.id, { onDelete: "cascade" }),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    botName: text("bot_name").notNull(),
    reviewerId: uuid("reviewer_id").references(() => people.id, { onDelete: "set null" }),
    /** `owner | admins` */
    assignedTo: text("assigned_to").notNull(),
    ownerEmail: text("owner_email"),
    /** `pending | decided` */
    status: text("status").notNull().default("pending"),
    /** `keep | reduce | offboard` */
    decision: text("decision"),
    note: text("note"),
    reviewed: jsonb("reviewed"),
    removed: jsonb("removed"),
    decidedAt: ts("decided_at"),
    decidedById: text("decided_by_id"),
    decidedByLabel: text("decided_by_label"),
    remindedWeekAt: ts("reminded_week_at"),
    remindedDayAt: ts("reminded_day_at"),
    pausedAt: ts("paused_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("access_review_items_campaign_bot_idx").on(t.campaignId, t.botId),
    index("access_review_items_reviewer_idx").on(t.reviewerId, t.status),
    index("access_review_items_bot_idx").on(t.botId, t.status),
  ],
);

/**
 * One runtime session of a bot (owner: the events module): a summary kept beside the runtime
 * events, which are audit events (`runtime.*`, session id in `audit_events.session_id`), so a bot's
 * sessions list without scanning the log. Updated in the transaction that stores the events;
 * `first_at` / `last_at` are the runtime's clock. Counts only events stored (a retry adds nothing).
 */
export const runtimeSessions = pgTable(
  "runtime_sessions",
  {
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    sessionId: text("session_id").notNull(),
    firstAt: ts("first_at").notNull(),
    lastAt: ts("last_at").notNull(),
    events: integer("events").notNull().default(0),
    toolCalls: integer("tool_calls").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 18, scale: 6 }).notNull().default("0"),
    endedAt: ts("ended_at"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.sessionId] }), index("runtime_sessions_bot_last_idx").on(t.botId, t.lastAt)],
);

/**
 * What a bot's runtime last said about itself (owner: the events module): one row per bot and
 * reporting gateway (runtime instance; `''` when the heartbeat named none), upserted from
 * `heartbeat` runtime events in the transaction that stores them. `last_seen_at` is Bridle's clock
 * (when the heartbeat was received), so silence is measured without trusting the runtime's clock.
 */
export const botRuntimes = pgTable(
  "bot_runtimes",
  {
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    gateway: text("gateway").notNull(),
    runtime: text("runtime").notNull(),
    runtimeVersion: text("runtime_version"),
    plugin: text("plugin"),
    pluginVersion: text("plugin_version"),
    firstSeenAt: ts("first_seen_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.gateway] })],
);

/**
 * Enforcement gaps (owner: the events module): one row per bot, runtime session and kind, the
 * first time that kind of gap is seen in that session (so each alerts once). `undecided_call`: a
 * tool execution was reported without a matching allow decision in the session; `reported`: the
 * runtime itself reported one (an `error` event with code `enforcement_gap`).
 */
export const runtimeGaps = pgTable(
  "runtime_gaps",
  {
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    sessionId: text("session_id").notNull(),
    kind: text("kind", { enum: ["undecided_call", "reported"] }).notNull(),
    tool: text("tool"),
    message: text("message").notNull(),
    eventId: uuid("event_id").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.sessionId, t.kind] }), index("runtime_gaps_bot_at_idx").on(t.botId, t.at)],
);

// ---------------------------------------------------------------------------------------------
// Alerts (alerts module, migration 0020)

/** One row per rule kind (seeded on by default); security edits them (`PUT /alert-rules`). */
export const alertRules = pgTable("alert_rules", {
  kind: text("kind").primaryKey(),
  enabled: boolean("enabled").notNull().default(true),
  /** the count in the window that fires the rule (the rule's documentation says of what) */
  threshold: integer("threshold").notNull(),
  windowMinutes: integer("window_minutes").notNull(),
  /** call_rate: how many times the bot's own hourly baseline the window's count must reach */
  factor: integer("factor").notNull().default(1),
  /** call_rate: days of baseline; new_shape: days of a bot's history before a shape counts as new */
  baselineDays: integer("baseline_days").notNull().default(7),
  /** denied_burst: pause the bot when the alert opens */
  autoPause: boolean("auto_pause").notNull().default(false),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

/** The alerts the rules raised: one active (not resolved) per (rule, subject); CHECKs in migration 0020. */
export const alerts = pgTable(
  "alerts",
  {
    id: id(),
    rule: text("rule").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    subjectLabel: text("subject_label").notNull(),
    botId: uuid("bot_id").references(() => bots.id, { onDelete: "set null" }),
    status: text("status").notNull().default("open"),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    /** matching events seen since it opened */
    count: integer("count").notNull().default(1),
    firstSeenAt: ts("first_seen_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
    snoozedUntil: ts("snoozed_until"),
    /** the evidence: the latest matching audit events (at most ALERT_EVIDENCE_MAX) */
    eventIds: uuid("event_ids").array().notNull().default(sql`'{}'`),
    sessionId: text("session_id"),
    botPaused: boolean("bot_paused").notNull().default(false),
    actedBy: text("acted_by"),
    actedAt: ts("acted_at"),
    createdAt: createdAt(),
  },
  (t) => [index("alerts_status_idx").on(t.status, t.lastSeenAt), index("alerts_bot_idx").on(t.botId, t.lastSeenAt)],
);

/** Every state change of an alert (kept after it is resolved). */
export const alertHistory = pgTable(
  "alert_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    alertId: uuid("alert_id")
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    at: ts("at").notNull().defaultNow(),
    change: text("change").notNull(),
    status: text("status").notNull(),
    actorType: text("actor_type").notNull(),
    actorLabel: text("actor_label"),
    reason: text("reason"),
    snoozedUntil: ts("snoozed_until"),
  },
  (t) => [index("alert_history_alert_idx").on(t.alertId, t.id)],
);

/** The evaluator's durable cursor over audit_events (one row): it has read every event of the transactions up to `xid`. */
export const alertCursor = pgTable("alert_cursor", {
  id: integer("id").primaryKey().default(1),
  xid: xid8("xid").notNull(),
  ranAt: ts("ran_at"),
});

/** Rolling counts per metric, subject and bucket (a minute or an hour). */
export const alertCounts = pgTable(
  "alert_counts",
  {
    metric: text("metric").notNull(),
    subject: text("subject").notNull(),
    bucket: ts("bucket").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ name: "alert_counts_pk", columns: [t.metric, t.subject, t.bucket] })],
);

/** Each (action, target) shape a bot was first seen using. */
export const alertShapes = pgTable(
  "alert_shapes",
  {
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    shape: text("shape").notNull(),
    firstSeenAt: ts("first_seen_at").notNull(),
  },
  (t) => [primaryKey({ name: "alert_shapes_pk", columns: [t.botId, t.shape] })],
);

/** An incident or a drill (the incidents module; migration 0023). */
export const incidents = pgTable(
  "incidents",
  {
    id: id(),
    title: text("title").notNull(),
    /** `low | medium | high | critical` */
    severity: text("severity").notNull(),
    /** `stop_the_bleeding | classify | fix_and_prove | make_it_stick | closed` */
    phase: text("phase").notNull().default("stop_the_bleeding"),
    isDrill: boolean("is_drill").notNull().default(false),
    summary: text("summary").notNull().default(""),
    detectedAt: ts("detected_at").notNull(),
    declaredAt: ts("declared_at").notNull().defaultNow(),
    declaredByType: text("declared_by_type").notNull(),
    declaredById: text("declared_by_id"),
    declaredByLabel: text("declared_by_label"),
    containment: text("containment"),
    containedAt: ts("contained_at"),
    /** `misconfiguration | insider_misuse | external_attack | unknown` */
    rootCauseClass: text("root_cause_class"),
    rootCause: text("root_cause"),
    classifiedAt: ts("classified_at"),
    permanentFix: text("permanent_fix"),
    fixedAt: ts("fixed_at"),
    newMonitors: text("new_monitors"),
    closedAt: ts("closed_at"),
    closedByLabel: text("closed_by_label"),
    version: integer("version").notNull().default(1),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("incidents_declared_idx").on(t.declaredAt, t.id)],
);

/** The bots an incident involves (chosen by the responder; the blast radius grows from them). */
export const incidentBots = pgTable(
  "incident_bots",
  {
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.botId] }), index("incident_bots_bot_idx").on(t.botId)],
);

/** Audit events linked to an incident as evidence, by (id, at): no foreign key into the partitioned log. */
export const incidentEvidence = pgTable(
  "incident_evidence",
  {
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    auditEventId: uuid("audit_event_id").notNull(),
    auditEventAt: ts("audit_event_at").notNull(),
    note: text("note"),
    addedAt: ts("added_at").notNull().defaultNow(),
    addedByLabel: text("added_by_label"),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.auditEventId] })],
);

/**
 * Usage per bot and hour (owner: the usage module): what its runtime reported (sessions started,
 * tool calls and failures, timeouts, errors, tokens, cost) and what Bridle answered it (decisions
 * by verdict), on Bridle's clock (the hour the server stored them, UTC). Written by the events and
 * decisions group commits through the usage module's commands; teams and owners are read through
 * the bots' current team and owner.
 */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    botId: uuid("bot_id")
      .notNull()
      .references(() => bots.id, { onDelete: "cascade" }),
    hour: ts("hour").notNull(),
    /** `events` (runtime events' counters) or `decisions` (decision counters): the two group commits write their own rows, so neither waits on the other's locks */
    source: text("source").notNull(),
    sessions: integer("sessions").notNull().default(0),
    toolCalls: integer("tool_calls").notNull().default(0),
    toolFailures: integer("tool_failures").notNull().default(0),
    timeouts: integer("timeouts").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 18, scale: 6 }).notNull().default("0"),
    decisionsAllow: integer("decisions_allow").notNull().default(0),
    decisionsDeny: integer("decisions_deny").notNull().default(0),
    decisionsApproval: integer("decisions_approval").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.botId, t.hour, t.source] }), index("usage_hourly_hour_idx").on(t.hour)],
);

/** Budget caps in USD (owner: the usage module): per bot or team, per UTC day or calendar month. */
export const budgets = pgTable(
  "budgets",
  {
    id: id(),
    /** `bot` or `team` */
    scope: text("scope").notNull(),
    subjectId: uuid("subject_id").notNull(),
    /** `day` (UTC) or `month` (calendar, UTC) */
    period: text("period").notNull(),
    capUsd: numeric("cap_usd", { precision: 12, scale: 2 }).notNull(),
    setByPersonId: uuid("set_by_person_id").references(() => people.id, { onDelete: "set null" }),
    setByEmail: text("set_by_email").notNull(),
    setAt: ts("set_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("budgets_scope_subject_period_key").on(t.scope, t.subjectId, t.period)],
);

/** Threshold alerts sent (owner: the usage module): once per budget, period, level (80 / 100) and cap. */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    budgetId: uuid("budget_id")
      .notNull()
      .references(() => budgets.id, { onDelete: "cascade" }),
    periodStart: ts("period_start").notNull(),
    level: integer("level").notNull(),
    capUsd: numeric("cap_usd", { precision: 12, scale: 2 }).notNull(),
    spentUsd: numeric("spent_usd", { precision: 18, scale: 6 }).notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "budget_alerts_pk", columns: [t.budgetId, t.periodStart, t.level, t.capUsd] })],
);

/**
 * SIEM destinations (owner: the siem module): where audit events stream (syslog RFC 5424 over TLS,
 * or Splunk-HEC-compatible HTTP), and each one's durable cursor: `position` is the last audit chain
 * position the receiver took (README "Streaming to the SIEM"). The HEC token is stored encrypted
 * (lib/secret-box.ts, BRIDLE_ENCRYPTION_KEY), with a hint of its last characters.
 */
export const siemDestinations = pgTable(
  "siem_destinations",
  {
    id: id(),
    name: text("name").notNull(),
    /** `syslog | http` */
    kind: text("kind").notNull(),
    /** syslog: `host:port` (TLS); http: the collector's URL (`https://host:8088/services/collector/event`) */
    endpoint: text("endpoint").notNull(),
    /** PEM of the CA(s) that sign the receiver's certificate; null: the system's trusted CAs */
    tlsCaPem: text("tls_ca_pem"),
    tlsVerify: boolean("tls_verify").notNull().default(true),
    tokenEnc: text("token_enc"),
    tokenHint: text("token_hint"),
    enabled: boolean("enabled").notNull().default(true),
    /** the last audit chain position the receiver took (0: none yet) */
    position: bigint("position", { mode: "number" }).notNull().default(0),
    delivered: bigint("delivered", { mode: "number" }).notNull().default(0),
    lastDeliveredAt: ts("last_delivered_at"),
    lastDeliveredEventAt: ts("last_delivered_event_at"),
    /** consecutive failed attempts since the last success */
    failures: integer("failures").notNull().default(0),
    lastError: text("last_error"),
    lastErrorAt: ts("last_error_at"),
    /** after a failure: not before this time (exponential backoff with jitter) */
    nextAttemptAt: ts("next_attempt_at"),
    createdBy: uuid("created_by").references(() => people.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("siem_destinations_name").using("btree", sql`lower(${t.name})`)],
);
/**
 * Kill switches (kill-switch module, migration 0021): each halts the bots of one scope while
 * `resumedAt` is null. `scopeKind` is `bot | team | channel | skill | all`; `subject` is the bot id,
 * team id, channel key or skill name (null for `all`), `subjectLabel` how it read when engaged (a
 * bot or team name). `mode` is `pause` (every decision denied) or `read_only` (all but read-only
 * actions denied). People are kept by id and by email (the email as it was, if the row goes).
 */
export const killSwitches = pgTable(
  "kill_switches",
  {
    id: id(),
    scopeKind: text("scope_kind").notNull(),
    subject: text("subject"),
    subjectLabel: text("subject_label").notNull(),
    mode: text("mode").notNull(),
    reason: text("reason").notNull(),
    engagedBy: uuid("engaged_by").references(() => people.id, { onDelete: "set null" }),
    engagedByEmail: text("engaged_by_email").notNull(),
    engagedAt: ts("engaged_at").notNull(),
    resumeRequestedBy: uuid("resume_requested_by").references(() => people.id, { onDelete: "set null" }),
    resumeRequestedByEmail: text("resume_requested_by_email"),
    resumeRequestedAt: ts("resume_requested_at"),
    resumeRequestReason: text("resume_request_reason"),
    resumedBy: uuid("resumed_by").references(() => people.id, { onDelete: "set null" }),
    resumedByEmail: text("resumed_by_email"),
    resumedAt: ts("resumed_at"),
    resumeReason: text("resume_reason"),
  },
  (t) => [index("kill_switches_active_idx").on(t.engagedAt).where(sql`resumed_at is null`), index("kill_switches_engaged_idx").on(t.engagedAt.desc(), t.id)],
);

/** One row (id 1): whether resuming a kill switch needs a second person. */
export const killSwitchSettings = pgTable("kill_switch_settings", {
  id: integer("id").primaryKey(),
  resumeRequiresSecondPerson: boolean("resume_requires_second_person").notNull().default(false),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/**
 * Every version of the org policy (policy-settings module, migration 0021): its full content at
 * `version` (org_policy's version), who changed it (email; null for the `baseline` row recorded
 * when versions were first kept) and how (`update`, `rollback` restoring `restoredFrom`).
 */
export const orgPolicyVersions = pgTable("org_policy_versions", {
  version: integer("version").primaryKey(),
  content: jsonb("content").notNull(),
  changedBy: text("changed_by"),
  changedAt: ts("changed_at").notNull(),
  source: text("source").notNull(),
  restoredFrom: integer("restored_from"),
});

/**
 * Every version of the org's gated-action rules (gated-actions module, migration 0021): the whole
 * rule set (`content`: action -> rule) after each change, numbered on its own, with the org policy
 * version the change produced; `baseline` is the set in force when versions were first kept.
 */
export const gatedActionPolicyVersions = pgTable("gated_action_policy_versions", {
  version: integer("version").primaryKey(),
  content: jsonb("content").notNull(),
  policyVersion: integer("policy_version"),
  changedBy: text("changed_by"),
  changedAt: ts("changed_at").notNull(),
  source: text("source").notNull(),
  restoredFrom: integer("restored_from"),
});
