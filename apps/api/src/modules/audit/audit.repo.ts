import { auditEvents, type DbOrTx } from "@bridle/db";
import { and, desc, eq, gte, like, lt, or, sql } from "drizzle-orm";
import { currentRequestOrigin } from "../../lib/request-origin.ts";

/**
 * Audit actions. Every state change writes one of these in the same transaction as the change;
 * denied attempts are written too (outcome `denied`).
 */
export const AUDIT_ACTIONS = [
  "auth.login",
  "auth.logout",
  "auth.token_used",
  "bot.create",
  "bot.update",
  "bot.read",
  "policy.update",
  "inventory.import",
  "inventory.export",
  "org.seed",
  "person.bootstrap_admin",
  "token.bootstrap_register",
  "findings.recompute",
  "access.denied",
  "person.create",
  "person.update",
  "person.read",
  "person.deactivate",
  "person.reactivate",
  "person.delete",
  "team.create",
  "team.update",
  "team.delete",
  "system.create",
  "system.update",
  "system.delete",
  "bot.owner_deprovisioned",
  "bot.ownership_transferred",
  "identity_settings.update",
  "scim_token.create",
  "scim_token.revoke",
  "scim.request",
  "api_token.create",
  "api_token.revoke",
  "session.revoke",
  "auth.sso_login",
  // approvals (human side): request opened, each review, expiry, withdrawal, and the applied change
  "approval.request",
  "approval.approve",
  "approval.deny",
  "approval.expire",
  "approval.cancel",
  "approval.apply",
  "gated_action.update",
  "gated_action.override_set",
  "gated_action.override_remove",
  // runtime side: bot runtime tokens, every decision answered to a runtime (actor: the bot), denied reads of a request
  "bot_token.create",
  "bot_token.revoke",
  "decision.allow",
  "decision.deny",
  "decision.require_approval",
  "approval.read",
  // reading the audit log itself: recorded when refused
  "audit.read",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `bot`: a bot runtime acting with its runtime token (decisions, gated-action requests). */
export type Actor = { type: "person" | "system" | "token" | "bot"; id: string | null; label: string | null };
export const SYSTEM_ACTOR: Actor = { type: "system", id: null, label: "bridle" };

export type AuditEventInput = {
  actor: Actor;
  action: AuditAction;
  resourceType: string;
  resourceId?: string | null;
  outcome: "success" | "denied" | "failure";
  /** the HTTP request id; defaults to the request being served */
  requestId?: string | null;
  /** a bot runtime's session id, where the event belongs to one */
  sessionId?: string | null;
  details?: Record<string, unknown>;
};

/**
 * Writes one audit event with `db` (the caller's transaction, so the event commits with the change
 * or not at all). The request id, source IP and user agent of the request being served are added
 * from the request context when the caller does not give a request id.
 */
export async function recordAudit(db: DbOrTx, e: AuditEventInput): Promise<void> {
  const origin = currentRequestOrigin();
  await db.insert(auditEvents).values({
    actorType: e.actor.type,
    actorId: e.actor.id,
    actorLabel: e.actor.label,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId ?? null,
    outcome: e.outcome,
    requestId: e.requestId ?? origin?.requestId ?? null,
    sessionId: e.sessionId ?? null,
    sourceIp: origin?.sourceIp ?? null,
    userAgent: origin?.userAgent ?? null,
    details: e.details ?? {},
  });
}

/** Filters of `listAuditEvents`; every one given narrows (AND). `beforeSeq` is the keyset cursor. */
export type AuditEventFilter = {
  actorType?: string;
  actorId?: string;
  /** the bot acted, was acted on, or is the subject (`details.botId`) */
  botId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
  requestId?: string;
  sessionId?: string;
  from?: Date;
  to?: Date;
  beforeSeq?: number;
};

/** Audit events newest first (by `seq`), at most `limit`. An `action` ending in `.` is a prefix. */
export async function listAuditEvents(db: DbOrTx, f: AuditEventFilter, limit: number) {
  const where = [
    f.actorType ? eq(auditEvents.actorType, f.actorType) : undefined,
    f.actorId ? eq(auditEvents.actorId, f.actorId) : undefined,
    f.botId
      ? or(
          and(eq(auditEvents.actorType, "bot"), eq(auditEvents.actorId, f.botId)),
          and(eq(auditEvents.resourceType, "bot"), eq(auditEvents.resourceId, f.botId)),
          sql`${auditEvents.details}->>'botId' = ${f.botId}`,
        )
      : undefined,
    f.action ? (f.action.endsWith(".") ? like(auditEvents.action, `${f.action.replace(/[\\%_]/g, "\\$&")}%`) : eq(auditEvents.action, f.action)) : undefined,
    f.resourceType ? eq(auditEvents.resourceType, f.resourceType) : undefined,
    f.resourceId ? eq(auditEvents.resourceId, f.resourceId) : undefined,
    f.outcome ? eq(auditEvents.outcome, f.outcome) : undefined,
    f.requestId ? eq(auditEvents.requestId, f.requestId) : undefined,
    f.sessionId ? eq(auditEvents.sessionId, f.sessionId) : undefined,
    f.from ? gte(auditEvents.at, f.from) : undefined,
    f.to ? lt(auditEvents.at, f.to) : undefined,
    f.beforeSeq !== undefined ? lt(auditEvents.seq, f.beforeSeq) : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.seq))
    .limit(limit);
}

export async function getAuditEvent(db: DbOrTx, id: string) {
  const [row] = await db.select().from(auditEvents).where(eq(auditEvents.id, id));
  return row ?? null;
}
