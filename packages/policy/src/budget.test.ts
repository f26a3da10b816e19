import { GATED_ACTIONS, type TGatedAction, type TSystemClassification } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { budgetPeriodEnd, budgetPeriodStart, budgetSpentMessage, type ExhaustedBudget } from "./budget.ts";
import { decide, type DecisionContext, type GatedActionRule } from "./decision.ts";

const now = new Date("2026-11-20T12:00:00Z");
const systems = new Map<string, TSystemClassification>([["github", "internal_data"]]);
const rules = Object.fromEntries(
  GATED_ACTIONS.map((a) => [a, { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } satisfies GatedActionRule]),
) as Record<TGatedAction, GatedActionRule>;
const teamDaily: ExhaustedBudget = { scope: "team", subject: "Support", period: "day", capUsd: 50, spentUsd: 50.12, until: new Date("2026-11-21T00:00:00Z") };

const ctx = (budgetsExhausted: ExhaustedBudget[] | undefined, at = now): DecisionContext => ({
  bot: {
    status: "active",
    internalDataAccess: "internal",
    channels: [],
    grants: [{ system: "github", scope: "github:issues:write", access: "write", expiresAt: null }],
    exception: null,
    owner: { email: "lucas.meyer@acme.example", displayName: "Lucas Meyer", status: "active" },
    leakPlaybookOpen: false,
    ...(budgetsExhausted ? { budgetsExhausted } : {}),
  },
  channelPolicy: { channelAllowlist: [], channelBlocklist: [] },
  systems,
  rules,
  now: at,
});

describe("decide: a spent budget cap (BR-BUDGET)", () => {
  it("denies a write-type action, naming the cap, what was spent and the period", () => {
    const v = decide({ action: "github.issue.create", target: { system: "github" } }, ctx([teamDaily]));
    expect(v.decision).toBe("deny");
    expect(v.reasons).toEqual([
      {
        code: "budget_exhausted",
        rule: "BR-BUDGET",
        message: "github.issue.create refused: team Support's daily budget of $50.00 is spent ($50.12 so far today); until the period ends only read-only actions are allowed",
      },
    ]);
  });

  it("denies every gated action, even one the org allows", () => {
    for (const action of GATED_ACTIONS) expect(decide({ action, target: { system: "github" } }, ctx([teamDaily])).reasons[0]!.code).toBe("budget_exhausted");
  });

  it("still allows a read-only action", () => {
    const v = decide({ action: "github:issues:read", target: { system: "github" } }, ctx([teamDaily]));
    expect(v.decision).toBe("allow");
    expect(v.reasons[0]!.code).toBe("not_gated");
  });

  it("lifts when the period rolls over (the cap's `until` has passed), without a refresh", () => {
    const v = decide({ action: "github.issue.create", target: { system: "github" } }, ctx([teamDaily], new Date("2026-11-21T00:00:00Z")));
    expect(v.decision).toBe("allow");
  });

  it("names a monthly bot cap still in force when the daily team cap has lifted", () => {
    const monthly: ExhaustedBudget = { scope: "bot", subject: "triage-bot", period: "month", capUsd: 1200, spentUsd: 1200, until: new Date("2026-12-01T00:00:00Z") };
    const v = decide({ action: "shell.exec", target: {} }, ctx([teamDaily, monthly], new Date("2026-11-21T08:00:00Z")));
    expect(v.reasons[0]!.message).toContain("bot triage-bot's monthly budget of $1,200.00 is spent ($1,200.00 so far this month)");
  });

  it("a bot without spent caps is decided as before", () => {
    expect(decide({ action: "github.issue.create", target: { system: "github" } }, ctx([])).decision).toBe("allow");
    expect(decide({ action: "github.issue.create", target: { system: "github" } }, ctx(undefined)).decision).toBe("allow");
  });
});

describe("budget periods (UTC)", () => {
  it("a day runs from UTC midnight to the next", () => {
    const t = new Date("2026-12-31T23:59:59Z");
    expect(budgetPeriodStart("day", t).toISOString()).toBe("2026-12-31T00:00:00.000Z");
    expect(budgetPeriodEnd("day", t).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
  it("a month runs from the first of the month to the first of the next", () => {
    const t = new Date("2026-12-15T10:00:00Z");
    expect(budgetPeriodStart("month", t).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(budgetPeriodEnd("month", t).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
  it("the message reads per period", () => {
    expect(budgetSpentMessage({ scope: "bot", subject: "x", period: "month", capUsd: 10, spentUsd: 9.999 })).toBe("bot x's monthly budget of $10.00 is spent ($10.00 so far this month)");
  });
});
