/**
 * The audit module's door: its routes (reading the log) and its commands: `recordAudit`, the one
 * writer of `audit_events`, which every other module calls inside the transaction of its change,
 * and its batch variants (imports, the decision log's group commit).
 */
export { auditRoutes } from "./audit.routes.ts";
export {
  AUDIT_ACTIONS,
  AuditDetailsError,
  recordAudit,
  recordAuditBatch,
  recordAuditBatchPrepared,
  SYSTEM_ACTOR,
  type Actor,
  type AuditAction,
  type AuditEventInput,
} from "./audit.writer.ts";
export { actorOf, denied } from "./denied.ts";
