import { auditEvents, type DbOrTx } from "@bridle/db";

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
  requestId?: string | null;
  details?: Record<string, unknown>;
};

export async function recordAudit(db: DbOrTx, e: AuditEventInput): Promise<void> {
  await db.insert(auditEvents).values({
    actorType: e.actor.type,
    actorId: e.actor.id,
    actorLabel: e.actor.label,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId ?? null,
    outcome: e.outcome,
    requestId: e.requestId ?? null,
    details: e.details ?? {},
  });
}
