import { siemDestinations, type Db, type DbOrTx } from "@bridle/db";
import { and, asc, eq, sql } from "drizzle-orm";

/** The only file that queries `siem_destinations`. */
export type DestinationRow = typeof siemDestinations.$inferSelect;
export type NewDestination = typeof siemDestinations.$inferInsert;

export const list = (db: DbOrTx) => db.select().from(siemDestinations).orderBy(asc(siemDestinations.createdAt), asc(siemDestinations.id));

export async function get(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<DestinationRow | null> {
  const q = db.select().from(siemDestinations).where(eq(siemDestinations.id, id));
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  return row ?? null;
}

export async function insert(db: DbOrTx, v: NewDestination): Promise<DestinationRow> {
  const [row] = await db.insert(siemDestinations).values(v).returning();
  return row!;
}

export async function update(db: DbOrTx, id: string, v: Partial<NewDestination>): Promise<DestinationRow | null> {
  const [row] = await db
    .update(siemDestinations)
    .set({ ...v, updatedAt: new Date() })
    .where(eq(siemDestinations.id, id))
    .returning();
  return row ?? null;
}

export async function remove(db: DbOrTx, id: string) {
  await db.delete(siemDestinations).where(eq(siemDestinations.id, id));
}

/** Enabled destinations whose backoff has run out at `now`. */
export const due = (db: Db, now: Date) =>
  db
    .select({ id: siemDestinations.id })
    .from(siemDestinations)
    .where(and(eq(siemDestinations.enabled, true), sql`(${siemDestinations.nextAttemptAt} is null or ${siemDestinations.nextAttemptAt} <= ${now})`))
    .orderBy(asc(siemDestinations.createdAt));

/**
 * Records a batch the receiver took: the cursor moves from `from` to `to` only if it still stands
 * at `from` (a destination deleted or reset meanwhile is left alone). False when it did not move.
 */
export async function advance(db: DbOrTx, id: string, o: { from: number; to: number; count: number; lastEventAt: string }): Promise<boolean> {
  const rows = await db
    .update(siemDestinations)
    .set({
      position: o.to,
      delivered: sql`${siemDestinations.delivered} + ${o.count}`,
      lastDeliveredAt: new Date(),
      lastDeliveredEventAt: new Date(o.lastEventAt),
      failures: 0,
      nextAttemptAt: null,
    })
    .where(and(eq(siemDestinations.id, id), eq(siemDestinations.position, o.from)))
    .returning({ id: siemDestinations.id });
  return rows.length === 1;
}

/** Records a failed attempt and when to try again. */
export async function failed(db: DbOrTx, id: string, o: { error: string; nextAttemptAt: Date }) {
  await db
    .update(siemDestinations)
    .set({ failures: sql`${siemDestinations.failures} + 1`, lastError: o.error.slice(0, 1000), lastErrorAt: new Date(), nextAttemptAt: o.nextAttemptAt })
    .where(eq(siemDestinations.id, id));
}

/** Lag per enabled destination, for /metrics: events behind the chain head. */
export async function positions(db: DbOrTx) {
  return db
    .select({ id: siemDestinations.id, name: siemDestinations.name, kind: siemDestinations.kind, position: siemDestinations.position, enabled: siemDestinations.enabled, failures: siemDestinations.failures })
    .from(siemDestinations);
}

/** Session advisory lock class for "one deliverer per destination" ("siem" in ASCII). */
export const SIEM_LOCK_CLASS = 0x7369656d;

export async function tryLock(db: Db, id: string): Promise<boolean> {
  const r = await db.execute(sql`select pg_try_advisory_lock(${SIEM_LOCK_CLASS}::int, hashtext(${id})) as ok`);
  const rows = ((r as { rows?: { ok: boolean }[] }).rows ?? (r as unknown as { ok: boolean }[]));
  return rows[0]?.ok === true;
}

export async function unlock(db: Db, id: string) {
  await db.execute(sql`select pg_advisory_unlock(${SIEM_LOCK_CLASS}::int, hashtext(${id}))`);
}
