import type { TFindingKind } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { rowsOf, toDate } from "../../lib/sql.ts";

/**
 * The readiness overview's read model. It owns no table: every query here reads other modules'
 * tables (docs/ARCHITECTURE.md "Reading is not writing") and writes nothing. Most of what it
 * reads is the findings already computed and stored on each bot (`bots.finding_kinds`).
 */

export type ReadinessBot = {
  id: string;
  name: string;
  status: "proposed" | "active" | "paused" | "offboarding" | "offboarded";
  findingKinds: TFindingKind[];
  /** the latest heartbeat of any of its runtimes (events module's `bot_runtimes`), null if none ever */
  runtimeSeenAt: Date | null;
  /** connected systems it holds a grant on without a live (not revoked) credential reference for it */
  unvaultedSystems: string[];
};

/** Every bot, in name order, with what the controls read of it (one round trip). */
export async function loadBots(db: DbOrTx): Promise<ReadinessBot[]> {
  const res = await db.execute(sql`
    select b.id, b.name, b.status, b.finding_kinds,
           (select max(rt.last_seen_at) from bot_runtimes rt where rt.bot_id = b.id) as runtime_seen_at,
           (select coalesce(array_agg(distinct s.key order by s.key), '{}')
              from grants g join connected_systems s on s.id = g.system_id
             where g.bot_id = b.id
               and not exists (select 1 from credential_references c
                                where c.bot_id = b.id and c.system_id = g.system_id and c.status <> 'revoked')) as unvaulted
    from bots b
    order by b.name`);
  return rowsOf<{ id: string; name: string; status: ReadinessBot["status"]; finding_kinds: TFindingKind[] | null; runtime_seen_at: unknown; unvaulted: string[] | null }>(res).map(
    (r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      findingKinds: r.finding_kinds ?? [],
      runtimeSeenAt: toDate(r.runtime_seen_at),
      unvaultedSystems: r.unvaulted ?? [],
    }),
  );
}

/** The org's rule per gated action (gated-actions module's table): action and mode. */
export async function loadGatedActionModes(db: DbOrTx): Promise<Map<string, string>> {
  const res = await db.execute(sql`select action, mode from gated_action_policies`);
  return new Map(rowsOf<{ action: string; mode: string }>(res).map((r) => [r.action, r.mode]));
}

/** What the controls read of the org policy (policy-settings module's table); null before it exists. */
export async function loadOrgSettings(db: DbOrTx): Promise<{ reviewSchedule: string; orphanDeadlineDays: number } | null> {
  const res = await db.execute(sql`select review_schedule, orphan_deadline_days from org_policy where id = 1`);
  const row = rowsOf<{ review_schedule: string; orphan_deadline_days: number }>(res)[0];
  return row ? { reviewSchedule: row.review_schedule, orphanDeadlineDays: Number(row.orphan_deadline_days) } : null;
}

export type OpenCase = { id: string; botId: string; botName: string; orphanedSince: Date | null };

/** Open offboarding cases (offboarding module's table), with their bot's name, oldest first. */
export async function loadOpenOffboardingCases(db: DbOrTx): Promise<OpenCase[]> {
  const res = await db.execute(sql`
    select c.id, c.bot_id, b.name as bot_name, c.orphaned_since
    from offboarding_cases c join bots b on b.id = c.bot_id
    where c.status = 'open'
    order by c.opened_at, c.id`);
  return rowsOf<{ id: string; bot_id: string; bot_name: string; orphaned_since: unknown }>(res).map((r) => ({
    id: r.id,
    botId: r.bot_id,
    botName: r.bot_name,
    orphanedSince: toDate(r.orphaned_since),
  }));
}
