import type { TDataAccessLevel, TExceptionStatus, TGrantAccess, TLifecycleStatus, TPersonStatus, TRole, TSystemClassification } from "@bridle/contracts";
import { type DbOrTx } from "@bridle/db";
import { budgetPeriodEnd, type EngagedSwitch, type ExhaustedBudget, type GatedActionMode } from "@bridle/policy";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, toDate } from "../../lib/sql.ts";

/** Queries that (re)build the in-memory decision snapshot. Nothing here runs on the hot path. */

export type OrgRow = { version: number; channelAllowlist: string[]; channelBlocklist: string[] };
export type RuleRow = { action: string; mode: GatedActionMode; approverRole: TRole; approvalsRequired: number; requestTtlMinutes: number };
export type OverrideRow = {
  action: string;
  mode: GatedActionMode | null;
  approverRole: TRole | null;
  approvalsRequired: number | null;
  requestTtlMinutes: number | null;
};
export type BotRuntimeRow = {
  id: string;
  name: string;
  /** what a kill switch's scope matches: the team, channels (below) and allowed tools (`name@version`) */
  teamId: string | null;
  allowedTools: string[];
  status: TLifecycleStatus;
  internalDataAccess: TDataAccessLevel;
  channels: string[];
  grants: { system: string; scope: string; access: TGrantAccess; expiresAt: Date | null }[];
  exception: { status: TExceptionStatus; expiresAt: Date | null; allowedSystems: string[]; allowedChannels: string[] } | null;
  /** null when the bot has no owner; a deactivated owner limits the bot to read-only actions */
  owner: { email: string; displayName: string; status: TPersonStatus } | null;
  overrides: OverrideRow[];
  /** an access review item paused past its due date, undecided, while the org fails closed */
  reviewOverdue: { campaign: string; dueAt: Date } | null;
  /** a leak playbook is open on one of its credential references (its gated actions are held) */
  leakPlaybookOpen: boolean;
};
export type TokenRow = { id: string; botId: string; tokenHash: string; expiresAt: Date | null; lastUsedAt: Date | null };

export async function loadOrg(db: DbOrTx): Promise<OrgRow | null> {
  const rows = rowsOf<{ version: number; channel_allowlist: string[]; channel_blocklist: string[] }>(
    await db.execute(sql`select version, channel_allowlist, channel_blocklist from org_policy where id = 1`),
  );
  const r = rows[0];
  return r ? { version: r.version, channelAllowlist: r.channel_allowlist, channelBlocklist: r.channel_blocklist } : null;
}

export async function loadSystems(db: DbOrTx): Promise<Map<string, TSystemClassification>> {
  const rows = rowsOf<{ key: string; classification: TSystemClassification }>(await db.execute(sql`select key, classification from connected_systems`));
  return new Map(rows.map((r) => [r.key, r.classification]));
}

export async function loadRules(db: DbOrTx): Promise<RuleRow[]> {
  const rows = rowsOf<{ action: string; mode: GatedActionMode; approver_role: TRole; approvals_required: number; request_ttl_minutes: number }>(
    await db.execute(sql`select action, mode, approver_role, approvals_required, request_ttl_minutes from gated_action_policies`),
  );
  return rows.map((r) => ({
    action: r.action,
    mode: r.mode,
    approverRole: r.approver_role,
    approvalsRequired: r.approvals_required,
    requestTtlMinutes: r.request_ttl_minutes,
  }));
}

type RawBot = {
  id: string;
  name: string;
  team_id: string | null;
  allowed_tools: string[];
  status: TLifecycleStatus;
  internal_data_access: TDataAccessLevel;
  channels: string[];
  grants: { system: string; scope: string; access: TGrantAccess; expiresAt: string | null }[] | null;
  overrides: { action: string; mode: GatedActionMode | null; approverRole: TRole | null; approvalsRequired: number | null; requestTtlMinutes: number | null }[] | null;
  exc_status: TExceptionStatus | null;
  exc_expires_at: unknown;
  exc_allowed_systems: string[] | null;
  exc_allowed_channels: string[] | null;
  owner_email: string | null;
  owner_name: string | null;
  owner_status: TPersonStatus | null;
  review_campaign: string | null;
  review_due_at: unknown;
  leak_open: boolean;
};

/**
 * What decisions need to know about bots (all of them, or the given ids), one round trip:
 * status, data access, channels, grants (system keys), the Golden Rule exception, the gated-action
 * overrides, the owner's status (a person's deactivation notifies each of their bots), and whether
 * a leak playbook is open on one of its credential references (a read of the credentials module's
 * `leak_playbooks`; opening and closing one notifies the bot).
 */
export async function loadBots(db: DbOrTx, ids?: readonly string[]): Promise<BotRuntimeRow[]> {
  const filter: SQL = ids ? sql`where b.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)` : sql``;
  const res = await db.execute(sql`
    select b.id, b.name, b.team_id, b.status, b.internal_data_access, b.channels, g.grants, o.overrides,
           case when jsonb_typeof(b.runtime_profile->'allowedTools') = 'array'
                then array(select jsonb_array_elements_text(b.runtime_profile->'allowedTools')) else '{}'::text[] end as allowed_tools,
           e.status as exc_status, e.expires_at as exc_expires_at,
           e.allowed_systems as exc_allowed_systems, e.allowed_channels as exc_allowed_channels,
           p.email as owner_email, p.display_name as owner_name, p.status as owner_status,
           rv.campaign as review_campaign, rv.due_at as review_due_at,
           exists (select 1 from leak_playbooks lp where lp.bot_id = b.id and lp.status = 'open') as leak_open
    from bots b
    left join people p on p.id = b.owner_id
    left join lateral (
      select json_agg(json_build_object('system', s.key, 'scope', gr.scope, 'access', gr.access, 'expiresAt', gr.expires_at)) as grants
      from grants gr join connected_systems s on s.id = gr.system_id where gr.bot_id = b.id
    ) g on true
    left join lateral (
      select json_agg(json_build_object('action', x.action, 'mode', x.mode, 'approverRole', x.approver_role,
                                        'approvalsRequired', x.approvals_required, 'requestTtlMinutes', x.request_ttl_minutes)) as overrides
      from bot_gated_action_overrides x where x.bot_id = b.id
    ) o on true
    left join golden_rule_exceptions e on e.bot_id = b.id
    left join lateral (
      -- read model of the access-reviews module: an item the overdue job paused, still undecided,
      -- counts only while the org fails closed (turning the setting off lifts every pause)
      select c.name as campaign, c.due_at
      from access_review_items i join access_review_campaigns c on c.id = i.campaign_id
      where i.bot_id = b.id and i.status = 'pending' and i.paused_at is not null
        and coalesce((select review_overdue_fail_closed from org_policy where id = 1), true)
      order by c.due_at limit 1
    ) rv on true
    ${filter}`);
  return rowsOf<RawBot>(res).map((r) => ({
    id: r.id,
    name: r.name,
    teamId: r.team_id,
    allowedTools: r.allowed_tools ?? [],
    status: r.status,
    internalDataAccess: r.internal_data_access,
    channels: r.channels,
    grants: (r.grants ?? []).map((g) => ({ ...g, expiresAt: toDate(g.expiresAt) })),
    exception: r.exc_status
      ? {
          status: r.exc_status,
          expiresAt: toDate(r.exc_expires_at),
          allowedSystems: r.exc_allowed_systems ?? [],
          allowedChannels: r.exc_allowed_channels ?? [],
        }
      : null,
    owner: r.owner_email ? { email: r.owner_email, displayName: r.owner_name ?? r.owner_email, status: r.owner_status ?? "deactivated" } : null,
    overrides: r.overrides ?? [],
    reviewOverdue: r.review_campaign ? { campaign: r.review_campaign, dueAt: toDate(r.review_due_at)! } : null,
    leakPlaybookOpen: r.leak_open === true,
  }));
}

/**
 * The budget caps whose current period's spend has reached them, per bot they cover (the bot's
 * own caps and its team's): a read of the usage module's `budgets` and `usage_hourly`. Periods are
 * the database clock's UTC day or month; each cap holds until its period ends (decide() stops
 * applying it then, so a new period lifts it without a refresh). The usage module emits
 * `budget.changed` when spend reaches a cap, or a cap is set or removed.
 */
export async function loadExhaustedBudgets(db: DbOrTx, ids?: readonly string[]): Promise<Map<string, ExhaustedBudget[]>> {
  const filter: SQL = ids ? sql`and x.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)` : sql``;
  const res = await db.execute(sql`
    with b as (
      select bu.id, bu.scope, bu.subject_id, bu.period, bu.cap_usd, date_trunc(bu.period, now(), 'UTC') as period_start
      from budgets bu
    ),
    s as (
      select b.*, coalesce((select sum(u.cost_usd) from usage_hourly u join bots y on y.id = u.bot_id
                            where u.hour >= b.period_start
                              and ((b.scope = 'bot' and y.id = b.subject_id) or (b.scope = 'team' and y.team_id = b.subject_id))), 0) as spent_usd
      from b
    )
    select x.id as bot_id, s.scope, s.period, s.cap_usd, s.spent_usd, s.period_start,
           coalesce(case when s.scope = 'bot' then x.name else (select name from teams where id = s.subject_id) end, '(removed)') as subject
    from s join bots x on (s.scope = 'bot' and x.id = s.subject_id) or (s.scope = 'team' and x.team_id = s.subject_id)
    where s.spent_usd >= s.cap_usd ${filter}
    order by x.id, s.scope, s.period`);
  const out = new Map<string, ExhaustedBudget[]>();
  for (const r of rowsOf<{ bot_id: string; scope: "bot" | "team"; period: "day" | "month"; cap_usd: string; spent_usd: string; period_start: unknown; subject: string }>(res)) {
    const list = out.get(r.bot_id) ?? [];
    list.push({ scope: r.scope, subject: r.subject, period: r.period, capUsd: Number(r.cap_usd), spentUsd: Number(r.spent_usd), until: budgetPeriodEnd(r.period, toDate(r.period_start)!) });
    out.set(r.bot_id, list);
  }
  return out;
}

/**
 * The engaged kill switches (a read of the kill-switch module's `kill_switches`; engaging and
 * resuming one notifies the bots in its scope). Matched against each bot at decision time.
 */
export async function loadEngagedSwitches(db: DbOrTx): Promise<EngagedSwitch[]> {
  const res = await db.execute(sql`
    select id, scope_kind, subject, subject_label, mode, reason, engaged_by_email, engaged_at
    from kill_switches where resumed_at is null order by engaged_at, id`);
  return rowsOf<{ id: string; scope_kind: EngagedSwitch["scopeKind"]; subject: string | null; subject_label: string; mode: EngagedSwitch["mode"]; reason: string; engaged_by_email: string; engaged_at: unknown }>(res).map((r) => ({
    id: r.id,
    scopeKind: r.scope_kind,
    subject: r.subject,
    label: r.subject_label,
    mode: r.mode,
    reason: r.reason,
    engagedBy: r.engaged_by_email,
    engagedAt: toDate(r.engaged_at)!,
  }));
}

/** Unrevoked, unexpired bot tokens (all, or of the given bots). */
export async function loadLiveTokens(db: DbOrTx, botIds?: readonly string[]): Promise<TokenRow[]> {
  const filter: SQL = botIds ? sql`and bot_id in (select jsonb_array_elements_text(${JSON.stringify(botIds)}::jsonb)::uuid)` : sql``;
  const res = await db.execute(sql`
    select id, bot_id, token_hash, expires_at, last_used_at from bot_tokens
    where revoked_at is null and (expires_at is null or expires_at > now()) ${filter}`);
  return rowsOf<{ id: string; bot_id: string; token_hash: string; expires_at: unknown; last_used_at: unknown }>(res).map((r) => ({
    id: r.id,
    botId: r.bot_id,
    tokenHash: r.token_hash,
    expiresAt: toDate(r.expires_at),
    lastUsedAt: toDate(r.last_used_at),
  }));
}

/** One live token by hash: the fallback when a token is not (yet) in this replica's snapshot. */
export async function findLiveToken(db: DbOrTx, tokenHash: string): Promise<TokenRow | null> {
  const res = await db.execute(sql`
    select id, bot_id, token_hash, expires_at, last_used_at from bot_tokens
    where token_hash = ${tokenHash} and revoked_at is null and (expires_at is null or expires_at > now())`);
  const r = rowsOf<{ id: string; bot_id: string; token_hash: string; expires_at: unknown; last_used_at: unknown }>(res)[0];
  return r ? { id: r.id, botId: r.bot_id, tokenHash: r.token_hash, expiresAt: toDate(r.expires_at), lastUsedAt: toDate(r.last_used_at) } : null;
}
