import type { TLifecycleStatus } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";

/** What a kill switch's scope is matched against, per bot (see `switchCovers` in @bridle/policy). */
export type BotScopeRow = {
  id: string;
  name: string;
  ownerId: string | null;
  teamId: string | null;
  status: TLifecycleStatus;
  channels: string[];
  /** `runtimeProfile.allowedTools` (`name@version`) */
  allowedTools: string[];
};

/**
 * Every bot not offboarded (or the given ids), with its team, channels and allowed tools: the
 * kill-switch module counts and lists the bots a switch halts with it. One statement.
 */
export async function botScopeFacts(db: DbOrTx, ids?: readonly string[]): Promise<BotScopeRow[]> {
  const filter = ids ? sql`and b.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)` : sql``;
  const res = await db.execute(sql`
    select b.id, b.name, b.owner_id, b.team_id, b.status, b.channels,
           case when jsonb_typeof(b.runtime_profile->'allowedTools') = 'array'
                then array(select jsonb_array_elements_text(b.runtime_profile->'allowedTools')) else '{}'::text[] end as allowed_tools
    from bots b where b.status <> 'offboarded' ${filter} order by b.name`);
  return rowsOf<{ id: string; name: string; owner_id: string | null; team_id: string | null; status: TLifecycleStatus; channels: string[]; allowed_tools: string[] }>(res).map((r) => ({
    id: r.id,
    name: r.name,
    ownerId: r.owner_id,
    teamId: r.team_id,
    status: r.status,
    channels: r.channels,
    allowedTools: r.allowed_tools,
  }));
}
