import { z } from "zod";
import { ZRotationDueReason } from "./enums.ts";
import { ZOffboardingOutcome, ZOffboardingPlan, ZOffboardingStepKind, ZOffboardingTrigger } from "./offboarding.ts";

/**
 * The audit event types and what each one's `details` hold (DESIGN.md "Audit event"). The one
 * writer (`recordAudit` in the API's audit module) checks every event's details against its
 * type's schema before writing, and TypeScript checks every caller against the same schemas.
 *
 * Conventions:
 * - a change carries `changes`: `{ field: { before, after } }` for exactly the fields that changed
 *   (`changesBetween`), so every change reads the same way in the console's diff;
 * - a refused attempt (outcome `denied`) may carry `ZDeniedDetails` instead of its type's details;
 * - people are named by email, bots by name, next to their ids where the event has them;
 * - no secret value is ever a detail (a secret is named as `set` / `removed`).
 */

/** One field's value before and after a change (`null` when it had none). */
export const ZFieldChange = z.object({ before: z.unknown(), after: z.unknown() });
/** The fields that changed, each with its value before and after. */
export const ZChanges = z.record(z.string(), ZFieldChange);
export type TChanges = z.infer<typeof ZChanges>;

const deepEqual = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The fields of `before` and `after` whose values differ, as `{ field: { before, after } }`
 * (compared by their JSON, absent counting as null). With `fields`, only those are compared.
 */
export function changesBetween<T extends Record<string, unknown>>(before: T | null, after: T | null, fields?: readonly (keyof T & string)[]): TChanges {
  const keys = fields ?? [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const out: TChanges = {};
  for (const k of keys) {
    const b = before?.[k] ?? null;
    const a = after?.[k] ?? null;
    if (!deepEqual(b, a)) out[k] = { before: b, after: a };
  }
  return out;
}

/** A refused attempt: the roles the caller had and what they tried. */
export const ZDeniedDetails = z.object({ roles: z.array(z.string()), attempted: z.string().optional(), reason: z.string().optional() });

/** A decision as recorded: everything the signed answer said, and what it was asked. */
export const ZDecisionEventDetails = z.object({
  decisionId: z.string(),
  bot: z.string(),
  tokenId: z.string(),
  action: z.string(),
  target: z.record(z.string(), z.unknown()),
  decision: z.enum(["allow", "deny", "require_approval"]),
  reasons: z.array(z.object({ code: z.string(), message: z.string(), rule: z.string() })),
  runtimeRequestId: z.string(),
  sessionId: z.string().nullable(),
  approvalRequestId: z.string().nullable(),
  policyVersion: z.number().int(),
  paramsHash: z.string(),
});

const email = z.string();

/** What security did with an alert: its status before and after, the reason given, until when it sleeps. */
const alertChange = z.object({
  alertId: z.string(),
  rule: z.string(),
  subject: z.string(),
  status: z.object({ before: z.string(), after: z.string() }),
  reason: z.string().nullable(),
  snoozedUntil: z.string().optional(),
});
/** A budget event: the bot or team whose spend reached a threshold; other fields as the usage module writes them. */
const iso = z.union([z.string(), z.date()]);
/** A budget's spend crossed 80 % (`budget.threshold_reached`) or its cap (`budget.exhausted`): actor Bridle. */
const budgetCrossed = z.object({
  budgetId: z.string(),
  scope: z.enum(["bot", "team"]),
  subjectId: z.string(),
  subject: z.string(),
  period: z.enum(["day", "month"]),
  periodStart: z.string(),
  capUsd: z.number(),
  spentUsd: z.number(),
  percent: z.number().int(),
  botIds: z.array(z.string()),
});
/** A Golden Rule exception as recorded with a bot change; from an import, with the file it came from. */
const exception = z
  .object({
    status: z.string().optional(),
    approvedBy: z.string().nullable(),
    approvedAt: iso.nullable(),
    source: z.string().optional(),
    fileName: z.string().optional(),
    sha256: z.string().optional(),
  })
  .nullable();
const via = z.enum(["console", "api", "import"]).optional();
const approvalRef = { kind: z.string(), botId: z.string().nullable() };
/** A decided request's events also name the bot (its name when the event was written), so the log reads without a lookup. */
const decidedRef = { ...approvalRef, bot: z.string() };
const system = z.record(z.string(), z.unknown());
/** A credential reference as events name it: its id, system key and vault reference (a pointer, never a secret). */
const credentialRef = z.object({ id: z.string(), system: z.string(), reference: z.string() });

/**
 * A runtime event's details: the bot's name, the runtime's `time`, the type's own fields (checked
 * here for the ones the log reads; the rest as sent, validated by ZRuntimeEvent at the edge), and
 * `redactions` (JSON pointers and secretlint rules) where secrets were cut out.
 */
const runtimeDetails = <S extends z.ZodRawShape>(shape: S) =>
  z.looseObject({
    bot: z.string(),
    time: z.string(),
    redactions: z.array(z.object({ path: z.string(), rule: z.string() })).optional(),
    ...shape,
  });

/** Every audit event type, with the schema of its details. */
export const AUDIT_EVENT_DETAILS = {
  // sign-in and credentials
  "auth.login": z.object({ method: z.literal("local"), bootstrapAdmin: z.boolean().optional(), reason: z.string().optional() }),
  "auth.logout": z.object({ method: z.string() }),
  "auth.token_used": z.object({ token: z.string(), bootstrapAdmin: z.literal(true), method: z.string().optional(), path: z.string().optional(), reason: z.string().optional() }),
  "auth.sso_login": z.object({
    method: z.literal("oidc"),
    subject: z.string().optional(),
    groups: z.array(z.string()).optional(),
    roles: z.array(z.string()).optional(),
    rolesBefore: z.array(z.string()).optional(),
    provisioned: z.literal("just_in_time").optional(),
    code: z.string().optional(),
    reason: z.string().optional(),
  }),
  "session.revoke": z.object({ person: email, method: z.string(), own: z.boolean() }),
  "api_token.create": z.object({ name: z.string(), scopes: z.array(z.string()), expiresAt: iso.nullable() }),
  "api_token.revoke": z.object({}),
  "token.bootstrap_register": z.object({}),
  "scim_token.create": z.object({ name: z.string() }),
  "scim_token.revoke": z.object({ name: z.string() }),
  "scim.request": z.object({}),
  "bot_token.create": z.object({ botId: z.string(), bot: z.string(), name: z.string(), prefix: z.string().nullable(), expiresAt: iso.nullable() }),
  "bot_token.revoke": z.object({ botId: z.string(), bot: z.string(), name: z.string(), reason: z.string().optional().describe("why Bridle revoked it (offboarding); absent when a person revoked it by hand") }),
  // people and teams
  "person.bootstrap_admin": z.object({ email: email.optional(), change: z.string() }),
  "person.create": z.object({
    source: z.enum(["scim", "sso", "console", "import"]),
    email: email.nullable().optional(),
    userName: z.string().optional(),
    externalId: z.string().nullable().optional(),
    active: z.boolean().optional(),
    roles: z.array(z.string()).optional(),
    subject: z.string().optional(),
    revived: z.literal(true).optional(),
  }),
  "person.update": z.object({ email: email.optional(), userName: z.string().optional(), changes: ZChanges }),
  "person.read": z.object({}),
  "person.deactivate": z.object({ email, reason: z.string(), sessionsEnded: z.number().int(), tokensRevoked: z.number().int(), botsOrphaned: z.array(z.string()) }),
  "person.reactivate": z.object({ email }),
  "person.delete": z.object({ kept: z.string(), botsOrphaned: z.number().int() }),
  "team.create": z.object({
    slug: z.string().nullable(),
    name: z.string().optional(),
    displayName: z.string().optional(),
    externalId: z.string().nullable().optional(),
    members: z.number().int().optional(),
    via: z.string().optional(),
    revived: z.literal(true).optional(),
  }),
  "team.update": z.object({ slug: z.string().optional(), displayName: z.string().optional(), changes: ZChanges, membersAdded: z.array(z.string()).optional(), membersRemoved: z.array(z.string()).optional() }),
  "team.delete": z.object({ slug: z.string(), name: z.string().optional(), displayName: z.string().optional(), kept: z.string().nullable().optional() }),
  // bots
  "bot.create": z.object({ name: z.string(), owner: z.string(), environment: z.string(), via, exception: exception.optional() }),
  "bot.update": z.object({
    name: z.string().optional(),
    changes: ZChanges,
    via,
    /** grants, channels, credential references and service accounts an import removed */
    removed: z.array(z.unknown()).optional(),
    exception: exception.optional(),
  }),
  "bot.read": z.object({}),
  "bot.owner_deprovisioned": z.object({ name: z.string(), owner: email }),
  "bot.ownership_transferred": z.object({
    name: z.string(),
    from: email.nullable(),
    fromStatus: z.string().nullable(),
    to: email,
    direct: z.boolean(),
    note: z.string(),
    cancelledRequests: z.array(z.string()).optional(),
  }),
  // credential references (pointers to secrets in vaults; never a secret value)
  "credential_reference.revoke": z.object({ botId: z.string(), bot: z.string(), reason: z.string(), references: z.array(credentialRef) }),
  "credential_reference.rotation_due": z.object({ botId: z.string(), bot: z.string(), reason: ZRotationDueReason, references: z.array(credentialRef) }),
  "credential_reference.create": z.object({ botId: z.string(), bot: z.string(), after: z.record(z.string(), z.unknown()) }),
  "credential_reference.update": z.object({ botId: z.string(), bot: z.string(), reference: credentialRef, changes: ZChanges }),
  "credential_reference.delete": z.object({ botId: z.string(), bot: z.string(), before: z.record(z.string(), z.unknown()) }),
  "credential_reference.rotated": z.object({
    botId: z.string(),
    bot: z.string(),
    reference: credentialRef,
    rotatedAt: iso,
    note: z.string().nullable(),
    /** the status it had: a reference due (or revoked) becomes active again once rotated */
    statusBefore: z.string(),
  }),
  /** a write refused because a field looked like a secret: the fields and rules, never the value */
  "credential_reference.secret_refused": z.object({ botId: z.string(), fields: z.array(z.object({ field: z.string(), rule: z.string(), kind: z.string() })) }),
  "leak_playbook.start": z.object({ botId: z.string(), bot: z.string(), playbookId: z.string(), reference: credentialRef, reason: z.string() }),
  "leak_playbook.step": z.object({
    botId: z.string(),
    bot: z.string(),
    playbookId: z.string(),
    step: z.string(),
    notes: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    /** true when this step was the last one and closed the playbook (the bot's gated actions are released) */
    closed: z.boolean(),
  }),
  // offboarding (cases and their steps; a case's resource is the bot)
  "offboarding.case_open": z.object({
    caseId: z.string(),
    botId: z.string(),
    bot: z.string(),
    trigger: ZOffboardingTrigger,
    reason: z.string(),
    formerOwner: email.nullable(),
    proposedOwner: email.nullable(),
  }),
  /** IT chose the case's plan (transfer to `to`, or offboard); a bulk choice records one per case */
  "offboarding.plan_set": z.object({
    caseId: z.string(),
    botId: z.string(),
    bot: z.string(),
    plan: ZOffboardingPlan,
    planBefore: ZOffboardingPlan.nullable(),
    to: email.nullable(),
    note: z.string().nullable(),
  }),
  /** steps done on a case, in one transaction: automatic ones Bridle ran, or one a person recorded */
  "offboarding.steps_done": z.object({
    caseId: z.string(),
    botId: z.string(),
    bot: z.string(),
    steps: z.array(z.object({ kind: ZOffboardingStepKind, note: z.string().nullable().optional(), link: z.string().nullable().optional(), details: z.record(z.string(), z.unknown()).optional() })),
  }),
  /** the new owner accepted the bot: it is theirs, every credential reference due for rotation */
  "offboarding.transfer_accept": z.object({ caseId: z.string(), botId: z.string(), bot: z.string(), from: email.nullable(), to: email, rotationDue: z.number().int() }),
  /** a case closed: every step done (`transferred`, `offboarded`) */
  "offboarding.case_close": z.object({ caseId: z.string(), botId: z.string(), bot: z.string(), outcome: ZOffboardingOutcome }),
  /** the orphan job warned the manager and IT that the orphan will be paused at `deadline` */
  "offboarding.orphan_warn": z.object({ caseId: z.string(), botId: z.string(), bot: z.string(), deadline: iso, notified: z.number().int() }),
  /** the orphan job paused an orphan past the org's deadline */
  "offboarding.orphan_pause": z.object({ caseId: z.string(), botId: z.string(), bot: z.string(), deadline: iso, statusBefore: z.string() }),
  // incidents (the resource is the incident)
  "incident.declare": z.object({
    incidentId: z.string(),
    title: z.string(),
    severity: z.string(),
    isDrill: z.boolean(),
    detectedAt: iso,
    bots: z.array(z.string()),
    evidence: z.number().int(),
  }),
  /** fields changed, each before and after (long texts cut to 500 characters); a phase moved forward names both */
  "incident.update": z.object({
    incidentId: z.string(),
    title: z.string(),
    changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
  }),
  "incident.evidence_add": z.object({ incidentId: z.string(), title: z.string(), auditEventIds: z.array(z.string()) }),
  /** the one-page summary was exported (Markdown or PDF) */
  "incident.export": z.object({
    incidentId: z.string(),
    title: z.string(),
    format: z.enum(["md", "pdf"]),
    /** whether the linked audit events and response actions went into the file (left out without audit.read) */
    auditEvidence: z.enum(["included", "withheld"]).optional(),
  }),
  // access reviews (a campaign's resource is the campaign; an item's is the bot it reviews)
  "access_review.campaign_start": z.object({
    campaignId: z.string(),
    name: z.string(),
    scope: z.enum(["all", "team"]),
    team: z.string().nullable(),
    trigger: z.enum(["manual", "schedule"]),
    dueAt: iso,
    lookbackDays: z.number().int(),
    items: z.number().int(),
    orphans: z.number().int().describe("items assigned to admins: bots with no active owner"),
  }),
  "access_review.item_decide": z.object({
    campaignId: z.string(),
    itemId: z.string(),
    botId: z.string(),
    bot: z.string(),
    decision: z.enum(["keep", "reduce", "offboard"]),
    note: z.string().nullable(),
    grantsAtReview: z.array(z.string()),
    offboardingCaseId: z.string().optional(),
  }),
  "access_review.reduce_apply": z.object({
    campaignId: z.string(),
    itemId: z.string(),
    botId: z.string(),
    bot: z.string(),
    grants: z.array(z.object({ id: z.string(), system: z.string(), scope: z.string(), access: z.string() })),
    channels: z.array(z.string()),
    credentialReferences: z.array(credentialRef),
  }),
  "access_review.overdue_pause": z.object({ campaignId: z.string(), itemId: z.string(), botId: z.string(), bot: z.string(), dueAt: iso }),
  "access_review.overdue_lift": z.object({ campaignId: z.string(), itemId: z.string(), botId: z.string(), bot: z.string(), decision: z.enum(["keep", "reduce", "offboard"]) }),
  "access_review.item_read": z.object({}),
  "access_review.evidence_export": z.object({ campaignId: z.string(), format: z.enum(["csv", "json"]), items: z.number().int() }),
  // systems, org policy, identity settings
  "system.create": z.object({ after: system, via: z.string().optional(), findingsChanged: z.number().int().optional() }),
  "system.update": z.object({ key: z.string(), changes: ZChanges, via: z.string().optional(), findingsChanged: z.number().int().optional() }),
  "system.delete": z.object({ before: system, findingsChanged: z.number().int().optional() }),
  "policy.update": z.object({ version: z.object({ before: z.number().int(), after: z.number().int() }), changes: ZChanges, findingsChanged: z.number().int() }),
  /** the org policy set back to the content of an earlier version (a new version) */
  "policy.rollback": z.object({ restoredFrom: z.number().int(), version: z.object({ before: z.number().int(), after: z.number().int() }), changes: ZChanges, findingsChanged: z.number().int() }),
  "identity_settings.update": z.object({ changes: ZChanges, clientSecret: z.enum(["set", "removed"]).optional(), reason: z.string().optional() }),
  "gated_action.update": z.object({ changes: ZChanges, policyVersion: z.number().int().nullable() }),
  /** the org's gated-action rules set back to an earlier version's (changes keyed by action) */
  "gated_action.rollback": z.object({ restoredFrom: z.number().int(), version: z.number().int(), changes: ZChanges, policyVersion: z.number().int().nullable() }),
  "gated_action.override_set": z.object({ gatedAction: z.string(), changes: ZChanges, loosensUnderException: z.string().nullable(), policyVersion: z.number().int().nullable() }),
  "gated_action.override_remove": z.object({ gatedAction: z.string(), policyVersion: z.number().int().nullable() }),
  // inventory
  "inventory.import": z.object({
    source: z.string().optional(),
    fileName: z.string().optional(),
    sha256: z.string().optional(),
    bytes: z.number().int().optional(),
    created: z.number().int().optional(),
    updated: z.number().int().optional(),
    unchanged: z.number().int().optional(),
    removals: z.unknown().optional(),
    systemsCreated: z.number().int().optional(),
    systemsUpdated: z.number().int().optional(),
    roles: z.array(z.string()).optional(),
    refused: z.unknown().optional(),
  }),
  "inventory.export": z.object({ format: z.string(), bots: z.number().int() }),
  "org.seed": z.object({ source: z.string(), systems: z.number().int(), teams: z.number().int(), people: z.number().int(), skills: z.number().int().optional() }),
  "findings.recompute": z.object({}),
  // approvals (human side)
  "approval.request": z.object({
    ...approvalRef,
    bot: z.string(),
    summary: z.string().optional(),
    reasons: z.array(z.string()).optional(),
    approverRole: z.string(),
    approvalsRequired: z.number().int(),
    grant: z.string().optional(),
    action: z.string().optional(),
    target: z.record(z.string(), z.unknown()).optional(),
    runtimeRequestId: z.string().optional(),
    paramsHash: z.string().optional(),
  }),
  "approval.approve": z.object({ ...decidedRef, note: z.string().nullable() }),
  "approval.deny": z.object({ ...decidedRef, note: z.string().nullable() }),
  "approval.expire": z.object({ ...decidedRef, expiresAt: z.string(), noticedBy: email.optional() }),
  "approval.cancel": z.object({ ...decidedRef, reason: z.string().optional() }),
  "approval.apply": z.object({ requestId: z.string(), kind: z.string(), bot: z.string(), approvers: z.array(email) }),
  "approval.read": z.object({}),
  // runtime side: every decision answered to a runtime (recorded by the decision log's batch writer)
  "decision.allow": ZDecisionEventDetails,
  "decision.deny": ZDecisionEventDetails,
  "decision.require_approval": ZDecisionEventDetails,
  // runtime events (events module): what a bot's runtime reported it did, one audit event each (actor
  // the bot, resource the event id, session id in the event's envelope); the runtime's fields as
  // sent (ZRuntimeEvent, secrets redacted), its clock's `time`, and where secrets were cut out
  "runtime.session_start": runtimeDetails({}),
  "runtime.session_end": runtimeDetails({}),
  "runtime.tool_call": runtimeDetails({ tool: z.string() }),
  "runtime.tool_result": runtimeDetails({ tool: z.string(), ok: z.boolean() }),
  "runtime.message_sent": runtimeDetails({ channel: z.string() }),
  "runtime.error": runtimeDetails({ message: z.string() }),
  "runtime.usage": runtimeDetails({ model: z.string(), inputTokens: z.number().int(), outputTokens: z.number().int(), costUsd: z.number() }),
  "runtime.heartbeat": runtimeDetails({ runtime: z.string() }),
  /** reading a bot's runtime sessions: written only for a refusal (ZDeniedDetails) */
  "runtime.session_read": z.object({}),
  /** reading a bot's runtime status (heartbeats, enforcement gaps): written only for a refusal (ZDeniedDetails) */
  "runtime.status_read": z.object({}),
  // notifications: a person's channels, the org's webhook (its URL never recorded: a hint), deliveries
  "notification.preferences_update": z.object({ changes: ZChanges }),
  "notification.webhook_set": z.object({ hint: z.string(), previousHint: z.string().nullable() }),
  "notification.webhook_remove": z.object({ previousHint: z.string().nullable() }),
  "notification.delivery_retry": z.object({ channel: z.string(), previousStatus: z.string(), attempts: z.number().int() }),
  "notification.test": z.object({ recipients: z.number().int() }),
  // SIEM streaming (siem module): destinations as configured (a HEC token never recorded: its hint),
  // and each test an admin ran (what the receiver answered)
  "siem.destination_create": z.object({ name: z.string(), kind: z.string(), endpoint: z.string(), tokenHint: z.string().nullable(), startPosition: z.number().int() }),
  "siem.destination_update": z.object({ name: z.string(), changes: ZChanges }),
  "siem.destination_delete": z.object({ name: z.string(), kind: z.string(), endpoint: z.string(), position: z.number().int() }),
  "siem.destination_test": z.object({ name: z.string(), ok: z.boolean(), message: z.string() }),
  // persistent instructions (instructions module): who uploaded and reviewed which version, never
  // the content (its SHA-256 names it); a refused upload names the file, rule and line, never the value
  "instructions.upload": z.object({
    botId: z.string(),
    bot: z.string(),
    file: z.string(),
    version: z.number().int(),
    sha256: z.string(),
    bytes: z.number().int(),
    loadedByDefault: z.boolean(),
    status: z.string(),
    /** the pending version this upload replaced before anyone reviewed it */
    superseded: z.number().int().optional(),
    via: z.enum(["console", "api", "runtime"]),
  }),
  "instructions.upload_refused": z.object({
    botId: z.string(),
    bot: z.string(),
    file: z.string(),
    bytes: z.number().int(),
    secrets: z.array(z.object({ line: z.number().int(), rule: z.string(), kind: z.string() })),
    via: z.enum(["console", "api", "runtime"]),
  }),
  "instructions.review": z.object({
    botId: z.string(),
    bot: z.string(),
    file: z.string(),
    version: z.number().int(),
    sha256: z.string(),
    decision: z.enum(["approve", "reject"]),
    note: z.string().nullable(),
    uploadedBy: z.string(),
  }),
  "instructions.file_update": z.object({ botId: z.string(), bot: z.string(), file: z.string(), changes: ZChanges }),
  "instructions.read": z.object({ botId: z.string().optional(), at: z.string().optional() }),
  // the skills and plugins registry (skills module)
  "skill.create": z.object({
    name: z.string(),
    version: z.string(),
    source: z.object({ registry: z.string(), package: z.string() }),
    owner: email,
    botsUsing: z.number().int(),
    /** loaded from the organization file, with the status and reviewer it states */
    via: z.literal("seed").optional(),
    status: z.string().optional(),
    reviewedBy: email.optional(),
  }),
  "skill.update": z.object({ name: z.string(), version: z.string(), changes: ZChanges, statusReset: z.boolean() }),
  "skill.review": z.object({
    name: z.string(),
    version: z.string(),
    decision: z.enum(["approve", "reject"]),
    status: z.object({ before: z.string(), after: z.string() }),
    note: z.string().nullable(),
    botsUsing: z.number().int(),
  }),
  // usage and budgets (usage module): caps set and removed by admins; thresholds reached (80 %,
  // 100 %: actor Bridle, once per budget, period and cap); reading usage (refusals only)
  "budget.set": z.object({
    budgetId: z.string(),
    scope: z.enum(["bot", "team"]),
    subjectId: z.string(),
    subject: z.string(),
    period: z.enum(["day", "month"]),
    changes: ZChanges,
  }),
  "budget.remove": z.object({ budgetId: z.string(), scope: z.enum(["bot", "team"]), subjectId: z.string(), subject: z.string(), period: z.enum(["day", "month"]), capUsd: z.number() }),
  "budget.threshold_reached": budgetCrossed,
  "budget.exhausted": budgetCrossed,
  "budget.read": z.object({}),
  "usage.read": z.object({}),
  // the kill switch (kill-switch module): the switch is the resource; `haltedBots` counted when it happened
  "kill_switch.engage": z.object({
    scope: z.object({ kind: z.string(), subject: z.string().nullable(), label: z.string() }),
    mode: z.enum(["pause", "read_only"]),
    reason: z.string(),
    haltedBots: z.number().int(),
  }),
  "kill_switch.resume_request": z.object({ scope: z.object({ kind: z.string(), subject: z.string().nullable(), label: z.string() }), reason: z.string() }),
  "kill_switch.resume": z.object({
    scope: z.object({ kind: z.string(), subject: z.string().nullable(), label: z.string() }),
    reason: z.string(),
    /** who asked for the resume, when a second person confirmed it */
    requestedBy: email.nullable(),
    engagedFor: z.string().describe("how long it was engaged, e.g. 1h 5m"),
  }),
  "kill_switch.settings_update": z.object({ changes: ZChanges }),
  /** reading switches: written only for a refusal (ZDeniedDetails) */
  "kill_switch.read": z.object({}),
  // alerts (alerts module): an alert opened by Bridle's evaluator (actor the system), what security
  // did with it (a refusal carries ZDeniedDetails), the bot it paused, and the rules changed
  "alert.open": z.object({
    alertId: z.string(),
    rule: z.string(),
    subjectType: z.string(),
    subject: z.string(),
    botId: z.string().nullable(),
    count: z.number().int(),
    eventIds: z.array(z.string()),
    reopened: z.boolean().optional(),
  }),
  "alert.acknowledge": alertChange,
  "alert.snooze": alertChange,
  "alert.resolve": alertChange,
  "alert.read": z.object({}),
  "alert.auto_pause": z.object({ alertId: z.string(), botId: z.string(), bot: z.string(), statusBefore: z.string() }),
  "alert_rule.update": z.object({ rules: z.record(z.string(), ZChanges) }),
  // refusals without a more specific type, and reading the audit log
  "access.denied": z.object({}),
  "audit.read": z.object({}),
  "audit.export": z.object({ format: z.string(), filters: z.record(z.string(), z.unknown()), events: z.number().int().optional() }),
} as const satisfies Record<string, z.ZodType>;

export type AuditAction = keyof typeof AUDIT_EVENT_DETAILS;
export const AUDIT_ACTIONS = Object.keys(AUDIT_EVENT_DETAILS) as AuditAction[];
/** The details an event of type `A` carries. */
export type AuditDetails<A extends AuditAction> = z.input<(typeof AUDIT_EVENT_DETAILS)[A]>;

/**
 * Checks `details` against the schema of `action` (or, for a refusal, `ZDeniedDetails`).
 * @returns null when they fit, else the first problem as text (path: message)
 */
export function auditDetailsProblem(action: string, outcome: string, details: unknown): string | null {
  const schema = (AUDIT_EVENT_DETAILS as Record<string, z.ZodType>)[action];
  if (!schema) return `unknown audit event type ${action}`;
  const parsed = schema.safeParse(details);
  if (parsed.success) return null;
  if (outcome === "denied" && ZDeniedDetails.safeParse(details).success) return null;
  const issue = parsed.error.issues[0]!;
  return `${action}: ${issue.path.join(".") || "(details)"}: ${issue.message}`;
}
