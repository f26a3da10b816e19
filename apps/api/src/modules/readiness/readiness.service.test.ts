import type { TReadinessControl, TReadinessStatus } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { summarize } from "./readiness.service.ts";

const NOW = new Date("2026-11-30T10:00:00Z");
const lines = (...statuses: TReadinessStatus[]): TReadinessControl[] =>
  statuses.map((status, i) => ({
    id: "runtime_profile",
    title: `Control ${i}`,
    explanation: "",
    source: "",
    status,
    detail: "",
    failing: 0,
    total: 1,
    examples: [],
    links: [],
  }));
const verdictOf = (bots: number, ...statuses: TReadinessStatus[]) => {
  const r = summarize(lines(...statuses), bots, NOW);
  return [r.verdict, r.score, r.summary];
};

describe("readiness verdict and score", () => {
  it("is ready only when every applicable control passes, and says what could not be checked", () => {
    expect(verdictOf(40, "pass", "pass", "not_applicable")).toEqual(["ready", 100, "Ready: every applicable control passes. 1 control could not be checked (not applicable or not set up)."]);
    expect(verdictOf(40, "pass", "pass")).toEqual(["ready", 100, "Ready: every applicable control passes."]);
  });

  it("counts a warn as half and a fail as nothing", () => {
    expect(verdictOf(40, "pass", "warn")).toEqual(["attention", 75, "Nearly ready: no control fails, 1 control needs attention."]);
    expect(verdictOf(40, "pass", "warn", "fail", "fail")).toEqual(["not_ready", 38, "Not ready: 2 controls fail, 1 more needs attention."]);
  });

  it("is not ready when no control applies, and never ready without bots", () => {
    expect(verdictOf(40, "not_applicable")[0]).toBe("not_ready");
    expect(verdictOf(0, "pass", "not_applicable")).toEqual([
      "attention",
      100,
      "No bots in the inventory yet: register the first one; the bot controls apply as bots arrive. 1 control could not be checked (not applicable or not set up).",
    ]);
  });
});
