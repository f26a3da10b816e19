import { auditEvents, type DbOrTx } from "@bridle/db";
import { and, desc, eq, gte, inArray, like, lt, or, sql, type SQL } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";

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

/** The SQL condition of a filter (every field given narrows, AND); undefined when there is none. */
export function auditEventWhere(f: AuditEventFilter): SQL | undefined {
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
  return where.length ? and(...where) : undefined;
}

/** Audit events newest first (by `seq`), at most `limit`. An `action` ending in `.` is a prefix. */
export async function listAuditEvents(db: DbOrTx, f: AuditEventFilter, limit: number) {
  return db.select().from(auditEvents).where(auditEventWhere(f)).orderBy(desc(auditEvents.seq)).limit(limit);
}

export async function getAuditEvent(db: DbOrTx, id: string) {
  const [row] = await db.select().from(auditEvents).where(eq(auditEvents.id, id));
  return row ?? null;
}

/**
 * For each connected system key, when an `allow` decision for the bot last named it as its target
 * system (`details.target.system`) at or after `from`. A decision's record is its audit event
 * (`decision.allow`, actor the bot): this is how the access reviews tell a used grant from an
 * unused one. Keys as the decision recorded them (lowercased by the decisions service).
 */
export async function systemsUsedInDecisions(db: DbOrTx, input: { botId: string; from: Date }): Promise<Map<string, Date>> {
  const rows = await db
    .select({ system: sql<string>`${auditEvents.details}->'target'->>'system'`, last: sql<Date>`max(${auditEvents.at})` })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.action, "decision.allow"),
        eq(auditEvents.actorType, "bot"),
        eq(auditEvents.actorId, input.botId),
        gte(auditEvents.at, input.from),
        sql`${auditEvents.details}->'target'->>'system' is not null`,
      ),
    )
    .groupBy(sql`1`);
  return new Map(rows.map((r) => [r.system, new Date(r.last)]));
}

/** A tool execution a bot's runtime reported (`runtime.tool_result`), to match against its decision. */
export type ToolExecution = { botId: string; sessionId: string; toolCallId: string | null; tool: string };

/**
 * Which of these tool executions have no matching allow decision in their session (enforcement
 * gaps). An execution is matched when the bot reported, in the same session, a `runtime.tool_call`
 * with the same `toolCallId` (or, for an execution without one, the same `tool`) naming a
 * `decisionRequestId`, and the bot has a `decision.allow` in that session whose `runtimeRequestId`
 * is that id. One statement for them all, two index probes an execution with a `toolCallId`
 * (migration 0018's partial indexes: the cost does not grow with the session); one without reads
 * the session's tool calls. Sees what the caller's transaction wrote (calls stored in the same
 * batch match).
 * @returns the indexes (in `items`) of the executions without a decision, ascending
 */
export async function undecidedToolExecutions(db: DbOrTx, items: readonly ToolExecution[]): Promise<number[]> {
  if (!items.length) return [];
  const rows = items.map((x, k) => ({ k, bot_id: x.botId, session_id: x.sessionId, tcid: x.toolCallId, tool: x.tool }));
  // LATERAL ... LIMIT 1 keeps each match a parameterized index probe: as NOT EXISTS the planner,
  // guessing 100 rows for the recordset, hashes every tool call of every session instead.
  const decided = (match: SQL) => sql`left join lateral (
      select 1 as hit from audit_events c
      where c.action = 'runtime.tool_call' and c.session_id = v.session_id and ${match}
        and c.actor_type = 'bot' and c.actor_id = v.bot_id
        and exists (
          select 1 from audit_events d
          where d.action = 'decision.allow' and d.session_id = v.session_id and d.details->>'runtimeRequestId' = c.details->>'decisionRequestId'
            and d.actor_type = 'bot' and d.actor_id = v.bot_id)
      limit 1) m on true`;
  const res = await db.execute(sql`
    with v as materialized (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(k int, bot_id text, session_id text, tcid text, tool text)
    )
    select v.k from v ${decided(sql`c.details->>'toolCallId' = v.tcid`)} where v.tcid is not null and m.hit is null
    union all
    select v.k from v ${decided(sql`c.details->>'tool' = v.tool`)} where v.tcid is null and m.hit is null
    order by 1`);
  return rowsOf<{ k: number }>(res).map((r) => Number(r.k));
}

/** What the log says a set of bots did and had done to them in a window (an incident's blast radius). */
export type AuditFootprint = {
  counts: { events: number; decisionsAllowed: number; decisionsDenied: number; approvalsRequested: number; toolCalls: number };
  /** systems and channels the bots' decisions named as their target */
  targets: { botId: string; system: string | null; channel: string | null }[];
  /** people (signed in or with an API token) who acted on the bots */
  people: { botId: string; label: string }[];
  /** response actions in the window: every kill-switch action and alert, and the bots' pauses, token and credential revocations, leak playbooks; newest first */
  responses: { id: string; at: Date; action: string; actorLabel: string | null; actorType: string; resourceType: string; resourceId: string | null }[];
};

/** The actions `auditFootprint` lists as a response (besides every `kill_switch.*` and `alert.*`). */
const RESPONSE_ACTIONS = ["bot_token.revoke", "credential_reference.revoke", "leak_playbook.start", "leak_playbook.step", "offboarding.orphan_pause", "bot.update"];

/**
 * An incident's view of the log: the bots' events between `from` and `to` (inclusive; a bot acted,
 * was acted on, or is the subject), counted, with the targets their decisions named and the people
 * who acted on them, and the response actions recorded meanwhile (`kill_switch.*` and `alert.*`
 * org-wide, whatever their scope; the bots' token and credential revocations, leak playbooks,
 * orphan pauses and status changes). Four statements, each bounded by the window (the log is
 * partitioned by month on `at`); `responses` at most 50.
 */
export async function auditFootprint(db: DbOrTx, input: { botIds: string[]; from: Date; to: Date }): Promise<AuditFootprint> {
  const ids = input.botIds;
  const window = and(gte(auditEvents.at, input.from), sql`${auditEvents.at} <= ${input.to}`)!;
  // the bot ids as one text[] parameter
  const idArray = sql`${`{${ids.join(",")}}`}::text[]`;
  const ofBots = ids.length
    ? sql`((${auditEvents.actorType} = 'bot' and ${auditEvents.actorId} = any(${idArray})) or (${auditEvents.resourceType} = 'bot' and ${auditEvents.resourceId} = any(${idArray})) or ${auditEvents.details}->>'botId' = any(${idArray}))`
    : sql`false`;
  const botOf = sql<string>`coalesce(case when ${auditEvents.actorType} = 'bot' and ${auditEvents.actorId} = any(${idArray}) then ${auditEvents.actorId} end, case when ${auditEvents.resourceType} = 'bot' then ${auditEvents.resourceId} end, ${auditEvents.details}->>'botId')`;
  const [counts] = await db
    .select({
      events: sql<number>`count(*)::int`,
      decisionsAllowed: sql<number>`(count(*) filter (where ${auditEvents.action} = 'decision.allow'))::int`,
      decisionsDenied: sql<number>`(count(*) filter (where ${auditEvents.action} = 'decision.deny'))::int`,
      approvalsRequested: sql<number>`(count(*) filter (where ${auditEvents.action} = 'approval.request'))::int`,
      toolCalls: sql<number>`(count(*) filter (where ${auditEvents.action} = 'runtime.tool_call'))::int`,
    })
    .from(auditEvents)
    .where(and(window, ofBots));
  const targets = await db
    .selectDistinct({
      botId: sql<string>`${auditEvents.actorId}`,
      system: sql<string | null>`${auditEvents.details}->'target'->>'system'`,
      channel: sql<string | null>`${auditEvents.details}->'target'->>'channel'`,
    })
    .from(auditEvents)
    .where(
      and(
        window,
        like(auditEvents.action, "decision.%"),
        eq(auditEvents.actorType, "bot"),
        ids.length ? sql`${auditEvents.actorId} = any(${idArray})` : sql`false`,
        sql`(${auditEvents.details}->'target'->>'system' is not null or ${auditEvents.details}->'target'->>'channel' is not null)`,
      ),
    )
    .limit(1000);
  const people = await db
    .selectDistinct({ botId: botOf, label: sql<string>`coalesce(${auditEvents.actorLabel}, ${auditEvents.actorId})` })
    .from(auditEvents)
    .where(and(window, ofBots, sql`${auditEvents.actorType} in ('person', 'token')`))
    .limit(1000);
  const responses = await db
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      actorLabel: auditEvents.actorLabel,
      actorType: auditEvents.actorType,
      resourceType: auditEvents.resourceType,
      resourceId: auditEvents.resourceId,
    })
    .from(auditEvents)
    .where(
      and(
        window,
        eq(auditEvents.outcome, "success"),
        or(
          like(auditEvents.action, "kill_switch.%"),
          like(auditEvents.action, "alert.%"),
          and(inArray(auditEvents.action, RESPONSE_ACTIONS), ofBots, sql`(${auditEvents.action} <> 'bot.update' or ${auditEvents.details}->'changes' ? 'status')`),
        ),
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(50);
  return {
    counts: counts ?? { events: 0, decisionsAllowed: 0, decisionsDenied: 0, approvalsRequested: 0, toolCalls: 0 },
    targets: targets.filter((t) => t.botId),
    people: people.filter((p) => p.botId && p.label),
    responses,
  };
}

/** Audit events by id (any time): what an incident links as evidence. Missing ids (dropped by retention, or never there) are absent. */
export async function auditEventsByIds(db: DbOrTx, ids: string[]) {
  if (!ids.length) return [];
  return db.select().from(auditEvents).where(inArray(auditEvents.id, ids));
}

/** An audit event as the alerts' evaluator reads it (`auditEventsSince`). */
export type StreamedAuditEvent = {
  id: string;
  seq: number;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  resourceId: string | null;
  sessionId: string | null;
  details: Record<string, unknown>;
};

/**
 * The transaction id below which every transaction that could write this database's audit events
 * has finished: the oldest transaction still running in this database (`pg_stat_activity.backend_xid`,
 * which every role sees, and prepared transactions), else the next id to be assigned. Read after the
 * snapshot whose running ids it looks among, in the caller's transaction, so a transaction that took
 * its id in between is either listed or already finished. Transactions of other databases on the
 * same server (whose ids share the counter) do not hold it back.
 */
async function auditHorizon(db: DbOrTx): Promise<string> {
  const [snap] = rowsOf<{ xmax: string; xip: string[] | null }>(
    await db.execute(sql`select pg_snapshot_xmax(s)::text as xmax, array(select x::text from pg_snapshot_xip(s) as x) as xip from pg_current_snapshot() as s`),
  );
  const running = rowsOf<{ x: string }>(
    await db.execute(sql`select backend_xid::text as x from pg_stat_activity
      where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid()
      union select transaction::text from pg_prepared_xacts where database = current_database()`),
  );
  const mine = new Set(running.map((r) => BigInt(r.x)));
  let horizon = BigInt(snap!.xmax);
  for (const x of snap!.xip ?? []) {
    const full = BigInt(x);
    if (mine.has(full & 0xffffffffn) && full < horizon) horizon = full;
  }
  return horizon.toString();
}

/**
 * The audit events of finished transactions, read once each from a durable cursor (the alerts'
 * evaluator). `from` is a transaction id (`xid8` as decimal text): every event with a smaller
 * `xid` was read before. Events are read up to `auditHorizon`: every transaction of this database
 * below it has committed or rolled back, so no event can still appear below it (a transaction
 * takes its `seq` early and commits late: a cursor on `seq` would skip it; docs/AUDIT.md
 * "Ordering"). A long transaction in this database holds the horizon back: its events, and those
 * after it, wait. Only events whose action is in `actions` are returned; the others are passed
 * over. At most about `limit` events, whole transactions only (one transaction larger than
 * `limit` is returned whole), in (xid, seq) order, with the cursor to pass next time. Call it
 * inside a transaction (the horizon reads the server's activity once per transaction).
 */
export async function auditEventsSince(db: DbOrTx, input: { from: string; actions: readonly string[]; limit: number }): Promise<{ events: StreamedAuditEvent[]; next: string }> {
  const h = await auditHorizon(db);
  // the horizon never moves back in practice; if it ever seemed to, nothing is read twice
  const horizon = BigInt(h) < BigInt(input.from) ? input.from : h;
  const cols = sql`xid::text as xid, id, seq, at, actor_type, actor_id, actor_label, action, resource_id, session_id, details`;
  const where = sql`action = any(${sql.param([...input.actions])}::text[])`;
  type Row = { xid: string; id: string; seq: string | number; at: string | Date; actor_type: string; actor_id: string | null; actor_label: string | null; action: string; resource_id: string | null; session_id: string | null; details: Record<string, unknown> };
  let rows = rowsOf<Row>(
    await db.execute(sql`select ${cols} from audit_events
      where xid >= ${input.from}::xid8 and xid < ${horizon}::xid8 and ${where}
      order by xid limit ${input.limit}`),
  );
  let next = horizon;
  if (rows.length >= input.limit) {
    const last = rows[rows.length - 1]!.xid;
    const whole = rows.filter((r) => r.xid !== last);
    if (whole.length) {
      rows = whole;
      next = last;
    } else {
      rows = rowsOf<Row>(await db.execute(sql`select ${cols} from audit_events where xid = ${last}::xid8 and ${where}`));
      next = (BigInt(last) + 1n).toString();
    }
  }
  const events = rows
    .map((r) => ({
      id: r.id,
      seq: Number(r.seq),
      at: new Date(r.at),
      actorType: r.actor_type,
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      action: r.action,
      resourceId: r.resource_id,
      sessionId: r.session_id,
      details: r.details ?? {},
      xid: r.xid,
    }))
    .sort((a, b) => (a.xid === b.xid ? a.seq - b.seq : BigInt(a.xid) < BigInt(b.xid) ? -1 : 1))
    .map(({ xid: _xid, ...e }) => e);
  return { events, next };
}
