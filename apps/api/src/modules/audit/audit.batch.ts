import { auditEvents, type DbOrTx } from "@bridle/db";
import { currentRequestOrigin } from "../../lib/request-origin.ts";
import type { AuditEventInput } from "./audit.repo.ts";

/** Rows per INSERT statement of `recordAuditBatch`. */
const CHUNK = 1000;

/**
 * The batch variant of `recordAudit`, for imports that write many events in one transaction:
 * the same rows (with the request's origin, as `recordAudit` adds it), inserted `CHUNK` at a time,
 * in the order given.
 */
export async function recordAuditBatch(db: DbOrTx, events: readonly AuditEventInput[]): Promise<void> {
  const origin = currentRequestOrigin();
  const rows = events.map((e) => ({
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
  }));
  for (let i = 0; i < rows.length; i += CHUNK) await db.insert(auditEvents).values(rows.slice(i, i + CHUNK));
}
