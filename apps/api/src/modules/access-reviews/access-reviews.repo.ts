import { accessReviewCampaigns, accessReviewItems, bots, people, teams, type DbOrTx } from "@bridle/db";
import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";

/** What a reviewer saw when deciding (kept on the item for the evidence pack). */
export type Reviewed = {
  grants: { id: string; system: string; scope: string; access: string; expiresAt: string | null }[];
  channels: string[];
  credentialReferences: { id: string; system: string; reference: string; status: string }[];
};

/**
 * The only file that queries `access_review_campaigns` and `access_review_items` for the
 * access-reviews module. It also reads (never writes) bots, people and teams for its read models.
 */

export type CampaignRow = typeof accessReviewCampaigns.$inferSelect;
export type ItemRow = typeof accessReviewItems.$inferSelect;
type Who = { type: string; id: string | null; label: string | null };

/** Bots a campaign reviews: live ones (`active` or `paused`), of one team or all, with their owner. */
export async function liveBotsInScope(db: DbOrTx, teamId: string | null) {
  return db
    .select({ id: bots.id, name: bots.name, ownerId: bots.ownerId, ownerEmail: people.email, ownerStatus: people.status })
    .from(bots)
    .leftJoin(people, eq(people.id, bots.ownerId))
    .where(and(inArray(bots.status, ["active", "paused"]), teamId ? eq(bots.teamId, teamId) : undefined))
    .orderBy(asc(bots.name));
}

export async function teamName(db: DbOrTx, teamId: string): Promise<string | null> {
  const [t] = await db.select({ name: teams.name }).from(teams).where(eq(teams.id, teamId));
  return t?.name ?? null;
}

/**
 * Inserts a campaign; a scheduled one whose `period` already has a campaign is skipped (the unique
 * index), so two replicas running the job start one. @returns the campaign, or null when skipped
 */
export async function insertCampaign(
  tx: DbOrTx,
  v: { name: string; scope: string; teamId: string | null; trigger: string; period: string | null; dueAt: Date; lookbackDays: number; at: Date; by: Who },
): Promise<CampaignRow | null> {
  const [row] = await tx
    .insert(accessReviewCampaigns)
    .values({
      name: v.name,
      scope: v.scope,
      teamId: v.teamId,
      trigger: v.trigger,
      period: v.period,
      dueAt: v.dueAt,
      lookbackDays: v.lookbackDays,
      startedAt: v.at,
      startedByType: v.by.type,
      startedById: v.by.id,
      startedByLabel: v.by.label,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function insertItems(
  tx: DbOrTx,
  items: readonly { campaignId: string; botId: string; botName: string; reviewerId: string | null; assignedTo: string; ownerEmail: string | null; reviewed: unknown }[],
): Promise<ItemRow[]> {
  if (items.length === 0) return [];
  return tx.insert(accessReviewItems).values([...items]).returning();
}

export type Progress = { total: number; decided: number; pending: number; overdue: number; keep: number; reduce: number; offboard: number };

/** Each campaign's item counts (decided, pending, overdue at `now`, and per decision). */
export async function progressOf(db: DbOrTx, campaignIds: readonly string[], now: Date): Promise<Map<string, Progress>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .select({
      campaignId: accessReviewItems.campaignId,
      total: sql<number>`count(*)::int`,
      decided: sql<number>`count(*) filter (where ${accessReviewItems.status} = 'decided')::int`,
      overdue: sql<number>`count(*) filter (where ${accessReviewItems.status} = 'pending' and ${accessReviewCampaigns.dueAt} < ${now})::int`,
      keep: sql<number>`count(*) filter (where ${accessReviewItems.decision} = 'keep')::int`,
      reduce: sql<number>`count(*) filter (where ${accessReviewItems.decision} = 'reduce')::int`,
      offboard: sql<number>`count(*) filter (where ${accessReviewItems.decision} = 'offboard')::int`,
    })
    .from(accessReviewItems)
    .innerJoin(accessReviewCampaigns, eq(accessReviewCampaigns.id, accessReviewItems.campaignId))
    .where(inArray(accessReviewItems.campaignId, [...campaignIds]))
    .groupBy(accessReviewItems.campaignId);
  return new Map(rows.map((r) => [r.campaignId, { ...r, pending: r.total - r.decided }]));
}

const campaignColumns = { c: accessReviewCampaigns, teamName: teams.name };

/** Campaigns, newest first, with their team's name. */
export async function listCampaigns(db: DbOrTx, limit: number) {
  return db
    .select(campaignColumns)
    .from(accessReviewCampaigns)
    .leftJoin(teams, eq(teams.id, accessReviewCampaigns.teamId))
    .orderBy(desc(accessReviewCampaigns.startedAt), desc(accessReviewCampaigns.id))
    .limit(limit);
}

export async function getCampaign(db: DbOrTx, id: string) {
  const [row] = await db.select(campaignColumns).from(accessReviewCampaigns).leftJoin(teams, eq(teams.id, accessReviewCampaigns.teamId)).where(eq(accessReviewCampaigns.id, id));
  return row ?? null;
}

const itemColumns = { i: accessReviewItems, campaign: accessReviewCampaigns.name, dueAt: accessReviewCampaigns.dueAt, lookbackDays: accessReviewCampaigns.lookbackDays };

/** A campaign's items, by bot name. */
export async function itemsOfCampaign(db: DbOrTx, campaignId: string) {
  return db
    .select(itemColumns)
    .from(accessReviewItems)
    .innerJoin(accessReviewCampaigns, eq(accessReviewCampaigns.id, accessReviewItems.campaignId))
    .where(eq(accessReviewItems.campaignId, campaignId))
    .orderBy(asc(accessReviewItems.botName));
}

/**
 * Items whose bot `personId` owns now (the owner decides), plus, with `orphans`, the items
 * assigned to admins; pending first, then by due date.
 */
export async function itemsFor(db: DbOrTx, input: { personId: string; orphans: boolean }) {
  return db
    .select(itemColumns)
    .from(accessReviewItems)
    .innerJoin(accessReviewCampaigns, eq(accessReviewCampaigns.id, accessReviewItems.campaignId))
    .innerJoin(bots, eq(bots.id, accessReviewItems.botId))
    .where(
      input.orphans
        ? sql`(${bots.ownerId} = ${input.personId} or ${accessReviewItems.assignedTo} = 'admins')`
        : eq(bots.ownerId, input.personId),
    )
    .orderBy(sql`${accessReviewItems.status} = 'decided'`, asc(accessReviewCampaigns.dueAt), asc(accessReviewItems.botName))
    .limit(500);
}

/** One item with its campaign's name, due date and look-back; `lock` locks the item's row. */
export async function getItem(db: DbOrTx, id: string, opts: { lock?: boolean } = {}) {
  const q = db
    .select(itemColumns)
    .from(accessReviewItems)
    .innerJoin(accessReviewCampaigns, eq(accessReviewCampaigns.id, accessReviewItems.campaignId))
    .where(eq(accessReviewItems.id, id));
  const [row] = opts.lock ? await q.for("update", { of: accessReviewItems }) : await q;
  return row ?? null;
}

export async function markDecided(
  tx: DbOrTx,
  id: string,
  v: { decision: string; note: string | null; reviewed: unknown; removed: unknown; at: Date; by: Who },
): Promise<void> {
  await tx
    .update(accessReviewItems)
    .set({ status: "decided", decision: v.decision, note: v.note, reviewed: v.reviewed, removed: v.removed, decidedAt: v.at, decidedById: v.by.id, decidedByLabel: v.by.label })
    .where(eq(accessReviewItems.id, id));
}

/** Closes the campaign when none of its items is pending. */
export async function closeIfDone(tx: DbOrTx, campaignId: string, at: Date): Promise<void> {
  await tx.execute(sql`
    update access_review_campaigns set status = 'closed', closed_at = ${at}
    where id = ${campaignId} and status = 'open'
      and not exists (select 1 from access_review_items where campaign_id = ${campaignId} and status = 'pending')`);
}

/** Whether some live bot (`active` or `paused`) was registered before `at`. */
export async function hasBotsCreatedBefore(db: DbOrTx, at: Date): Promise<boolean> {
  const rows = await db
    .select({ id: bots.id })
    .from(bots)
    .where(and(inArray(bots.status, ["active", "paused"]), lt(bots.createdAt, at)))
    .limit(1);
  return rows.length > 0;
}

/** Whether a scheduled campaign exists for this period. */
export async function hasPeriod(db: DbOrTx, period: string): Promise<boolean> {
  const rows = await db.select({ id: accessReviewCampaigns.id }).from(accessReviewCampaigns).where(eq(accessReviewCampaigns.period, period));
  return rows.length > 0;
}

/**
 * Pending items of open campaigns due within `withinMs` of `now` (and not past due) that have
 * not had this reminder yet; locked, skipping rows another replica holds.
 */
export async function itemsToRemind(tx: DbOrTx, input: { now: Date; withinMs: number; which: "week" | "day" }) {
  const reminded = input.which === "week" ? accessReviewItems.remindedWeekAt : accessReviewItems.remindedDayAt;
  return tx
    .select(itemColumns)
    .from(accessReviewItems)
    .innerJoin(accessReviewCampaigns, eq(accessReviewCampaigns.id, accessReviewItems.campaignId))
    .where(
      and(
        eq(accessReviewItems.status, "pending"),
        isNull(reminded),
        sql`${accessReviewCampaigns.dueAt} > ${input.now}`,
        sql`${accessReviewCampaigns.dueAt} <= ${new Date(input.now.getTime() + input.withinMs)}`,
      ),
    )
    .for("update", { of: accessReviewItems, skipLocked: true });
}

export async function markReminded(tx: DbOrTx, ids: readonly string[], which: "week" | "day", at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(accessReviewItems)
    .set(which === "week" ? { remindedWeekAt: at } : { remindedDayAt: at })
    .where(inArray(accessReviewItems.id, [...ids]));
}

/** Pending items past their campaign's due date that are not paused yet; locked (skip locked). */
export async function overdueUnpaused(tx: DbOrTx, now: Date) {
  return tx
    .select(itemColumns)
    .from(accessReviewItems)
    .innerJoin(accessReviewCampaigns, eq(accessReviewCampaigns.id, accessReviewItems.campaignId))
    .where(and(eq(accessReviewItems.status, "pending"), isNull(accessReviewItems.pausedAt), lt(accessReviewCampaigns.dueAt, now)))
    .for("update", { of: accessReviewItems, skipLocked: true });
}

export async function markPaused(tx: DbOrTx, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.update(accessReviewItems).set({ pausedAt: at }).where(inArray(accessReviewItems.id, [...ids]));
}

/**
 * Each bot's grants (with system keys), channels and credential references now, in one round
 * trip (read model: grants and bots belong to the bots module, references to credentials).
 */
export async function reviewStateOf(db: DbOrTx, botIds: readonly string[]) {
  type Raw = { id: string; channels: string[]; grants: Reviewed["grants"] | null; refs: Reviewed["credentialReferences"] | null };
  if (botIds.length === 0) return new Map<string, Reviewed>();
  const res = await db.execute(sql`
    select b.id, b.channels,
      (select json_agg(json_build_object('id', g.id, 'system', s.key, 'scope', g.scope, 'access', g.access, 'expiresAt', g.expires_at) order by s.key, g.scope)
         from grants g join connected_systems s on s.id = g.system_id where g.bot_id = b.id) as grants,
      (select json_agg(json_build_object('id', c.id, 'system', s.key, 'reference', c.reference, 'status', c.status) order by s.key, c.reference)
         from credential_references c join connected_systems s on s.id = c.system_id where c.bot_id = b.id) as refs
    from bots b where b.id in (select jsonb_array_elements_text(${JSON.stringify(botIds)}::jsonb)::uuid)`);
  return new Map(
    rowsOf<Raw>(res).map((r) => [
      r.id,
      {
        grants: (r.grants ?? []).map((g) => ({ ...g, expiresAt: g.expiresAt ? new Date(g.expiresAt).toISOString() : null })),
        channels: r.channels,
        credentialReferences: r.refs ?? [],
      },
    ]),
  );
}
