import type { TBudgetPeriod, TBudgetScope } from "@bridle/contracts";

/**
 * Budget periods and the words a spent cap is refused with (README "Usage, cost and budgets").
 * Periods are UTC days and calendar months (UTC); a cap lifts when its period rolls over.
 */

/** The start of the period holding `now` (UTC midnight, or the first of the month). */
export function budgetPeriodStart(period: TBudgetPeriod, now: Date): Date {
  return period === "day"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** The end (exclusive) of the period holding `now`: when the cap lifts. */
export function budgetPeriodEnd(period: TBudgetPeriod, now: Date): Date {
  return period === "day"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** A cap of the bot or its team whose period's spend has reached it, as the decision snapshot holds it. */
export type ExhaustedBudget = {
  scope: TBudgetScope;
  /** the bot's or team's name */
  subject: string;
  period: TBudgetPeriod;
  capUsd: number;
  spentUsd: number;
  /** the period's end: from then on the cap no longer applies (a new period starts with nothing spent) */
  until: Date;
};

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** "team Support's daily budget of $50.00 is spent ($50.12 so far today)" */
export function budgetSpentMessage(b: Pick<ExhaustedBudget, "scope" | "subject" | "period" | "capUsd" | "spentUsd">): string {
  const which = b.period === "day" ? "daily" : "monthly";
  const so = b.period === "day" ? "today" : "this month";
  return `${b.scope} ${b.subject}'s ${which} budget of ${usd(b.capUsd)} is spent (${usd(b.spentUsd)} so far ${so})`;
}

/** The first cap still in force at `now`, or null. */
export function budgetInForce(budgets: readonly ExhaustedBudget[] | undefined, now: Date): ExhaustedBudget | null {
  if (!budgets) return null;
  const t = now.getTime();
  for (const b of budgets) if (b.until.getTime() > t) return b;
  return null;
}
