import type { TRuntimeEventParsed } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { decisionRows, isTimeout, runtimeRows } from "./usage.rollup.ts";
import { bucketStart } from "./usage.service.ts";

const base = { sessionId: "s1", time: "2026-11-30T09:00:00.000Z" };
const ev = (e: Record<string, unknown>) => ({ ...base, ...e }) as unknown as TRuntimeEventParsed;

describe("the hourly rollup", () => {
  it("sums a batch per bot and hour of Bridle's clock, one row each", () => {
    const at = (iso: string) => new Date(iso);
    const rows = runtimeRows([
      { botId: "a", at: at("2026-11-30T09:05:00Z"), event: ev({ type: "session_start" }) },
      { botId: "a", at: at("2026-11-30T09:59:59Z"), event: ev({ type: "usage", model: "m", inputTokens: 10, outputTokens: 2, costUsd: 0.5 }) },
      { botId: "a", at: at("2026-11-30T10:00:00Z"), event: ev({ type: "usage", model: "m", inputTokens: 1, outputTokens: 1, costUsd: 0.25 }) },
      { botId: "b", at: at("2026-11-30T09:10:00Z"), event: ev({ type: "tool_result", tool: "x", ok: false, error: "Timed out" }) },
      { botId: "b", at: at("2026-11-30T09:10:00Z"), event: ev({ type: "heartbeat", runtime: "openclaw" }) },
    ]);
    expect(rows.map((r) => [r.bot_id, r.hour, r.source, r.sessions, r.input_tokens, r.cost_usd, r.tool_failures, r.timeouts])).toEqual([
      ["a", "2026-11-30T09:00:00.000Z", "events", 1, 10, 0.5, 0, 0],
      ["a", "2026-11-30T10:00:00.000Z", "events", 0, 1, 0.25, 0, 0],
      ["b", "2026-11-30T09:00:00.000Z", "events", 0, 0, 0, 1, 1],
    ]);
  });

  it("counts decisions by verdict in rows of their own source", () => {
    const at = new Date("2026-11-30T09:30:00Z");
    const [row] = decisionRows([
      { botId: "a", at, decision: "allow" },
      { botId: "a", at, decision: "deny" },
      { botId: "a", at, decision: "deny" },
      { botId: "a", at, decision: "require_approval" },
    ]);
    expect(row).toMatchObject({ source: "decisions", decisions_allow: 1, decisions_deny: 2, decisions_approval: 1, cost_usd: 0 });
  });

  it("a timeout is an error coded as one, or a failed tool result saying so", () => {
    expect(isTimeout(ev({ type: "error", message: "x", code: "timeout" }))).toBe(true);
    expect(isTimeout(ev({ type: "error", message: "x", code: "ETIMEDOUT" }))).toBe(true);
    expect(isTimeout(ev({ type: "error", message: "timed out", code: "429" }))).toBe(false);
    expect(isTimeout(ev({ type: "tool_result", tool: "x", ok: false, error: "request time-out" }))).toBe(true);
    expect(isTimeout(ev({ type: "tool_result", tool: "x", ok: true, error: "timed out" }))).toBe(false);
  });

  it("buckets start at UTC midnight, on Mondays, on the first of the month", () => {
    const t = new Date("2026-11-29T23:30:00Z"); // a Sunday
    expect(bucketStart("day", t).toISOString()).toBe("2026-11-29T00:00:00.000Z");
    expect(bucketStart("week", t).toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(bucketStart("month", t).toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });
});
