import type { StreamedAuditEvent } from "../audit/index.ts";
import type { CountRow } from "./alerts.repo.ts";

/**
 * The pure part of the evaluator: what a page of audit events adds to the rolling counts, and
 * which subjects it touched (only those are evaluated: a rule fires on new evidence, never on
 * old counts alone).
 */

/** The audit event types the evaluator reads; every other event is passed over. */
export const WATCHED_ACTIONS = [
  "decision.allow",
  "decision.deny",
  "decision.require_approval",
  "runtime.tool_result",
  "runtime.error",
  "budget.threshold_reached",
  "budget.exhausted",
] as const;

/** The metrics counted per subject, each in minute buckets (`:m`) and, for the baseline, hour buckets (`:h`). */
export const METRIC = {
  callsMinute: "calls:m",
  callsHour: "calls:h",
  skillFailures: "skill_failures:m",
  sensitive: "sensitive:m",
  denied: "denied:m",
} as const;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
const floorTo = (d: Date, ms: number) => new Date(Math.floor(d.getTime() / ms) * ms);

/** One subject's new evidence in a page: how many matching events, their ids (oldest first), the latest time and session. */
export type Touch = { subject: string; label: string; botId: string | null; n: number; eventIds: string[]; at: Date; sessionId: string | null; extra: Set<string> };

const touch = (m: Map<string, Touch>, subject: string, e: StreamedAuditEvent, o: { label: string; botId: string | null; extra?: string }) => {
  const t = m.get(subject) ?? { subject, label: o.label, botId: o.botId, n: 0, eventIds: [], at: e.at, sessionId: null, extra: new Set<string>() };
  t.n++;
  t.eventIds.push(e.id);
  if (e.at >= t.at) {
    t.at = e.at;
    t.sessionId = e.sessionId ?? t.sessionId;
  }
  if (o.extra) t.extra.add(o.extra);
  m.set(subject, t);
};

const targetOf = (e: StreamedAuditEvent) => {
  const target = (e.details.target ?? {}) as { system?: unknown; channel?: unknown };
  return { system: typeof target.system === "string" ? target.system.toLowerCase() : null, channel: typeof target.channel === "string" ? target.channel : null };
};

/** A failed tool result that timed out, by its error text (runtimes report timeouts as errors). */
export const isTimeout = (error: unknown) => typeof error === "string" && /time(d)?[\s_-]?out/i.test(error);

export type PageAnalysis = {
  counts: CountRow[];
  /** decision requests per bot */
  calls: Map<string, Touch>;
  /** failed tool results per skill (tool name); `extra`: the bots */
  skillFailures: Map<string, Touch>;
  /** decision requests naming a sensitive system, per bot; `extra`: the systems */
  sensitive: Map<string, Touch>;
  /** denied decisions per bot */
  denied: Map<string, Touch>;
  /** (bot, action, target) shapes of decision requests, with the event that showed each first in this page */
  shapes: Map<string, { botId: string; label: string; shape: string; event: StreamedAuditEvent }>;
  /** runtime events that may have shown an enforcement gap (tool results, errors): runtime event id -> audit event id */
  gapCandidates: Map<string, string>;
  /** budget events, each its own evidence */
  budget: StreamedAuditEvent[];
  /** timeouts among the skill failures (for the summary) */
  timeouts: Map<string, number>;
};

/** A decision's shape for the new-shape heuristic: its action and target system or channel. */
export const shapeOf = (action: string, target: { system: string | null; channel: string | null }) => `${action} → ${target.system ?? target.channel ?? "(no target)"}`;

export function analyzePage(events: readonly StreamedAuditEvent[], sensitiveSystems: ReadonlySet<string>): PageAnalysis {
  const a: PageAnalysis = { counts: [], calls: new Map(), skillFailures: new Map(), sensitive: new Map(), denied: new Map(), shapes: new Map(), gapCandidates: new Map(), budget: [], timeouts: new Map() };
  const counts = new Map<string, CountRow>();
  const count = (metric: string, subject: string, at: Date, ms: number) => {
    const bucket = floorTo(at, ms).toISOString();
    const key = `${metric}\u0000${subject}\u0000${bucket}`;
    const c = counts.get(key) ?? { metric, subject, bucket, n: 0 };
    c.n++;
    counts.set(key, c);
  };
  for (const e of events) {
    if (e.action.startsWith("decision.")) {
      if (e.actorType !== "bot" || !e.actorId) continue;
      const bot = e.actorId;
      const o = { label: e.actorLabel ?? bot, botId: bot };
      count(METRIC.callsMinute, bot, e.at, MINUTE_MS);
      count(METRIC.callsHour, bot, e.at, HOUR_MS);
      touch(a.calls, bot, e, o);
      const target = targetOf(e);
      if (target.system && sensitiveSystems.has(target.system)) {
        count(METRIC.sensitive, bot, e.at, MINUTE_MS);
        touch(a.sensitive, bot, e, { ...o, extra: target.system });
      }
      if (e.action === "decision.deny") {
        count(METRIC.denied, bot, e.at, MINUTE_MS);
        touch(a.denied, bot, e, o);
      }
      const action = typeof e.details.action === "string" ? e.details.action : "(unknown action)";
      const shape = shapeOf(action, target);
      const key = `${bot}\u0000${shape}`;
      if (!a.shapes.has(key)) a.shapes.set(key, { botId: bot, label: o.label, shape, event: e });
    } else if (e.action === "runtime.tool_result") {
      if (e.resourceId) a.gapCandidates.set(e.resourceId, e.id);
      if (e.details.ok !== false || e.actorType !== "bot") continue;
      const tool = typeof e.details.tool === "string" ? e.details.tool : "(unknown tool)";
      count(METRIC.skillFailures, tool, e.at, MINUTE_MS);
      touch(a.skillFailures, tool, e, { label: tool, botId: e.actorId, extra: e.actorLabel ?? e.actorId ?? undefined });
      if (isTimeout(e.details.error)) a.timeouts.set(tool, (a.timeouts.get(tool) ?? 0) + 1);
    } else if (e.action === "runtime.error") {
      if (e.resourceId) a.gapCandidates.set(e.resourceId, e.id);
    } else if (e.action.startsWith("budget.")) {
      a.budget.push(e);
    }
  }
  a.counts = [...counts.values()];
  return a;
}

/**
 * call_rate: the expected count for a window of `windowMinutes` from a baseline (the hour buckets
 * summed over `baselineHours`). The bot needs a day of history first: null before.
 */
export function expectedCalls(input: { baselineTotal: number; baselineHours: number; windowMinutes: number }): number | null {
  if (input.baselineHours < 24) return null;
  return (input.baselineTotal / input.baselineHours) * (input.windowMinutes / 60);
}
