import { setImmediate as yieldToRequests } from "node:timers/promises";
import { auditDetailsProblem, type AuditAction, type AuditDetails, type ZDeniedDetails } from "@bridle/contracts";
import { auditEvents, type DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import { currentRequestOrigin } from "../../lib/request-origin.ts";
import { rowsOf } from "../../lib/sql.ts";

export { AUDIT_ACTIONS, type AuditAction } from "@bridle/contracts";

/**
 * Who acted, as the server saw it. `person`: signed in to the console; `token`: a person's API
 * token; `bot`: a bot runtime acting with its runtime token (decisions, gated-action requests);
 * `system`: Bridle itself (jobs, SCIM provisioning's effects, bootstrap).
 */
export type Actor = { type: "person" | "system" | "token" | "bot"; id: string | null; label: string | null };
export const SYSTEM_ACTOR: Actor = { type: "system", id: null, label: "bridle" };

type Envelope = {
  actor: Actor;
  resourceType: string;
  resourceId?: string | null;
  outcome: "success" | "denied" | "failure";
  /** the HTTP request id; defaults to the request being served */
  requestId?: string | null;
  /** a bot runtime's session id, where the event belongs to one */
  sessionId?: string | null;
  /** the client's address and user agent; default to the request being served */
  sourceIp?: string | null;
  userAgent?: string | null;
  /** when it happened; defaults to the transaction's time */
  at?: Date;
};

/**
 * One audit event to write: its type (`action`) decides what `details` must hold
 * (`AUDIT_EVENT_DETAILS` in @bridle/contracts); a refusal may carry `ZDeniedDetails` instead.
 */
export type AuditEventInput = {
  [A in AuditAction]: Envelope & { action: A; details?: AuditDetails<A> | z.input<typeof ZDeniedDetails> };
}[AuditAction];

/** Details that do not fit their event type's schema: a bug in the caller, refused like bad input. */
export class AuditDetailsError extends Error {}

/**
 * The row of an event, checked. Always the same shape (`at` undefined means the transaction's time,
 * the column default): a shape that varies per call (a spread of an optional field first) made V8
 * miss its inline caches on every property, the largest cost of writing a decision's event.
 */
function rowOf(e: AuditEventInput) {
  const details = (e.details ?? {}) as Record<string, unknown>;
  const problem = auditDetailsProblem(e.action, e.outcome, details);
  if (problem) throw new AuditDetailsError(`audit event details do not fit their type: ${problem}`);
  const origin = e.requestId === undefined || e.sourceIp === undefined ? currentRequestOrigin() : undefined;
  return {
    at: e.at,
    actorType: e.actor.type,
    actorId: e.actor.id,
    actorLabel: e.actor.label,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId ?? null,
    outcome: e.outcome,
    requestId: e.requestId ?? origin?.requestId ?? null,
    sessionId: e.sessionId ?? null,
    sourceIp: e.sourceIp !== undefined ? e.sourceIp : (origin?.sourceIp ?? null),
    userAgent: e.userAgent !== undefined ? e.userAgent : (origin?.userAgent ?? null),
    details,
  };
}

/**
 * The one writer of `audit_events`: writes one event with `db`, which is the caller's transaction,
 * so the event commits with the change or not at all. The request id, source IP and user agent of
 * the request being served are filled in from the request context when not given.
 * @throws AuditDetailsError when the details do not fit the event type (nothing is written)
 */
export async function recordAudit(db: DbOrTx, e: AuditEventInput): Promise<void> {
  await db.insert(auditEvents).values(rowOf(e));
}

/** The batch variant: many events in one INSERT (imports, the decision log). Same checks. */
export async function recordAuditBatch(db: DbOrTx, events: readonly AuditEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(auditEvents).values(events.map(rowOf));
}

/**
 * A row as the batch INSERTs read it from JSON (column names), every row of one shape so V8 keeps
 * its inline caches; `at` null lets the database stamp it.
 */
function sqlRowOf(r: ReturnType<typeof rowOf>, at: string | null) {
  return {
    at,
    actor_type: r.actorType,
    actor_id: r.actorId,
    actor_label: r.actorLabel,
    action: r.action,
    resource_type: r.resourceType,
    resource_id: r.resourceId,
    outcome: r.outcome,
    request_id: r.requestId,
    session_id: r.sessionId,
    source_ip: r.sourceIp,
    user_agent: r.userAgent,
    details: r.details,
  };
}

/** A pg pool, or one of its clients inside a transaction the caller opened. */
export type PreparedQueryable = { query: (config: { name: string; text: string; values: unknown[] }) => Promise<unknown> };

/**
 * The batch variant on a pg pool (or a client in the caller's transaction) with a named
 * (prepared) statement, for the decision log's group commit: planned once per connection, one
 * round trip per batch. On a pool, durable when it resolves (autocommit).
 *
 * `companion`, when given, is another module's data-modifying statement that must commit with the
 * events (the decision log's usage counts): its `text` reads its one parameter as `$2` and is run
 * as a CTE of the same INSERT, so events and companion are one statement, one implicit
 * transaction and one round trip (no BEGIN / COMMIT round trips on the hot path). `name` names
 * the combined prepared statement; a given name must always come with the same text.
 */
export async function recordAuditBatchPrepared(
  pool: PreparedQueryable,
  events: readonly AuditEventInput[],
  companion?: { name: string; text: string; value: unknown },
): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => {
    const r = rowOf(e);
    return sqlRowOf(r, (r.at ?? new Date()).toISOString());
  });
  if (!companion) {
    await pool.query({ name: "bridle_insert_audit_events", text: INSERT_BATCH, values: [JSON.stringify(rows)] });
    return;
  }
  let text = withCompanion.get(companion.text);
  if (text === undefined) withCompanion.set(companion.text, (text = `with companion as (${companion.text}) ${INSERT_BATCH}`));
  await pool.query({ name: companion.name, text, values: [JSON.stringify(rows), companion.value] });
}
const withCompanion = new Map<string, string>();

/** Events checked between two yields to the event loop (checkAuditBatch). */
const CHECK_SLICE = 100;

/** Events checked for recordAuditBatchOnce, as its INSERT's JSON parameter. */
export type CheckedAuditBatch = { readonly rowsJson: string; readonly size: number };

/**
 * Checks events for recordAuditBatchOnce (same checks as recordAudit; every event needs a
 * `resourceId`), before the caller's transaction begins: each event's details are checked against
 * its type's schema, 100 at a time with a yield to the event loop between, so neither waiting
 * requests nor the transaction wait for a group of thousands.
 * @throws AuditDetailsError for an event whose details do not fit its type, or without a resourceId
 */
export async function checkAuditBatch(events: readonly AuditEventInput[]): Promise<CheckedAuditBatch> {
  const rows: ReturnType<typeof sqlRowOf>[] = [];
  for (let i = 0; i < events.length; i++) {
    if (i > 0 && i % CHECK_SLICE === 0) await yieldToRequests();
    const r = rowOf(events[i]!);
    if (r.resourceId === null) throw new AuditDetailsError("checkAuditBatch needs a resourceId on every event");
    rows.push(sqlRowOf(r, r.at === undefined ? null : r.at.toISOString()));
  }
  return { rowsJson: JSON.stringify(rows), size: rows.length };
}

/**
 * The batch variant for events that carry their own id as `resourceId` (runtime events), checked
 * by checkAuditBatch: each is written unless an event of the same `resourceType`, `resourceId` and
 * actor is already stored (a runtime's retry), in one INSERT with `db` (the caller's transaction).
 * The caller passes no two events with the same resource and actor.
 * @returns the events written (those not stored before), by `resourceId` and actor id
 */
export async function recordAuditBatchOnce(db: DbOrTx, batch: CheckedAuditBatch): Promise<{ resourceId: string; actorId: string | null }[]> {
  if (batch.size === 0) return [];
  const result = await db.execute(sql`
    insert into audit_events (at, actor_type, actor_id, actor_label, action, resource_type, resource_id, outcome, request_id, session_id, source_ip, user_agent, details)
    select coalesce(v.at, now()), v.actor_type, v.actor_id, v.actor_label, v.action, v.resource_type, v.resource_id, v.outcome, v.request_id, v.session_id, v.source_ip, v.user_agent, v.details
    from jsonb_to_recordset(${batch.rowsJson}::jsonb) as v(
      at timestamptz, actor_type text, actor_id text, actor_label text, action text, resource_type text, resource_id text,
      outcome text, request_id text, session_id text, source_ip text, user_agent text, details jsonb)
    where not exists (select 1 from audit_events e where e.resource_type = v.resource_type and e.resource_id = v.resource_id and e.actor_id is not distinct from v.actor_id)
    returning resource_id, actor_id`);
  return rowsOf<{ resource_id: string; actor_id: string | null }>(result).map((r) => ({ resourceId: r.resource_id, actorId: r.actor_id }));
}

const INSERT_BATCH = `
  insert into audit_events (at, actor_type, actor_id, actor_label, action, resource_type, resource_id, outcome, request_id, session_id, source_ip, user_agent, details)
  select at, actor_type, actor_id, actor_label, action, resource_type, resource_id, outcome, request_id, session_id, source_ip, user_agent, details
  from jsonb_to_recordset($1::jsonb) as v(
    at timestamptz, actor_type text, actor_id text, actor_label text, action text, resource_type text, resource_id text,
    outcome text, request_id text, session_id text, source_ip text, user_agent text, details jsonb)`;
