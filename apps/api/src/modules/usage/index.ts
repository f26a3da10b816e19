import type { DbOrTx } from "@bridle/db";
import { decisionRows, runtimeRows, UPSERT_USAGE_AS_COMPANION, upsertUsage, type DecisionUsageItem, type RuntimeUsageItem } from "./usage.rollup.ts";
import { checkBudgets } from "./usage.thresholds.ts";

/**
 * The usage module's door (README "Usage, cost and budgets"). It owns `usage_hourly` (per bot and
 * hour: runtime event and decision counters, tokens, cost), `budgets` (caps per bot or team, per
 * UTC day or calendar month) and `budget_alerts` (thresholds already announced).
 * - routes: `usageRoutes` (`/usage`, `/usage.csv`, `/budgets`), wired with `createUsageService`;
 * - commands, inside the caller's transaction: `recordRuntimeUsage` (the events group commit:
 *   one upsert per batch, then the budgets of the bots that spent, which may notify owners, record
 *   `budget.threshold_reached` / `budget.exhausted` and emit `budget.changed`) and
 *   `recordDecisionUsage` (the decision log's group commit: one upsert per batch);
 *   `decisionUsageCompanion` for the decision log's prepared pg path (one statement with the events).
 * The decision snapshot reads `budgets` and `usage_hourly` (a read model: which caps are spent).
 */
export { usageRoutes } from "./usage.routes.ts";
export { createUsageService, type UsageService } from "./usage.service.ts";
export type { DecisionUsageItem, RuntimeUsageItem } from "./usage.rollup.ts";

/** Adds a batch of stored runtime events to the rollup, then checks the caps of the bots that spent. */
export async function recordRuntimeUsage(tx: DbOrTx, items: readonly RuntimeUsageItem[]): Promise<void> {
  const rows = runtimeRows(items);
  if (!rows.length) return;
  await upsertUsage(tx, rows);
  const spent = [...new Set(rows.filter((r) => r.cost_usd > 0).map((r) => r.bot_id))];
  if (spent.length) await checkBudgets(tx, spent);
}

/** Adds a batch of recorded decisions to the rollup (counts by verdict). */
export async function recordDecisionUsage(tx: DbOrTx, items: readonly DecisionUsageItem[]): Promise<void> {
  await upsertUsage(tx, decisionRows(items));
}

/**
 * The same upsert as the companion of the decision log's audit batch (the audit module's
 * `recordAuditBatchPrepared`), so the counts commit in the same statement as the decisions'
 * events: `text` reads `$2`, the JSON of the batch's rows.
 */
export function decisionUsageCompanion(items: readonly DecisionUsageItem[]): { name: string; text: string; value: string } {
  return { name: "bridle_insert_decisions_with_usage", text: UPSERT_USAGE_AS_COMPANION, value: JSON.stringify(decisionRows(items)) };
}
