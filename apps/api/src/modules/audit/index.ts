/**
 * The audit module's door: its routes (reading the log) and its commands: `recordAudit` (and
 * `recordAuditBatch` for imports), the one writer of `audit_events`, which every other module
 * calls inside the transaction of its change, and `denied`, which records a refused attempt.
 */
export { auditRoutes } from "./audit.routes.ts";
export { AUDIT_ACTIONS, recordAudit, SYSTEM_ACTOR, type Actor, type AuditAction, type AuditEventInput } from "./audit.repo.ts";
export { recordAuditBatch } from "./audit.batch.ts";
export { actorOf, denied } from "./denied.ts";
