import type { TBudgetPeriod, TBudgetScope, TUsageCounters, TUsageGranularity } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, toDate } from "../../lib/sql.ts";

/** The bots a usage scope covers, as a SQL condition on `bots b` (their current owner and team). */
export type BotFilter = { kind: "org" } | { kind: "bot" | "team" | "owner"; id: string };

function botCondition(f: BotFilter): SQL {
  switch (f.kind) {
    case "org":
      return sql`true`;
    case "bot":
      return sql`b.id = ${f.id}`;
    case "team":
      return sql`b.team_id = ${f.id}`;
    case "owner":
      return sql`b.owner_id = ${f.id}`;
  }
}

export async function countBots(db: DbOrTx, f: BotFilter): Promise<number> {
  const [r] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from bots b where ${botCondition(f)}`));
  return r?.n ?? 0;
}

type Bucket = { start: Date } & TUsageCounters;

/**
 * Usage summed per bucket (UTC day, ISO week, calendar month) over `[from, to)`: the hourly
 * rollup of the scope's bots, and the approval requests of those bots decided by a person in the
 * bucket (a read of the approvals module's `approval_requests`): gated actions approved or denied,
 * and scope expansions and Golden Rule exceptions approved (denials overruled). Only non-empty buckets.
 */
export async function usageBuckets(db: DbOrTx, f: BotFilter, g: TUsageGranularity, from: Date, to: Date): Promise<Bucket[]> {
  const res = await db.execute(sql`
    with scope as (select b.id from bots b where ${botCondition(f)}),
    u as (
      select date_trunc(${g}, u.hour, 'UTC') as start,
             sum(sessions)::bigint as sessions, sum(tool_calls)::bigint as tool_calls, sum(tool_failures)::bigint as tool_failures,
             sum(timeouts)::bigint as timeouts, sum(errors)::bigint as errors, sum(input_tokens)::bigint as input_tokens,
             sum(output_tokens)::bigint as output_tokens, sum(cost_usd) as cost_usd, sum(decisions_allow)::bigint as decisions_allow,
             sum(decisions_deny)::bigint as decisions_deny, sum(decisions_approval)::bigint as decisions_approval
      from usage_hourly u
      where u.bot_id in (select id from scope) and u.hour >= ${from.toISOString()}::timestamptz and u.hour < ${to.toISOString()}::timestamptz
      group by 1
    ),
    a as (
      select date_trunc(${g}, r.decided_at, 'UTC') as start,
             count(*) filter (where r.kind = 'gated_action' and r.status = 'approved')::bigint as granted,
             count(*) filter (where r.kind = 'gated_action' and r.status = 'denied')::bigint as denied,
             count(*) filter (where r.kind in ('scope_expansion', 'golden_rule_exception') and r.status = 'approved')::bigint as overruled
      from approval_requests r
      where r.kind in ('gated_action', 'scope_expansion', 'golden_rule_exception') and r.bot_id in (select id from scope) and r.status in ('approved', 'denied')
        and r.decided_at >= ${from.toISOString()}::timestamptz and r.decided_at < ${to.toISOString()}::timestamptz
      group by 1
    )
    select coalesce(u.start, a.start) as start, u.sessions, u.tool_calls, u.tool_failures, u.timeouts, u.errors, u.input_tokens, u.output_tokens,
           u.cost_usd, u.decisions_allow, u.decisions_deny, u.decisions_approval, a.granted, a.denied, a.overruled
    from u full join a on a.start = u.start
    order by 1`);
  type Raw = Record<string, unknown> & { start: unknown };
  const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
  return rowsOf<Raw>(res).map((r) => ({
    start: toDate(r.start)!,
    sessions: n(r.sessions),
    toolCalls: n(r.tool_calls),
    toolFailures: n(r.tool_failures),
    timeouts: n(r.timeouts),
    errors: n(r.errors),
    inputTokens: n(r.input_tokens),
    outputTokens: n(r.output_tokens),
    costUsd: Math.round(n(r.cost_usd) * 1e6) / 1e6,
    decisionsAllow: n(r.decisions_allow),
    decisionsDeny: n(r.decisions_deny),
    approvalsAsked: n(r.decisions_approval),
    approvalsGranted: n(r.granted),
    approvalsDenied: n(r.denied),
    denialsOverruled: n(r.overruled),
  }));
}

export type BudgetRow = {
  id: string;
  scope: TBudgetScope;
  subjectId: string;
  subjectName: string;
  period: TBudgetPeriod;
  capUsd: number;
  spentUsd: number;
  periodStart: Date;
  setBy: string;
  setAt: Date;
};

/**
 * Budgets with their current period's spend (the database's clock, UTC), filtered: all, those
 * covering some bots (their own caps and their teams'), or one subject.
 */
export async function listBudgets(db: DbOrTx, filter: { ids?: string[]; coveringBots?: readonly string[]; scope?: TBudgetScope; subjectId?: string }): Promise<BudgetRow[]> {
  const conds: SQL[] = [sql`true`];
  if (filter.ids) conds.push(sql`bu.id in (select jsonb_array_elements_text(${JSON.stringify(filter.ids)}::jsonb)::uuid)`);
  if (filter.scope) conds.push(sql`bu.scope = ${filter.scope}`);
  if (filter.subjectId) conds.push(sql`bu.subject_id = ${filter.subjectId}`);
  if (filter.coveringBots)
    conds.push(sql`exists (select 1 from bots x where x.id in (select jsonb_array_elements_text(${JSON.stringify(filter.coveringBots)}::jsonb)::uuid)
      and ((bu.scope = 'bot' and x.id = bu.subject_id) or (bu.scope = 'team' and x.team_id = bu.subject_id)))`);
  const res = await db.execute(sql`
    select bu.id, bu.scope, bu.subject_id, bu.period, bu.cap_usd, bu.set_by_email, bu.set_at, p.period_start,
           coalesce(case when bu.scope = 'bot' then (select name from bots where id = bu.subject_id) else (select name from teams where id = bu.subject_id) end, '(removed)') as subject_name,
           coalesce((select sum(u.cost_usd) from usage_hourly u join bots x on x.id = u.bot_id
                     where u.hour >= p.period_start
                       and ((bu.scope = 'bot' and x.id = bu.subject_id) or (bu.scope = 'team' and x.team_id = bu.subject_id))), 0) as spent_usd
    from budgets bu cross join lateral (select date_trunc(bu.period, now(), 'UTC') as period_start) p
    where ${sql.join(conds, sql` and `)}
    order by bu.scope, subject_name, bu.period`);
  return rowsOf<{
    id: string;
    scope: TBudgetScope;
    subject_id: string;
    period: TBudgetPeriod;
    cap_usd: string;
    set_by_email: string;
    set_at: unknown;
    period_start: unknown;
    subject_name: string;
    spent_usd: string;
  }>(res).map((r) => ({
    id: r.id,
    scope: r.scope,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    period: r.period,
    capUsd: Number(r.cap_usd),
    spentUsd: Math.round(Number(r.spent_usd) * 1e6) / 1e6,
    periodStart: toDate(r.period_start)!,
    setBy: r.set_by_email,
    setAt: toDate(r.set_at)!,
  }));
}

/** The bots a cap covers now (the bot, or the team's bots). */
export async function botsCoveredBy(db: DbOrTx, scope: TBudgetScope, subjectId: string): Promise<string[]> {
  const res = await db.execute(scope === "bot" ? sql`select id from bots where id = ${subjectId}` : sql`select id from bots where team_id = ${subjectId}`);
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}

export async function subjectName(db: DbOrTx, scope: TBudgetScope | "owner", id: string): Promise<string | null> {
  const res = await db.execute(
    scope === "bot"
      ? sql`select name from bots where id = ${id}`
      : scope === "team"
        ? sql`select name from teams where id = ${id}`
        : sql`select email as name from people where id = ${id}`,
  );
  return rowsOf<{ name: string }>(res)[0]?.name ?? null;
}

/** Sets the cap of (scope, subject, period), locking the row; returns it before and after. */
export async function upsertBudget(
  tx: DbOrTx,
  b: { scope: TBudgetScope; subjectId: string; period: TBudgetPeriod; capUsd: number; setByPersonId: string; setByEmail: string },
): Promise<{ id: string; before: number | null }> {
  const prev = rowsOf<{ id: string; cap_usd: string }>(
    await tx.execute(sql`select id, cap_usd from budgets where scope = ${b.scope} and subject_id = ${b.subjectId} and period = ${b.period} for update`),
  )[0];
  if (prev) {
    await tx.execute(sql`update budgets set cap_usd = ${b.capUsd}, set_by_person_id = ${b.setByPersonId}, set_by_email = ${b.setByEmail}, set_at = now() where id = ${prev.id}`);
    return { id: prev.id, before: Number(prev.cap_usd) };
  }
  const [row] = rowsOf<{ id: string }>(
    await tx.execute(sql`
      insert into budgets (scope, subject_id, period, cap_usd, set_by_person_id, set_by_email)
      values (${b.scope}, ${b.subjectId}, ${b.period}, ${b.capUsd}, ${b.setByPersonId}, ${b.setByEmail})
      on conflict (scope, subject_id, period) do update set cap_usd = excluded.cap_usd, set_by_person_id = excluded.set_by_person_id,
        set_by_email = excluded.set_by_email, set_at = now()
      returning id`),
  );
  return { id: row!.id, before: null };
}

export async function deleteBudget(tx: DbOrTx, id: string): Promise<{ scope: TBudgetScope; subjectId: string; period: TBudgetPeriod; capUsd: number } | null> {
  const [r] = rowsOf<{ scope: TBudgetScope; subject_id: string; period: TBudgetPeriod; cap_usd: string }>(
    await tx.execute(sql`delete from budgets where id = ${id} returning scope, subject_id, period, cap_usd`),
  );
  return r ? { scope: r.scope, subjectId: r.subject_id, period: r.period, capUsd: Number(r.cap_usd) } : null;
}

/** The bots a person owns (an owner's view of budgets). */
export async function botIdsOwnedBy(db: DbOrTx, personId: string): Promise<string[]> {
  return rowsOf<{ id: string }>(await db.execute(sql`select id from bots where owner_id = ${personId}`)).map((r) => r.id);
}
