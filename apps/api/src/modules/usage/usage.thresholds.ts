import { BUDGET_SPEND_HIDDEN_TEAM, type TBudgetPeriod, type TBudgetScope } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { budgetSpentMessage } from "@bridle/policy";
import { sql } from "drizzle-orm";
import { emit } from "../../lib/domain-events.ts";
import { rowsOf, toDate } from "../../lib/sql.ts";
import { recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import { notifyMany, type NotifyInput } from "../notifications/index.ts";
import { teamMembersAmong } from "../people/index.ts";

/** Transaction-level advisory lock of budget checks ("budget" in ASCII). */
const BUDGET_CHECK_LOCK = 0x627564676574;

/**
 * Takes the budget checks' lock until commit (re-entrant: `checkBudgets` takes it again). A
 * transaction that changes a budget row and then checks budgets takes it first: a check under way
 * may insert a `budget_alerts` row for that budget, whose foreign key waits on the changed row.
 */
export async function lockBudgetChecks(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${BUDGET_CHECK_LOCK})`);
}

/** Spend at this share of a cap notifies the owners (once per budget, period and cap). */
export const BUDGET_WARN_SHARE = 0.8;

type Reached = {
  budget_id: string;
  scope: TBudgetScope;
  subject_id: string;
  subject: string;
  period: TBudgetPeriod;
  cap_usd: string;
  spent_usd: string;
  period_start: unknown;
  bot_ids: string[];
  owner_ids: string[];
};

/**
 * The caps of these bots (their own, their teams') whose current period's spend has reached 80 %,
 * with what was spent, the subject's name, the bots the cap covers and their owners.
 */
async function reachedBudgets(tx: DbOrTx, botIds: readonly string[] | null): Promise<Reached[]> {
  const relevant = botIds
    ? sql`where (bu.scope = 'bot' and bu.subject_id in (select id from aff)) or (bu.scope = 'team' and bu.subject_id in (select team_id from aff))`
    : sql``;
  const res = await tx.execute(sql`
    with aff as (select id, team_id from bots where id in (select jsonb_array_elements_text(${JSON.stringify(botIds ?? [])}::jsonb)::uuid)),
    b as (
      select bu.id, bu.scope, bu.subject_id, bu.period, bu.cap_usd, date_trunc(bu.period, now(), 'UTC') as period_start
      from budgets bu ${relevant}
    ),
    covered as (
      select b.id as budget_id, x.id as bot_id, x.owner_id
      from b join bots x on (b.scope = 'bot' and x.id = b.subject_id) or (b.scope = 'team' and x.team_id = b.subject_id)
    ),
    s as (
      select b.*, coalesce((
        select sum(u.cost_usd) from usage_hourly u
        where u.hour >= b.period_start and u.bot_id in (select c.bot_id from covered c where c.budget_id = b.id)
      ), 0) as spent_usd
      from b
    )
    select s.id as budget_id, s.scope, s.subject_id, s.period, s.cap_usd, s.spent_usd, s.period_start,
           coalesce(case when s.scope = 'bot' then (select name from bots where id = s.subject_id) else (select name from teams where id = s.subject_id) end, '(removed)') as subject,
           coalesce((select array_agg(c.bot_id::text order by c.bot_id) from covered c where c.budget_id = s.id), '{}') as bot_ids,
           coalesce((select array_agg(distinct c.owner_id::text) from covered c where c.budget_id = s.id and c.owner_id is not null), '{}') as owner_ids
    from s where s.spent_usd >= s.cap_usd * ${BUDGET_WARN_SHARE}`);
  return rowsOf<Reached>(res);
}

/**
 * After spend was added for these bots (or a cap was set), in the same transaction: every cap of
 * theirs whose current period's spend reached 80 % or 100 % for the first time (per budget,
 * period and cap; `budget_alerts`) notifies the owners of the bots it covers and records
 * `budget.threshold_reached` or `budget.exhausted` (actor Bridle); for a team cap, only the owners
 * who belong to the team are told its spend (the others, that it is near or spent); a spent cap also emits
 * `budget.changed`, so every replica's decision snapshot learns it and denies the bots'
 * write-type actions. Spend that jumps past both thresholds at once records the exhaustion only.
 * Checks run one transaction at a time (`BUDGET_CHECK_LOCK`, held to commit): the sum reads spend
 * that other transactions committed, so writes at once (the events log writes up to three groups
 * at a time; replicas) that together pass a cap would otherwise each read the other's share as
 * missing, and neither would announce it. Call it last before commit: the lock is held until then.
 * Cost when nothing is near a cap: two statements (the lock, then one that finds no rows).
 * @returns the bots whose cap was spent just now
 */
export async function checkBudgets(tx: DbOrTx, botIds: readonly string[] | null): Promise<string[]> {
  if (botIds && botIds.length === 0) return [];
  await lockBudgetChecks(tx);
  const reached = await reachedBudgets(tx, botIds);
  if (!reached.length) return [];
  const candidates = reached.map((r) => {
    const cap = Number(r.cap_usd);
    const spent = Number(r.spent_usd);
    return { r, cap, spent, level: spent >= cap ? 100 : 80, periodStart: toDate(r.period_start)! };
  });
  // Both levels are marked once spend is past the cap, so a later 80 % never follows an exhaustion.
  const marks = candidates.flatMap((c) =>
    (c.level === 100 ? [80, 100] : [80]).map((level) => ({ budget_id: c.r.budget_id, period_start: c.periodStart.toISOString(), level, cap_usd: c.r.cap_usd, spent_usd: c.r.spent_usd })),
  );
  const inserted = rowsOf<{ budget_id: string; level: number }>(
    await tx.execute(sql`
      insert into budget_alerts (budget_id, period_start, level, cap_usd, spent_usd)
      select budget_id, period_start, level, cap_usd, spent_usd
      from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as v(budget_id uuid, period_start timestamptz, level int, cap_usd numeric, spent_usd numeric)
      order by budget_id, level
      on conflict do nothing
      returning budget_id, level`),
  );
  const fresh = new Set(inserted.map((i) => `${i.budget_id}|${i.level}`));
  const news = candidates.filter((c) => fresh.has(`${c.r.budget_id}|${c.level}`));
  if (!news.length) return [];

  const notices: NotifyInput[] = [];
  const exhaustedBots = new Set<string>();
  for (const { r, cap, spent, level, periodStart } of news) {
    const percent = Math.floor((spent / cap) * 100);
    const details = {
      budgetId: r.budget_id,
      scope: r.scope,
      subjectId: r.subject_id,
      subject: r.subject,
      period: r.period,
      periodStart: periodStart.toISOString(),
      capUsd: cap,
      spentUsd: Math.round(spent * 100) / 100,
      percent,
      botIds: r.bot_ids,
    };
    const which = r.period === "day" ? "daily" : "monthly";
    const what = `${r.scope} ${r.subject}'s ${which} budget of $${cap.toFixed(2)}`;
    if (level === 100) {
      for (const id of r.bot_ids) exhaustedBots.add(id);
      await recordAudit(tx, { actor: SYSTEM_ACTOR, action: "budget.exhausted", resourceType: "budget", resourceId: r.budget_id, outcome: "success", details });
    } else {
      await recordAudit(tx, { actor: SYSTEM_ACTOR, action: "budget.threshold_reached", resourceType: "budget", resourceId: r.budget_id, outcome: "success", details });
    }
    const until = r.period === "day" ? "day ends (UTC)" : "month ends (UTC)";
    // a team's spend is told only to the team's members; the other owners of its bots learn the cap is near or spent
    const told = r.scope === "team" ? await teamMembersAmong(tx, r.subject_id, r.owner_ids) : r.owner_ids;
    const untold = r.owner_ids.filter((id) => !told.includes(id));
    if (untold.length)
      notices.push({
        recipients: { personIds: untold },
        kind: level === 100 ? "budget_exhausted" : "budget_threshold",
        title: level === 100 ? `Budget spent: ${what}` : `Budget 80 % reached: ${what}`,
        body:
          level === 100
            ? `${what} is spent (${BUDGET_SPEND_HIDDEN_TEAM.toLowerCase()}). Until the ${until} its bots, yours among them, may only take read-only actions; an admin can raise or remove the cap.`
            : `At least 80 % of ${what} is spent (${BUDGET_SPEND_HIDDEN_TEAM.toLowerCase()}). At the cap, its bots, yours among them, may only take read-only actions until the ${until}.`,
        link: "/usage",
      });
    if (told.length)
      notices.push({
        recipients: { personIds: told },
        kind: level === 100 ? "budget_exhausted" : "budget_threshold",
        title: level === 100 ? `Budget spent: ${what}` : `Budget ${percent} % spent: ${what}`,
        body:
          level === 100
            ? `${budgetSpentMessage({ scope: r.scope, subject: r.subject, period: r.period, capUsd: cap, spentUsd: spent })}. Until the ${r.period === "day" ? "day ends (UTC)" : "month ends (UTC)"} its bots may only take read-only actions; an admin can raise or remove the cap.`
            : `$${spent.toFixed(2)} of ${what} is spent (${percent} %). At the cap, its bots may only take read-only actions until the ${r.period === "day" ? "day ends (UTC)" : "month ends (UTC)"}.`,
        link: r.scope === "bot" ? `/bots/${r.subject_id}` : "/usage",
        ...(r.scope === "bot" ? { botId: r.subject_id } : {}),
      });
  }
  if (notices.length) await notifyMany(tx, notices, SYSTEM_ACTOR);
  if (exhaustedBots.size) await emit(tx, { type: "budget.changed", botIds: [...exhaustedBots], change: "exhausted" });
  return [...exhaustedBots];
}
