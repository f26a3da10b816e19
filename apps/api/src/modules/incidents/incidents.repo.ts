import { bots, incidentBots, incidentEvidence, incidents, type DbOrTx } from "@bridle/db";
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";

/**
 * The only file that queries `incidents`, `incident_bots` and `incident_evidence`. It also reads
 * (never writes) bot names for the list.
 */

export type IncidentRow = typeof incidents.$inferSelect;
export type EvidenceRow = typeof incidentEvidence.$inferSelect;

export async function insertIncident(tx: DbOrTx, values: typeof incidents.$inferInsert): Promise<IncidentRow> {
  const [row] = await tx.insert(incidents).values(values).returning();
  return row!;
}

export async function getIncident(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<IncidentRow | null> {
  const q = db.select().from(incidents).where(eq(incidents.id, id));
  const rows = opts.forUpdate ? await q.for("update") : await q;
  return rows[0] ?? null;
}

/** Sets fields and bumps the version (the caller checked it under `forUpdate`). */
export async function updateIncident(tx: DbOrTx, id: string, set: Partial<typeof incidents.$inferInsert>): Promise<IncidentRow> {
  const [row] = await tx
    .update(incidents)
    .set({ ...set, version: sql`${incidents.version} + 1`, updatedAt: new Date() })
    .where(eq(incidents.id, id))
    .returning();
  return row!;
}

export async function replaceBots(tx: DbOrTx, incidentId: string, botIds: readonly string[]): Promise<void> {
  await tx.delete(incidentBots).where(eq(incidentBots.incidentId, incidentId));
  if (botIds.length) await tx.insert(incidentBots).values(botIds.map((botId) => ({ incidentId, botId })));
}

/** The bots of these incidents, by name. */
export async function botsOf(db: DbOrTx, incidentIds: readonly string[]) {
  if (!incidentIds.length) return [];
  return db
    .select({ incidentId: incidentBots.incidentId, id: bots.id, name: bots.name })
    .from(incidentBots)
    .innerJoin(bots, eq(bots.id, incidentBots.botId))
    .where(inArray(incidentBots.incidentId, [...incidentIds]))
    .orderBy(asc(bots.name));
}

/** Which of these bot ids exist (and their names). */
export async function existingBots(db: DbOrTx, botIds: readonly string[]) {
  if (!botIds.length) return [];
  return db.select({ id: bots.id, name: bots.name }).from(bots).where(inArray(bots.id, [...botIds]));
}

/** Links evidence; an event already linked keeps its first note. @returns the ids newly linked */
export async function addEvidence(tx: DbOrTx, rows: (typeof incidentEvidence.$inferInsert)[]): Promise<string[]> {
  if (!rows.length) return [];
  const added = await tx.insert(incidentEvidence).values(rows).onConflictDoNothing().returning({ id: incidentEvidence.auditEventId });
  return added.map((r) => r.id);
}

export async function evidenceOf(db: DbOrTx, incidentId: string): Promise<EvidenceRow[]> {
  return db.select().from(incidentEvidence).where(eq(incidentEvidence.incidentId, incidentId)).orderBy(asc(incidentEvidence.auditEventAt));
}

/** Incidents, newest declared first, keyset-paginated on (declared_at, id). */
export async function listIncidents(
  db: DbOrTx,
  q: { open?: boolean; drills: "include" | "exclude" | "only"; limit: number; after: { at: Date; id: string } | null },
): Promise<IncidentRow[]> {
  const where = [
    q.open === true ? isNull(incidents.closedAt) : q.open === false ? isNotNull(incidents.closedAt) : undefined,
    q.drills === "exclude" ? eq(incidents.isDrill, false) : q.drills === "only" ? eq(incidents.isDrill, true) : undefined,
    q.after ? or(lt(incidents.declaredAt, q.after.at), and(eq(incidents.declaredAt, q.after.at), lt(incidents.id, q.after.id))) : undefined,
  ];
  return db
    .select()
    .from(incidents)
    .where(and(...where))
    .orderBy(desc(incidents.declaredAt), desc(incidents.id))
    .limit(q.limit + 1);
}

/** Incidents and drills declared since `since`, and the latest one (the readiness overview's "an incident process exists"). */
export async function declaredSince(db: DbOrTx, since: Date): Promise<{ incidents: number; drills: number; latestAt: Date | null }> {
  const [row] = await db
    .select({
      incidents: sql<number>`(count(*) filter (where not ${incidents.isDrill}))::int`,
      drills: sql<number>`(count(*) filter (where ${incidents.isDrill}))::int`,
      latestAt: sql<Date | null>`max(${incidents.declaredAt})`,
    })
    .from(incidents)
    .where(sql`${incidents.declaredAt} >= ${since}`);
  return { incidents: row?.incidents ?? 0, drills: row?.drills ?? 0, latestAt: row?.latestAt ? new Date(row.latestAt) : null };
}
