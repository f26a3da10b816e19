import {
  BUDGET_SPEND_HIDDEN_TEAM,
  changesBetween,
  USAGE_COUNTERS,
  USAGE_MAX_DAYS,
  type TBudget,
  type TSetBudgetRequest,
  type TUsageCounters,
  type TUsageGranularity,
  type TUsagePoint,
  type TUsageQuery,
  type TUsageReport,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { budgetPeriodEnd } from "@bridle/policy";
import { stringify } from "csv-stringify/sync";
import type { RequestCtx } from "../../lib/context.ts";
import { emit } from "../../lib/domain-events.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import { can, canReadBot } from "../../lib/permissions.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import { findBotRow } from "../bots/index.ts";
import { teamIdsOfPerson } from "../people/index.ts";
import * as repo from "./usage.repo.ts";
import { BUDGET_WARN_SHARE, checkBudgets, lockBudgetChecks } from "./usage.thresholds.ts";

const DAY_MS = 86_400_000;

/** The start of the UTC day, ISO week (Monday) or calendar month holding `t`. */
export function bucketStart(g: TUsageGranularity, t: Date): Date {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), g === "month" ? 1 : t.getUTCDate()));
  if (g === "week") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}

function nextBucket(g: TUsageGranularity, t: Date): Date {
  const d = new Date(t);
  if (g === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (g === "week") d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return d;
}

const zero = (): TUsageCounters => Object.fromEntries(USAGE_COUNTERS.map((k) => [k, 0])) as TUsageCounters;

/**
 * Who may see a cap's spend: every cap's for people who read every bot; a bot cap's for whoever
 * sees the cap (the bot's owner); a team cap's only for the team's members (BR: "caps are set by
 * admins; owners see their bots' spend", not the rest of the team's).
 */
type SpendViewer = { readsAll: true } | { readsAll: false; teamIds: ReadonlySet<string> };

const toBudget = (b: repo.BudgetRow, viewer: SpendViewer): TBudget => {
  const shown = viewer.readsAll || b.scope === "bot" || viewer.teamIds.has(b.subjectId);
  return {
    id: b.id,
    scope: b.scope,
    subjectId: b.subjectId,
    subjectName: b.subjectName,
    period: b.period,
    capUsd: b.capUsd,
    spentUsd: shown ? b.spentUsd : null,
    spentHidden: shown ? null : BUDGET_SPEND_HIDDEN_TEAM,
    periodStart: b.periodStart.toISOString(),
    periodEnd: budgetPeriodEnd(b.period, b.periodStart).toISOString(),
    near: b.spentUsd >= b.capUsd * BUDGET_WARN_SHARE,
    exhausted: b.spentUsd >= b.capUsd,
    setBy: b.setBy,
    setAt: b.setAt.toISOString(),
  };
};

/**
 * Usage, cost and budgets (README "Usage, cost and budgets"):
 * - `report` / `csv`: a scope's usage per bucket. `org` and `team` need `bots.read_all`; a bot,
 *   whoever may read it (its owner, `bots.read_all`); an owner's bots, that owner or `bots.read_all`.
 *   Refusals are audited (`usage.read`).
 * - `budgets`: with `bots.read_all` every cap with its spend; otherwise the caps covering the
 *   caller's own bots (theirs and their teams'). A team cap's spend (every bot in the team, other
 *   people's too) is shown only to the team's members (primary team or membership); anyone else
 *   gets `spentUsd: null` with `spentHidden`, and still `near` / `exhausted` (what the 80 % and
 *   100 % notifications already tell the owners). Registering a bot into a team therefore shows
 *   the team's caps, never its spend.
 * - `setBudget` / `removeBudget`: `budgets.manage` (admins), audited (`budget.set`,
 *   `budget.remove`, refusals too); the covered bots' decision snapshot is refreshed
 *   (`budget.changed`), and a cap set below what is already spent takes effect at once.
 */
export function createUsageService(deps: { db: Db }) {
  const { db } = deps;

  async function authorize(ctx: RequestCtx, q: TUsageQuery): Promise<{ filter: repo.BotFilter; label: string }> {
    const refuse = (what: string) => denied(db, ctx, { action: "usage.read", resourceType: q.scope, resourceId: q.id ?? null, what });
    if (q.scope === "org") {
      if (!can(ctx.principal, "bots.read_all")) throw await refuse("read every bot's usage");
      return { filter: { kind: "org" }, label: "All bots" };
    }
    if (!q.id) throw new AppError("validation_failed", `Usage of a ${q.scope} needs its id`, { fields: [{ path: ["id"], code: "required", message: "Required" }] });
    if (q.scope === "bot") {
      const bot = await findBotRow(db, q.id);
      if (!bot) throw notFound("Bot");
      if (!canReadBot(ctx.principal, bot)) throw await refuse("read this bot's usage");
      return { filter: { kind: "bot", id: q.id }, label: bot.name };
    }
    if (q.scope === "owner" && q.id !== ctx.principal.personId && !can(ctx.principal, "bots.read_all")) throw await refuse("read another owner's usage");
    if (q.scope === "team" && !can(ctx.principal, "bots.read_all")) throw await refuse("read a team's usage");
    const name = await repo.subjectName(db, q.scope, q.id);
    if (name === null) throw notFound(q.scope === "team" ? "Team" : "Person");
    return { filter: { kind: q.scope, id: q.id }, label: name };
  }

  async function report(ctx: RequestCtx, q: TUsageQuery, now = new Date()): Promise<TUsageReport> {
    const { filter, label } = await authorize(ctx, q);
    const to = q.to ? new Date(q.to) : now;
    const from = bucketStart(q.granularity, q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS));
    if (from.getTime() >= to.getTime()) throw new AppError("validation_failed", "`from` must be before `to`", { fields: [{ path: ["from"], code: "invalid", message: "Must be before `to`" }] });
    if (to.getTime() - from.getTime() > USAGE_MAX_DAYS * DAY_MS)
      throw new AppError("validation_failed", `A usage query spans at most ${USAGE_MAX_DAYS} days`, { fields: [{ path: ["from"], code: "too_small", message: `At most ${USAGE_MAX_DAYS} days before \`to\`` }] });
    const [buckets, bots] = await Promise.all([repo.usageBuckets(db, filter, q.granularity, from, to), repo.countBots(db, filter)]);
    const byStart = new Map(buckets.map((b) => [b.start.getTime(), b]));
    const series: TUsagePoint[] = [];
    const totals = zero();
    for (let t = from; t.getTime() < to.getTime(); t = nextBucket(q.granularity, t)) {
      const b = byStart.get(t.getTime());
      const point = { start: t.toISOString(), ...zero() };
      if (b) for (const k of USAGE_COUNTERS) point[k] = b[k];
      for (const k of USAGE_COUNTERS) totals[k] += point[k];
      series.push(point);
    }
    totals.costUsd = Math.round(totals.costUsd * 1e6) / 1e6;
    return { scope: q.scope, id: q.id ?? null, label, granularity: q.granularity, from: from.toISOString(), to: to.toISOString(), bots, totals, series };
  }

  /** The same report as CSV: one row per bucket, a header naming each counter (formulas escaped). */
  async function csv(ctx: RequestCtx, q: TUsageQuery): Promise<{ body: string; fileName: string }> {
    const r = await report(ctx, q);
    const rows = r.series.map((p) => [p.start, r.scope, r.label, ...USAGE_COUNTERS.map((k) => p[k])]);
    const body = stringify(rows, { header: true, columns: ["start", "scope", "subject", ...USAGE_COUNTERS], escape_formulas: true });
    return { body, fileName: `bridle-usage-${r.scope}-${r.granularity}-${r.from.slice(0, 10)}-${r.to.slice(0, 10)}.csv` };
  }

  /**
   * Caps with their current period's spend, as the caller may see them (see the service's rules).
   * `scope=bot&subjectId=`: that bot's caps and its team's, for whoever may read the bot.
   * @throws 404 (no such bot), 403 (a bot the caller may not read; audited `budget.read`)
   */
  async function budgets(ctx: RequestCtx, q: { scope?: TBudget["scope"]; subjectId?: string }): Promise<{ items: TBudget[] }> {
    const filter: Parameters<typeof repo.listBudgets>[1] = {};
    if (q.scope && !q.subjectId) filter.scope = q.scope;
    if (q.subjectId) {
      // with a bot: its own caps and its team's
      if (q.scope === "bot") {
        const bot = await findBotRow(db, q.subjectId);
        if (!bot) throw notFound("Bot");
        if (!canReadBot(ctx.principal, bot)) throw await denied(db, ctx, { action: "budget.read", resourceType: "bot", resourceId: bot.id, what: "read this bot's budgets" });
        filter.coveringBots = [bot.id];
      } else {
        filter.subjectId = q.subjectId;
        if (q.scope) filter.scope = q.scope;
      }
    }
    const readsAll = can(ctx.principal, "bots.read_all");
    if (!readsAll && !filter.coveringBots) filter.coveringBots = await repo.botIdsOwnedBy(db, ctx.principal.personId);
    const viewer: SpendViewer = readsAll ? { readsAll } : { readsAll, teamIds: new Set(await teamIdsOfPerson(db, ctx.principal.personId)) };
    return { items: (await repo.listBudgets(db, filter)).map((b) => toBudget(b, viewer)) };
  }

  async function setBudget(ctx: RequestCtx, input: TSetBudgetRequest): Promise<TBudget> {
    if (!can(ctx.principal, "budgets.manage"))
      throw await denied(db, ctx, { action: "budget.set", resourceType: input.scope, resourceId: input.subjectId, what: "set budget caps" });
    const id = await db.transaction(async (tx) => {
      const subject = await repo.subjectName(tx, input.scope, input.subjectId);
      if (subject === null) throw notFound(input.scope === "bot" ? "Bot" : "Team");
      // Before the budget row: checkBudgets below takes this lock too (usage.thresholds.ts).
      await lockBudgetChecks(tx);
      const { id, before } = await repo.upsertBudget(tx, { ...input, setByPersonId: ctx.principal.personId, setByEmail: ctx.principal.email });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "budget.set",
        resourceType: "budget",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { budgetId: id, scope: input.scope, subjectId: input.subjectId, subject, period: input.period, changes: changesBetween({ capUsd: before }, { capUsd: input.capUsd }) },
      });
      const bots = await repo.botsCoveredBy(tx, input.scope, input.subjectId);
      // a cap at or below what is already spent is spent now (alerts, and the snapshot learns it)
      const exhausted = await checkBudgets(tx, bots);
      if (bots.length && exhausted.length === 0) await emit(tx, { type: "budget.changed", botIds: bots, change: "set" });
      return id;
    });
    const [row] = await repo.listBudgets(db, { ids: [id] });
    // budgets.manage is an admin's: admins read every bot
    return toBudget(row!, can(ctx.principal, "bots.read_all") ? { readsAll: true } : { readsAll: false, teamIds: new Set(await teamIdsOfPerson(db, ctx.principal.personId)) });
  }

  async function removeBudget(ctx: RequestCtx, id: string): Promise<void> {
    if (!can(ctx.principal, "budgets.manage")) throw await denied(db, ctx, { action: "budget.remove", resourceType: "budget", resourceId: id, what: "remove budget caps" });
    await db.transaction(async (tx) => {
      // Before the budget row: a check under way may be inserting an alert that refers to it.
      await lockBudgetChecks(tx);
      const gone = await repo.deleteBudget(tx, id);
      if (!gone) throw notFound("Budget");
      const subject = (await repo.subjectName(tx, gone.scope, gone.subjectId)) ?? "(removed)";
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "budget.remove",
        resourceType: "budget",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { budgetId: id, scope: gone.scope, subjectId: gone.subjectId, subject, period: gone.period, capUsd: gone.capUsd },
      });
      const bots = await repo.botsCoveredBy(tx, gone.scope, gone.subjectId);
      if (bots.length) await emit(tx, { type: "budget.changed", botIds: bots, change: "removed" });
    });
  }

  return { report, csv, budgets, setBudget, removeBudget };
}

export type UsageService = ReturnType<typeof createUsageService>;
