import type { TDecision, TRuntimeEventParsed } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";

/**
 * The hourly rollup (`usage_hourly`): what each batch of runtime events or decisions adds to each
 * bot's hour, summed in memory and written in ONE upsert per batch, inside the caller's
 * transaction (the events group commit, the decision log's), so the counters commit with the
 * records they count, or not at all. Each source (`events`, `decisions`) has its own rows, so the two
 * group commits never wait on each other's row locks. Hours are Bridle's clock (when the server stored the record), UTC.
 */

const HOUR_MS = 3_600_000;
const hourOf = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString();

type Row = {
  bot_id: string;
  hour: string;
  source: "events" | "decisions";
  sessions: number;
  tool_calls: number;
  tool_failures: number;
  timeouts: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  decisions_allow: number;
  decisions_deny: number;
  decisions_approval: number;
};

const empty = (bot_id: string, hour: string, source: Row["source"]): Row => ({
  bot_id,
  hour,
  source,
  sessions: 0,
  tool_calls: 0,
  tool_failures: 0,
  timeouts: 0,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  cost_usd: 0,
  decisions_allow: 0,
  decisions_deny: 0,
  decisions_approval: 0,
});

/** A timeout: an `error` event whose code names one, or a failed tool result whose error does. */
const TIMEOUT = /time[ _-]?d?[ _-]?out/i;
export function isTimeout(e: TRuntimeEventParsed): boolean {
  if (e.type === "error") return TIMEOUT.test(e.code ?? "");
  if (e.type === "tool_result") return !e.ok && TIMEOUT.test(e.error ?? "");
  return false;
}

function rows<T>(source: Row["source"], items: readonly T[], key: (t: T) => { botId: string; at: Date }, add: (r: Row, t: T) => void): Row[] {
  const by = new Map<string, Row>();
  for (const t of items) {
    const { botId, at } = key(t);
    const hour = hourOf(at);
    const k = `${botId}|${hour}`;
    let r = by.get(k);
    if (!r) by.set(k, (r = empty(botId, hour, source)));
    add(r, t);
  }
  return [...by.values()];
}

export type RuntimeUsageItem = { botId: string; at: Date; event: TRuntimeEventParsed };

/** Per bot and hour, what these runtime events add (heartbeats and messages add nothing). */
export function runtimeRows(items: readonly RuntimeUsageItem[]): Row[] {
  return rows(
    "events",
    items,
    (i) => i,
    (r, { event: e }) => {
      switch (e.type) {
        case "session_start":
          r.sessions++;
          break;
        case "tool_call":
          r.tool_calls++;
          break;
        case "tool_result":
          if (!e.ok) r.tool_failures++;
          break;
        case "error":
          r.errors++;
          break;
        case "usage":
          r.input_tokens += e.inputTokens;
          r.output_tokens += e.outputTokens;
          r.cost_usd += e.costUsd;
          break;
        default:
          break;
      }
      if (isTimeout(e)) r.timeouts++;
    },
  );
}

export type DecisionUsageItem = { botId: string; at: Date; decision: TDecision["decision"] };

/** Per bot and hour, the decisions by verdict. */
export function decisionRows(items: readonly DecisionUsageItem[]): Row[] {
  return rows(
    "decisions",
    items,
    (i) => i,
    (r, d) => {
      if (d.decision === "allow") r.decisions_allow++;
      else if (d.decision === "deny") r.decisions_deny++;
      else r.decisions_approval++;
    },
  );
}

const HEAD = `
  insert into usage_hourly as u (bot_id, hour, source, sessions, tool_calls, tool_failures, timeouts, errors, input_tokens, output_tokens, cost_usd,
                                 decisions_allow, decisions_deny, decisions_approval)
  select bot_id, hour, source, sessions, tool_calls, tool_failures, timeouts, errors, input_tokens, output_tokens, cost_usd,
         decisions_allow, decisions_deny, decisions_approval
  from jsonb_to_recordset(`;
const TAIL = `) as v(
    bot_id uuid, hour timestamptz, source text, sessions int, tool_calls int, tool_failures int, timeouts int, errors int,
    input_tokens bigint, output_tokens bigint, cost_usd numeric, decisions_allow int, decisions_deny int, decisions_approval int)
  order by bot_id, hour
  on conflict (bot_id, hour, source) do update set
    sessions = u.sessions + excluded.sessions,
    tool_calls = u.tool_calls + excluded.tool_calls,
    tool_failures = u.tool_failures + excluded.tool_failures,
    timeouts = u.timeouts + excluded.timeouts,
    errors = u.errors + excluded.errors,
    input_tokens = u.input_tokens + excluded.input_tokens,
    output_tokens = u.output_tokens + excluded.output_tokens,
    cost_usd = u.cost_usd + excluded.cost_usd,
    decisions_allow = u.decisions_allow + excluded.decisions_allow,
    decisions_deny = u.decisions_deny + excluded.decisions_deny,
    decisions_approval = u.decisions_approval + excluded.decisions_approval`;

/** The upsert as one parameterised statement (`$1`: the rows as JSON), for a pg client's prepared statement. */
/** The upsert reading its rows' JSON as `$2` (the companion of an audit batch INSERT). */
export const UPSERT_USAGE_AS_COMPANION = `${HEAD}$2::jsonb${TAIL}`;

/** The upsert with drizzle, in the caller's transaction. */
export async function upsertUsage(db: DbOrTx, r: readonly Row[]): Promise<void> {
  if (r.length) await db.execute(sql`${sql.raw(HEAD)}${JSON.stringify(r)}::jsonb${sql.raw(TAIL)}`);
}
