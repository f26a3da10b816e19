import { z } from "zod";
import { ZTimestamp } from "./common.ts";

/**
 * Usage, cost and budgets (README "Usage, cost and budgets"): per bot, team or owner, what the
 * bots' runtimes reported (runtime events) and what Bridle answered them (decisions), counted per
 * hour on Bridle's clock (UTC) and summed per day, ISO week or calendar month; budget caps in USD
 * per bot or team, per UTC day or calendar month.
 */
export const USAGE_SCOPES = ["org", "bot", "team", "owner"] as const;
export const ZUsageScope = z.enum(USAGE_SCOPES);
export type TUsageScope = z.infer<typeof ZUsageScope>;
export const USAGE_GRANULARITIES = ["day", "week", "month"] as const;
export const ZUsageGranularity = z.enum(USAGE_GRANULARITIES);
export type TUsageGranularity = z.infer<typeof ZUsageGranularity>;
export const BUDGET_SCOPES = ["bot", "team"] as const;
export const ZBudgetScope = z.enum(BUDGET_SCOPES);
export type TBudgetScope = z.infer<typeof ZBudgetScope>;
export const BUDGET_PERIODS = ["day", "month"] as const;
export const ZBudgetPeriod = z.enum(BUDGET_PERIODS);
export type TBudgetPeriod = z.infer<typeof ZBudgetPeriod>;
/** A usage query spans at most this many days. */
export const USAGE_MAX_DAYS = 400;

/** `GET /usage` and `GET /usage.csv`. */
export const ZUsageQuery = z
  .object({
    scope: ZUsageScope.default("org").describe("`org` (every bot: needs bots.read_all), `bot`, `team` or `owner` (with `id`); an owner may ask for their own bots (`owner` with their id, or `bot`)"),
    id: z.uuid().optional().describe("The bot, team or person (owner) id; required unless scope is `org`"),
    granularity: ZUsageGranularity.default("day").describe("Buckets: UTC days, ISO weeks (starting Monday) or calendar months"),
    from: ZTimestamp.optional().describe("Start (inclusive); default 30 days before `to`, rounded down to the bucket"),
    to: ZTimestamp.optional().describe("End (exclusive); default now"),
  })
  .strict();
export type TUsageQuery = z.infer<typeof ZUsageQuery>;

/** One bucket's counters. */
export const ZUsageCounters = z.object({
  sessions: z.number().int().describe("Runtime sessions started (task volume): `session_start` events"),
  toolCalls: z.number().int().describe("`tool_call` events"),
  toolFailures: z.number().int().describe("`tool_result` events with ok false"),
  timeouts: z.number().int().describe("`error` events whose code names a timeout, and failed tool results whose error does"),
  errors: z.number().int().describe("`error` events"),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number().describe("US dollars, as the runtime reported in `usage` events"),
  decisionsAllow: z.number().int(),
  decisionsDeny: z.number().int().describe("Permission denials: decisions answered `deny`"),
  approvalsAsked: z.number().int().describe("Decisions answered `require_approval`"),
  approvalsGranted: z.number().int().describe("Gated-action approval requests of these bots approved by a person (human override of the policy's hold)"),
  approvalsDenied: z.number().int().describe("Gated-action approval requests of these bots denied by a person"),
  denialsOverruled: z
    .number()
    .int()
    .describe(
      "Human overrides of what the policy denies: scope expansions and Golden Rule exceptions of these bots approved by a person (the bot may now do what it was refused)",
    ),
});
export type TUsageCounters = z.infer<typeof ZUsageCounters>;
export const USAGE_COUNTERS = Object.keys(ZUsageCounters.shape) as (keyof TUsageCounters)[];

export const ZUsagePoint = ZUsageCounters.extend({ start: ZTimestamp.describe("The bucket's start (UTC)") }).meta({ id: "UsagePoint" });
export type TUsagePoint = z.infer<typeof ZUsagePoint>;

export const ZUsageReport = z
  .object({
    scope: ZUsageScope,
    id: z.uuid().nullable(),
    /** the bot, team or person's name, or "All bots" */
    label: z.string(),
    granularity: ZUsageGranularity,
    from: ZTimestamp,
    to: ZTimestamp,
    bots: z.number().int().describe("How many bots the scope covers now"),
    totals: ZUsageCounters,
    series: z.array(ZUsagePoint).describe("Every bucket from `from` to `to`, empty ones as zeros"),
  })
  .meta({ id: "UsageReport" });
export type TUsageReport = z.infer<typeof ZUsageReport>;

/** Why a team cap's spend is withheld from a caller who is not in the team (and does not read every bot). */
export const BUDGET_SPEND_HIDDEN_TEAM = "Team spend visible to team members";

/**
 * A budget cap with what has been spent in its current period. Caps are set by admins; owners see
 * their bots' spend (issue 11): a team's spend is shown only to its members and to people who read
 * every bot, others see the cap and whether it is near or spent, but not the amount.
 */
export const ZBudget = z
  .object({
    id: z.uuid(),
    scope: ZBudgetScope,
    subjectId: z.uuid(),
    /** the bot's or team's name */
    subjectName: z.string(),
    period: ZBudgetPeriod,
    capUsd: z.number().describe("US dollars, two decimals"),
    spentUsd: z
      .number()
      .nullable()
      .describe(
        "Spent in the current period (UTC day or calendar month) so far; null when withheld from the caller (a team cap's spend is shown only to the team's members and to people who read every bot; see spentHidden)",
      ),
    spentHidden: z.string().nullable().describe(`Why spentUsd is withheld, when it is (e.g. "${BUDGET_SPEND_HIDDEN_TEAM}"); null when it is shown`),
    periodStart: ZTimestamp,
    periodEnd: ZTimestamp.describe("When the period rolls over and the cap lifts"),
    near: z.boolean().describe("spent >= 80 % of the cap (when the owners of the covered bots are notified), shown even when spentUsd is withheld"),
    exhausted: z.boolean().describe("spent >= cap: decisions for anything but read-only actions are denied until periodEnd; shown even when spentUsd is withheld"),
    setBy: z.string().describe("Who set it (email)"),
    setAt: ZTimestamp,
  })
  .meta({ id: "Budget" });
export type TBudget = z.infer<typeof ZBudget>;

export const ZBudgetList = z.object({ items: z.array(ZBudget) }).meta({ id: "BudgetList" });

export const ZBudgetListQuery = z
  .object({
    scope: ZBudgetScope.optional(),
    subjectId: z.uuid().optional().describe("Only the caps of this bot or team; with scope `bot`, also the caps of the bot's team"),
  })
  .strict();

/** `PUT /budgets`: sets (creates or replaces) the cap of one subject and period. */
export const ZSetBudgetRequest = z
  .object({
    scope: ZBudgetScope,
    subjectId: z.uuid(),
    period: ZBudgetPeriod,
    capUsd: z.number().positive().max(10_000_000).multipleOf(0.01).describe("US dollars, at most two decimals"),
  })
  .strict();
export type TSetBudgetRequest = z.infer<typeof ZSetBudgetRequest>;
