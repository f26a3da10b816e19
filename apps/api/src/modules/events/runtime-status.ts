import {
  ENFORCEMENT_GAP_WINDOW_DAYS,
  RUNTIME_SILENT_AFTER_MINUTES,
  type TBotRuntimeGateway,
  type TBotRuntimeStatus,
  type TRuntimeGap,
  type TRuntimeGapKind,
} from "@bridle/contracts";
import { botRuntimes, runtimeGaps, type DbOrTx } from "@bridle/db";
import { and, desc, eq, gte, sql } from "drizzle-orm";
import { emit } from "../../lib/domain-events.ts";
import { rowsOf } from "../../lib/sql.ts";
import { undecidedToolExecutions } from "../audit/index.ts";
import { findBotRow } from "../bots/index.ts";
import { notifyMany, type NotifyInput } from "../notifications/index.ts";
import type { EventRecord } from "./events.repo.ts";

/** How many gaps the runtime status lists at most. */
const GAPS_LISTED = 50;

type Heartbeat = Extract<EventRecord["event"], { type: "heartbeat" }>;

/** The latest heartbeat of each (bot, gateway) among the stored records, as upsert rows. */
function heartbeatRows(stored: readonly EventRecord[]) {
  const by = new Map<string, { bot_id: string; gateway: string; runtime: string; runtime_version: string | null; plugin: string | null; plugin_version: string | null; at: string }>();
  for (const r of stored) {
    if (r.event.type !== "heartbeat") continue;
    const e = r.event as Heartbeat;
    const gateway = e.gateway ?? "";
    by.set(`${r.botId}\u0000${gateway}`, {
      bot_id: r.botId,
      gateway,
      runtime: e.runtime,
      runtime_version: e.runtimeVersion ?? null,
      plugin: e.plugin ?? null,
      plugin_version: e.pluginVersion ?? null,
      at: r.at.toISOString(),
    });
  }
  return [...by.values()];
}

/**
 * Upserts the heartbeats' gateways (one statement) and returns the bots whose runtime status
 * changed: a gateway seen for the first time, other versions, or back after
 * RUNTIME_SILENT_AFTER_MINUTES of silence. A heartbeat that changes nothing else moves
 * `last_seen_at` only.
 */
async function upsertHeartbeats(tx: DbOrTx, rows: ReturnType<typeof heartbeatRows>): Promise<string[]> {
  const res = await tx.execute(sql`
    with v as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
        bot_id uuid, gateway text, runtime text, runtime_version text, plugin text, plugin_version text, at timestamptz)
    ),
    old as (
      select r.bot_id, r.gateway, r.runtime, r.runtime_version, r.plugin, r.plugin_version, r.last_seen_at
      from bot_runtimes r join v on v.bot_id = r.bot_id and v.gateway = r.gateway
    ),
    up as (
      insert into bot_runtimes as r (bot_id, gateway, runtime, runtime_version, plugin, plugin_version, first_seen_at, last_seen_at)
      select bot_id, gateway, runtime, runtime_version, plugin, plugin_version, at, at from v order by bot_id, gateway
      on conflict (bot_id, gateway) do update set
        runtime = excluded.runtime, runtime_version = excluded.runtime_version,
        plugin = excluded.plugin, plugin_version = excluded.plugin_version,
        last_seen_at = greatest(r.last_seen_at, excluded.last_seen_at)
      returning 1
    )
    -- "up" runs whether or not it is read; "old" is the rows as they were before it (one snapshot)
    select distinct v.bot_id from v left join old o on o.bot_id = v.bot_id and o.gateway = v.gateway
    where (o.bot_id is null
        or o.runtime is distinct from v.runtime or o.runtime_version is distinct from v.runtime_version
        or o.plugin is distinct from v.plugin or o.plugin_version is distinct from v.plugin_version
        or o.last_seen_at < v.at - make_interval(mins => ${RUNTIME_SILENT_AFTER_MINUTES}))`);
  return rowsOf<{ bot_id: string }>(res).map((r) => r.bot_id);
}

type GapCandidate = { bot_id: string; session_id: string; kind: TRuntimeGapKind; tool: string | null; message: string; event_id: string; at: string };

/**
 * The enforcement gaps the stored records show, at most one per (bot, session, kind), the first:
 * - `reported`: an `error` event with code `enforcement_gap` (the plugin's own finding: a call
 *   that ran undecided or with other parameters, an agent on a backend it cannot gate);
 * - `undecided_call`: a `tool_result` with no matching allow decision in its session
 *   (undecidedToolExecutions), unless the same batch reported that very call as a gap itself.
 */
async function gapCandidates(tx: DbOrTx, stored: readonly EventRecord[]): Promise<GapCandidate[]> {
  const out: GapCandidate[] = [];
  const reportedCalls = new Set<string>();
  const results: { r: EventRecord; toolCallId: string | null; tool: string; sessionId: string }[] = [];
  for (const r of stored) {
    const e = r.event;
    if (!e.sessionId) continue;
    if (e.type === "error" && e.code === "enforcement_gap") {
      out.push({ bot_id: r.botId, session_id: e.sessionId, kind: "reported", tool: null, message: String(r.details.message ?? e.message), event_id: r.id, at: r.at.toISOString() });
      if (e.toolCallId) reportedCalls.add(`${r.botId}\u0000${e.sessionId}\u0000${e.toolCallId}`);
    } else if (e.type === "tool_result") results.push({ r, toolCallId: e.toolCallId ?? null, tool: e.tool, sessionId: e.sessionId });
  }
  const checked = results.filter((x) => !(x.toolCallId && reportedCalls.has(`${x.r.botId}\u0000${x.sessionId}\u0000${x.toolCallId}`)));
  // Calls stored in this same commit: one that names no decision request settles its result at once
  // (the common shape of a runtime that does not ask: no query); the rest are matched in the log.
  const callsHere = new Map<string, boolean>();
  for (const r of stored) {
    const e = r.event;
    if (e.type !== "tool_call") continue;
    const keys = [`${r.botId}\u0000${e.sessionId}\u0000tool:${e.tool}`, ...(e.toolCallId ? [`${r.botId}\u0000${e.sessionId}\u0000id:${e.toolCallId}`] : [])];
    for (const key of keys) callsHere.set(key, (callsHere.get(key) ?? false) || e.decisionRequestId !== undefined);
  }
  const settled: number[] = [];
  const toQuery: number[] = [];
  checked.forEach((x, i) => {
    const named = callsHere.get(`${x.r.botId}\u0000${x.sessionId}\u0000${x.toolCallId ? `id:${x.toolCallId}` : `tool:${x.tool}`}`);
    (named === false ? settled : toQuery).push(i);
  });
  const queried = await undecidedToolExecutions(
    tx,
    toQuery.map((i) => ({ botId: checked[i]!.r.botId, sessionId: checked[i]!.sessionId, toolCallId: checked[i]!.toolCallId, tool: checked[i]!.tool })),
  );
  const undecided = [...settled, ...queried.map((k) => toQuery[k]!)].sort((a, b) => a - b);
  for (const k of undecided) {
    const x = checked[k]!;
    out.push({
      bot_id: x.r.botId,
      session_id: x.sessionId,
      kind: "undecided_call",
      tool: x.tool,
      message: `${x.tool} ran${x.toolCallId ? ` (call ${x.toolCallId})` : ""} without a matching Bridle decision in the session`,
      event_id: x.r.id,
      at: x.r.at.toISOString(),
    });
  }
  const first = new Map<string, GapCandidate>();
  for (const g of out) {
    const key = `${g.bot_id}\u0000${g.session_id}\u0000${g.kind}`;
    if (!first.has(key)) first.set(key, g);
  }
  return [...first.values()];
}

/** Stores the gaps not seen before in their session (one statement); @returns those new ones. */
async function insertGaps(tx: DbOrTx, gaps: GapCandidate[]): Promise<GapCandidate[]> {
  const res = await tx.execute(sql`
    insert into runtime_gaps (bot_id, session_id, kind, tool, message, event_id, at)
    select bot_id, session_id, kind, tool, left(message, 2000), event_id, at
    from jsonb_to_recordset(${JSON.stringify(gaps)}::jsonb) as v(bot_id uuid, session_id text, kind text, tool text, message text, event_id uuid, at timestamptz)
    order by bot_id, session_id, kind
    on conflict (bot_id, session_id, kind) do nothing
    returning bot_id, session_id, kind, tool, message, event_id, at`);
  return rowsOf<GapCandidate>(res);
}

/** One alert per new gap: the bot's owner and security (notifications module). */
async function alert(tx: DbOrTx, gaps: GapCandidate[]) {
  const bots = new Map<string, { name: string; ownerId: string | null }>();
  for (const id of new Set(gaps.map((g) => g.bot_id))) {
    const b = await findBotRow(tx, id);
    if (b) bots.set(id, { name: b.name, ownerId: b.ownerId });
  }
  const inputs: NotifyInput[] = gaps.flatMap((g) => {
    const bot = bots.get(g.bot_id);
    if (!bot) return [];
    return [
      {
        recipients: { roles: ["security"], ...(bot.ownerId ? { personIds: [bot.ownerId] } : {}) },
        kind: "enforcement_gap",
        title: `Enforcement gap: ${bot.name} ${g.kind === "undecided_call" ? `ran ${g.tool ?? "a tool"} without a Bridle decision` : "runs on a path Bridle cannot gate"}`,
        body: `${g.message}. Session ${g.session_id}. Bridle alerts once per kind of gap and session; the bot keeps an enforcement_gap finding for ${ENFORCEMENT_GAP_WINDOW_DAYS} days.`,
        link: `/bots/${g.bot_id}/sessions/${encodeURIComponent(g.session_id)}`,
        botId: g.bot_id,
      },
    ];
  });
  await notifyMany(tx, inputs, { type: "system", id: null, label: "bridle" });
}

/**
 * What stored runtime events change beyond the log and the sessions, in the transaction that
 * stores them: heartbeats update `bot_runtimes`; enforcement gaps new in their session go to
 * `runtime_gaps` and alert the bot's owner and security once each. When a bot's runtime status
 * changed or a gap appeared, `bot.runtime_changed` is emitted (its findings are recomputed).
 * Cost: nothing for a batch with no heartbeat, tool result or gap error; otherwise one statement
 * for the heartbeats and one for the tool results, whatever their number, and more only when
 * something changed.
 */
export async function applyRuntimeEffects(tx: DbOrTx, stored: readonly EventRecord[]): Promise<void> {
  const beats = heartbeatRows(stored);
  const changed = beats.length ? await upsertHeartbeats(tx, beats) : [];
  const candidates = await gapCandidates(tx, stored);
  const fresh = candidates.length ? await insertGaps(tx, candidates) : [];
  if (fresh.length) await alert(tx, fresh);
  // Emitted after every row is written: a findings recompute takes its lock (held to commit), and
  // event writes at once must take the rows before that lock, all in the same order, or one
  // holding the lock would wait on a gap row the other holds while that one waits for the lock.
  if (changed.length) await emit(tx, { type: "bot.runtime_changed", botIds: changed, change: "heartbeat" });
  if (fresh.length) await emit(tx, { type: "bot.runtime_changed", botIds: [...new Set(fresh.map((g) => g.bot_id))], change: "gap" });
}

const iso = (d: Date) => d.toISOString();

/** A bot's runtime status: its gateways (latest first) and gaps of the window (latest first). */
export async function runtimeStatusOf(db: DbOrTx, botId: string, now = new Date()): Promise<TBotRuntimeStatus> {
  const gateways = await db.select().from(botRuntimes).where(eq(botRuntimes.botId, botId)).orderBy(desc(botRuntimes.lastSeenAt));
  const since = new Date(now.getTime() - ENFORCEMENT_GAP_WINDOW_DAYS * 86_400_000);
  const gaps = await db
    .select()
    .from(runtimeGaps)
    .where(and(eq(runtimeGaps.botId, botId), gte(runtimeGaps.at, since)))
    .orderBy(desc(runtimeGaps.at))
    .limit(GAPS_LISTED);
  const last = gateways[0]?.lastSeenAt ?? null;
  const silent = last !== null && now.getTime() - last.getTime() >= RUNTIME_SILENT_AFTER_MINUTES * 60_000;
  return {
    status: last === null ? "never_reported" : silent ? "silent" : "live",
    lastSeenAt: last ? iso(last) : null,
    silentAfterMinutes: RUNTIME_SILENT_AFTER_MINUTES,
    gateways: gateways.map(
      (g): TBotRuntimeGateway => ({
        gateway: g.gateway,
        runtime: g.runtime,
        runtimeVersion: g.runtimeVersion,
        plugin: g.plugin,
        pluginVersion: g.pluginVersion,
        firstSeenAt: iso(g.firstSeenAt),
        lastSeenAt: iso(g.lastSeenAt),
      }),
    ),
    gaps: gaps.map((g): TRuntimeGap => ({ sessionId: g.sessionId, kind: g.kind, tool: g.tool, message: g.message, eventId: g.eventId, at: iso(g.at) })),
  };
}
