/**
 * The audit module's door: its routes (reading the log) and its commands: `recordAudit`, the one
 * writer of `audit_events`, which every other module calls inside the transaction of its change,
 * and its batch variants (imports, the decision log's group commit). Queries other modules read
 * the log with: `listAuditEvents` (newest first, the list's filters), `systemsUsedInDecisions`
 * (the access reviews' unused grants), `undecidedToolExecutions` (the events module's
 * enforcement gaps: tool results with no matching allow decision in their session),
 * `auditFootprint` / `auditEventsByIds` (an incident's blast radius and evidence), and
 * `sealedAfter` / `chainHead` (the siem module's stream: sealed events in chain order after a cursor),
 * `unsealedEstimate` / `createSealBacklog` (how far the sealer is behind: /metrics, the events
 * module's wait).
 */
export {
  auditEventsSince,
  auditEventsByIds,
  auditFootprint,
  listAuditEvents,
  systemsUsedInDecisions,
  undecidedToolExecutions,
  type AuditEventFilter,
  type StreamedAuditEvent,
  type AuditFootprint,
  type ToolExecution,
} from "./audit.repo.ts";
export { auditRoutes } from "./audit.routes.ts";
export { chainHead, sealedAfter, unsealedEstimate, type SealedEvent } from "./audit.chain.repo.ts";
export { createAuditIntegrity, databaseKeyTrust, verifyCheckpointInDatabase, verifyDatabase, exportRecords, type AuditIntegrity } from "./audit.integrity.ts";
export { DISTRUST_REASONS, judgeKeys, type Jwks, type KeyTrust } from "./audit.keys.ts";
export { createSealBacklog, type SealBacklog } from "./audit.backlog.ts";
export { createSealer, sealRun, withSealLock, type Sealer } from "./audit.sealer.ts";
export { applyRetention, ensurePartitions } from "./audit.retention.ts";
export { createVerifier, keyTrustWarnings, verifyExportedCheckpoint, type CheckpointCheck, type VerifyReport } from "./audit.verifier.ts";
export { ExportFileError, readExportFile } from "./audit.export.ts";
export { CHECKPOINT_JWS_TYPE, type CheckpointRecord, type EventForm, type ExportRecord } from "./audit.chain.ts";
export {
  AUDIT_ACTIONS,
  AuditDetailsError,
  recordAudit,
  recordAuditBatch,
  recordAuditBatchOnce,
  checkAuditBatch,
  type CheckedAuditBatch,
  recordAuditBatchPrepared,
  SYSTEM_ACTOR,
  type Actor,
  type AuditAction,
  type AuditEventInput,
  type PreparedQueryable,
} from "./audit.writer.ts";
export { actorOf, denied } from "./denied.ts";
