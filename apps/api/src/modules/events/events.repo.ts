import type { TRuntimeEventParsed, TRuntimeSession } from "@bridle/contracts";
import { runtimeSessions, type Db, type DbOrTx } from "@bridle/db";
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { checkAuditBatch, recordAuditBatchOnce, type AuditEventInput, type CheckedAuditBatch } from "../audit/index.ts";
import { recordRuntimeUsage } from "../usage/index.ts";
import { applyRuntimeEffects } from "./runtime-status.ts";

/** One runtime event as stored: its audit event (actor the bot, resource the event id). */
export type EventRecord = {
  id: string;
  botId: string;
  botName: string;
  event: TRuntimeEventParsed;
  /** the event's fields as stored in the audit details (secrets redacted) */
  details: Record<string, unknown>;
  httpRequestId: string;
  sourceIp: string | null;
  userAgent: string | null;
  at: Date;
};

const eventOf = (r: EventRecord): AuditEventInput =>
  ({
    actor: { type: "bot", id: r.botId, label: r.botName },
    action: `runtime.${r.event.type}`,
    resourceType: "runtime_event",
    resourceId: r.id,
    outcome: r.event.type === "error" || (r.event.type === "tool_result" && !r.event.ok) ? "failure" : "success",
    requestId: r.httpRequestId,
    sessionId: r.event.sessionId ?? null,
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
    at: r.at,
    details: r.details,
  }) as AuditEventInput;

type SessionDelta = {
  bot_id: string;
  session_id: string;
  first_at: string;
  last_at: string;
  events: number;
  tool_calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  ended_at: string | null;
};

/** What the stored events add to each of their sessions (heartbeats without a session add nothing). */
function sessionDeltas(stored: readonly EventRecord[]): SessionDelta[] {
  const by = new Map<string, SessionDelta>();
  for (const r of stored) {
    const e = r.event;
    if (!e.sessionId) continue;
    const key = `${r.botId}\u0000${e.sessionId}`;
    let d = by.get(key);
    if (!d) {
      d = { bot_id: r.botId, session_id: e.sessionId, first_at: e.time, last_at: e.time, events: 0, tool_calls: 0, errors: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, ended_at: null };
      by.set(key, d);
    }
    const t = Date.parse(e.time);
    if (t < Date.parse(d.first_at)) d.first_at = e.time;
    if (t > Date.parse(d.last_at)) d.last_at = e.time;
    d.events++;
    if (e.type === "tool_call") d.tool_calls++;
    if (e.type === "error" || (e.type === "tool_result" && !e.ok)) d.errors++;
    if (e.type === "usage") {
      d.input_tokens += e.inputTokens;
      d.output_tokens += e.outputTokens;
      d.cost_usd += e.costUsd;
    }
    if (e.type === "session_end") d.ended_at = e.time;
  }
  return [...by.values()];
}

/** An event's identity: the same id from another bot is another event. */
export const eventKey = (r: { botId: string; id: string }) => `${r.botId}\u0000${r.id}`;

/** Runtime events ready for storeEvents: one record per bot and id, their audit rows checked. */
export type PreparedEvents = { readonly unique: readonly EventRecord[]; readonly batch: CheckedAuditBatch };

/**
 * Readies records for storeEvents, outside any transaction (so a write tried again checks nothing
 * twice): of two records of a bot with the same id the first is kept, and their audit rows are
 * checked (the audit module's checkAuditBatch, which yields to requests every 100 events).
 */
export async function prepareEvents(records: readonly EventRecord[]): Promise<PreparedEvents> {
  const seen = new Set<string>();
  const unique = records.filter((r) => {
    const key = eventKey(r);
    return !seen.has(key) && (seen.add(key), true);
  });
  return { unique, batch: await checkAuditBatch(unique.map(eventOf)) };
}

/**
 * Stores prepared runtime events in one transaction (several may run at once: each takes its rows in the
 * same order, sessions, gateways and gaps by key, then the findings lock, then usage rows by key,
 * then the budget lock, so they wait for each other and never deadlock among themselves; the
 * findings recompute updates bot rows under its lock, so a writer that changes a bot row and then
 * waits for that lock can deadlock with one, and the module's write wrapper tries again, index.ts):
 * their audit events
 * (through the audit module's writer; an event whose bot and id are already stored is skipped),
 * what the new ones add to their sessions and to the usage rollup (the usage module's
 * `recordRuntimeUsage`, which may reach a budget cap), and their runtime effects (heartbeats,
 * enforcement gaps: runtime-status.ts). Durable when it resolves.
 * @returns the events written now, by `eventKey`
 */
export async function storeEvents(db: Db, { unique, batch }: PreparedEvents): Promise<ReadonlySet<string>> {
  return db.transaction(async (tx) => {
    const written = new Set((await recordAuditBatchOnce(tx, batch)).map((w) => eventKey({ botId: w.actorId ?? "", id: w.resourceId })));
    const fresh = written.size === unique.length ? unique : unique.filter((r) => written.has(eventKey(r)));
    const deltas = sessionDeltas(fresh);
    if (deltas.length) await upsertSessions(tx, deltas);
    await applyRuntimeEffects(tx, fresh);
    // Last: its budget check holds a lock until commit (usage's checkBudgets).
    await recordRuntimeUsage(tx, fresh.map((r) => ({ botId: r.botId, at: r.at, event: r.event })));
    return written;
  });
}

async function upsertSessions(db: DbOrTx, deltas: SessionDelta[]) {
  await db.execute(sql`
    insert into runtime_sessions as s (bot_id, session_id, first_at, last_at, events, tool_calls, errors, input_tokens, output_tokens, cost_usd, ended_at)
    select bot_id, session_id, first_at, last_at, events, tool_calls, errors, input_tokens, output_tokens, cost_usd, ended_at
    from jsonb_to_recordset(${JSON.stringify(deltas)}::jsonb) as v(
      bot_id uuid, session_id text, first_at timestamptz, last_at timestamptz, events int, tool_calls int, errors int,
      input_tokens bigint, output_tokens bigint, cost_usd numeric, ended_at timestamptz)
    order by bot_id, session_id
    on conflict (bot_id, session_id) do update set
      first_at = least(s.first_at, excluded.first_at),
      last_at = greatest(s.last_at, excluded.last_at),
      events = s.events + excluded.events,
      tool_calls = s.tool_calls + excluded.tool_calls,
      errors = s.errors + excluded.errors,
      input_tokens = s.input_tokens + excluded.input_tokens,
      output_tokens = s.output_tokens + excluded.output_tokens,
      cost_usd = s.cost_usd + excluded.cost_usd,
      ended_at = coalesce(greatest(s.ended_at, excluded.ended_at), s.ended_at, excluded.ended_at),
      updated_at = now()`);
}

type SessionRow = typeof runtimeSessions.$inferSelect;
const toSession = (r: SessionRow): TRuntimeSession => ({
  sessionId: r.sessionId,
  botId: r.botId,
  firstAt: r.firstAt.toISOString(),
  lastAt: r.lastAt.toISOString(),
  events: r.events,
  toolCalls: r.toolCalls,
  errors: r.errors,
  inputTokens: r.inputTokens,
  outputTokens: r.outputTokens,
  costUsd: Number(r.costUsd),
  ended: r.endedAt !== null,
});

/** A bot's sessions, latest activity first; keyset after `(lastAt, sessionId)` of the cursor. */
export async function listSessions(db: DbOrTx, botId: string, limit: number, after: { lastAt: Date; sessionId: string } | null): Promise<TRuntimeSession[]> {
  const rows = await db
    .select()
    .from(runtimeSessions)
    .where(
      and(
        eq(runtimeSessions.botId, botId),
        after
          ? or(lt(runtimeSessions.lastAt, after.lastAt), and(eq(runtimeSessions.lastAt, after.lastAt), lt(runtimeSessions.sessionId, after.sessionId)))
          : undefined,
      ),
    )
    .orderBy(desc(runtimeSessions.lastAt), desc(runtimeSessions.sessionId))
    .limit(limit);
  return rows.map(toSession);
}

export async function findSession(db: DbOrTx, botId: string, sessionId: string): Promise<TRuntimeSession | null> {
  const [row] = await db
    .select()
    .from(runtimeSessions)
    .where(and(eq(runtimeSessions.botId, botId), eq(runtimeSessions.sessionId, sessionId)));
  return row ? toSession(row) : null;
}
