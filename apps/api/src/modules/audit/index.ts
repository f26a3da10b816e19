/**
 * The audit module's door: its routes (reading the log) and its command, `recordAudit`, the one
 * writer of `audit_events`, which every other module calls inside the transaction of its change.
 */
export { auditRoutes } from "./audit.routes.ts";
export { AUDIT_ACTIONS, recordAudit, SYSTEM_ACTOR, type Actor, type AuditAction, type AuditEventInput } from "./audit.repo.ts";
export { actorOf, denied } from "./denied.ts";
