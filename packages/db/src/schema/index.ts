import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
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
  createdAt: createdAt(),
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
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("people_email_lower_idx").on(sql`lower(${t.email})`)],
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
  (t) => [index("service_accounts_bot_idx").on(t.botId), uniqueIndex("service_accounts_bot_system_idx").on(t.botId, t.systemId)],
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
  },
  (t) => [index("credential_references_bot_idx").on(t.botId)],
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
  },
  (t) => [index("sessions_person_idx").on(t.personId)],
);

/** API tokens (personal, bootstrap admin). Only the SHA-256 of the token is stored. */
export const apiTokens = pgTable("api_tokens", {
  id: id(),
  name: text("name").notNull(),
  kind: text("kind").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  personId: uuid("person_id").references(() => people.id, { onDelete: "cascade" }),
  roles: text("roles").array().notNull().default(sql`'{}'`),
  createdAt: createdAt(),
  lastUsedAt: ts("last_used_at"),
  expiresAt: ts("expires_at"),
  revokedAt: ts("revoked_at"),
});

/**
 * Append-only audit log, written in the same transaction as the change it records.
 * `seq` gives a total order; hash chaining comes with the audit module.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: id(),
    seq: bigserial("seq", { mode: "number" }).notNull(),
    at: ts("at").notNull().defaultNow(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    outcome: text("outcome").notNull(),
    requestId: text("request_id"),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [index("audit_events_seq_idx").on(t.seq), index("audit_events_resource_idx").on(t.resourceType, t.resourceId)],
);
