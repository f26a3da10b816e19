import { describe, expect, it } from "vitest";
import type { StreamedAuditEvent } from "../audit/index.ts";
import { analyzePage, expectedCalls, isTimeout, METRIC } from "./alerts.rules.ts";

const at = (min: number, sec = 0) => new Date(Date.UTC(2026, 10, 30, 9, min, sec));
let n = 0;
const ev = (action: string, o: Partial<StreamedAuditEvent> = {}): StreamedAuditEvent => ({
  id: `e${++n}`,
  seq: n,
  at: at(0),
  actorType: "bot",
  actorId: "bot-1",
  actorLabel: "acme-bot",
  action,
  resourceId: `r${n}`,
  sessionId: null,
  details: {},
  ...o,
});

describe("a page of audit events, analyzed", () => {
  it("counts decisions per bot by minute and hour, sensitive targets and denials, and each (action, target) shape once", () => {
    const events = [
      ev("decision.allow", { at: at(1, 10), details: { action: "issue.comment", target: { system: "GitHub" } }, sessionId: "s1" }),
      ev("decision.deny", { at: at(1, 50), details: { action: "db.query", target: { system: "postgres-replica" } }, sessionId: "s2" }),
      ev("decision.allow", { at: at(2, 0), details: { action: "issue.comment", target: { system: "github" } } }),
      ev("decision.allow", { at: at(2, 5), details: { action: "message.send", target: { channel: "slack:#ops" } } }),
      ev("decision.allow", { at: at(2, 6), actorType: "person", actorId: "p1", details: { action: "x", target: {} } }),
    ];
    const a = analyzePage(events, new Set(["github", "postgres-replica"]));
    const counts = (metric: string) => a.counts.filter((c) => c.metric === metric).map((c) => [c.bucket.slice(11, 16), c.n]);
    expect(counts(METRIC.callsMinute)).toEqual([
      ["09:01", 2],
      ["09:02", 2],
    ]);
    expect(counts(METRIC.callsHour)).toEqual([["09:00", 4]]);
    expect(counts(METRIC.sensitive)).toEqual([
      ["09:01", 2],
      ["09:02", 1],
    ]);
    expect(counts(METRIC.denied)).toEqual([["09:01", 1]]);
    const calls = a.calls.get("bot-1")!;
    expect(calls).toMatchObject({ n: 4, label: "acme-bot", botId: "bot-1", at: at(2, 5), sessionId: "s2" });
    expect([...a.sensitive.get("bot-1")!.extra]).toEqual(["github", "postgres-replica"]);
    expect([...a.shapes.values()].map((s) => s.shape)).toEqual(["issue.comment → github", "db.query → postgres-replica", "message.send → slack:#ops"]);
  });

  it("counts failed tool results per skill across bots, tells timeouts, and collects gap candidates and budget events", () => {
    const events = [
      ev("runtime.tool_result", { details: { tool: "web_fetch", ok: false, error: "Request timed out" } }),
      ev("runtime.tool_result", { actorId: "bot-2", actorLabel: "other-bot", details: { tool: "web_fetch", ok: false, error: "HTTP 502" } }),
      ev("runtime.tool_result", { details: { tool: "web_fetch", ok: true } }),
      ev("runtime.error", { details: { message: "x", code: "enforcement_gap" } }),
      ev("budget.exhausted", { actorType: "system", actorId: null, details: { botId: "bot-1" } }),
      ev("runtime.usage", { details: {} }),
    ];
    const a = analyzePage(events, new Set());
    expect(a.skillFailures.get("web_fetch")).toMatchObject({ n: 2, label: "web_fetch" });
    expect([...a.skillFailures.get("web_fetch")!.extra]).toEqual(["acme-bot", "other-bot"]);
    expect(a.timeouts.get("web_fetch")).toBe(1);
    expect([...a.gapCandidates.keys()]).toHaveLength(4);
    expect(a.budget.map((e) => e.action)).toEqual(["budget.exhausted"]);
  });

  it("tells a timeout by its error text", () => {
    expect(["timeout", "Timed out after 30s", "ETIMEDOUT", "time-out", "read_timeout"].map(isTimeout)).toEqual([true, true, true, true, true]);
    expect([undefined, "HTTP 500", 42].map(isTimeout)).toEqual([false, false, false]);
  });

  it("expects a window's calls from the baseline, only after a day of history", () => {
    expect(expectedCalls({ baselineTotal: 480, baselineHours: 48, windowMinutes: 60 })).toBe(10);
    expect(expectedCalls({ baselineTotal: 480, baselineHours: 48, windowMinutes: 15 })).toBe(2.5);
    expect(expectedCalls({ baselineTotal: 100, baselineHours: 23, windowMinutes: 60 })).toBeNull();
  });
});
