import { killSwitches, killSwitchSettings, type DbOrTx } from "@bridle/db";
import { and, desc, eq, isNotNull, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination.ts";

/** The only file that queries `kill_switches` and `kill_switch_settings`. */

export type KillSwitchRow = typeof killSwitches.$inferSelect;

export async function insertSwitch(tx: DbOrTx, v: typeof killSwitches.$inferInsert): Promise<KillSwitchRow> {
  const [row] = await tx.insert(killSwitches).values(v).returning();
  return row!;
}

/** One switch, locked for the rest of the transaction when `lock`. */
export async function findSwitch(db: DbOrTx, id: string, lock = false): Promise<KillSwitchRow | null> {
  const q = db.select().from(killSwitches).where(eq(killSwitches.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  return row ?? null;
}

/** Engaged switches (active, or waiting for a second person), oldest first. */
export async function engagedSwitches(db: DbOrTx): Promise<KillSwitchRow[]> {
  return db.select().from(killSwitches).where(isNull(killSwitches.resumedAt)).orderBy(killSwitches.engagedAt, killSwitches.id);
}

/** Switches newest first, keyset-paginated on (engaged_at desc, id desc). */
export async function listSwitches(db: DbOrTx, q: { status: "engaged" | "resumed" | "any"; limit: number; after: Cursor | null }): Promise<KillSwitchRow[]> {
  const where: SQL[] = [];
  if (q.status === "engaged") where.push(isNull(killSwitches.resumedAt));
  if (q.status === "resumed") where.push(isNotNull(killSwitches.resumedAt));
  if (q.after && typeof q.after.k === "string") {
    const at = new Date(q.after.k);
    where.push(or(lt(killSwitches.engagedAt, at), and(eq(killSwitches.engagedAt, at), lt(killSwitches.id, q.after.id)))!);
  }
  return db
    .select()
    .from(killSwitches)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(killSwitches.engagedAt), desc(killSwitches.id))
    .limit(q.limit + 1);
}

export async function setResumeRequest(tx: DbOrTx, id: string, v: { by: string; email: string; at: Date; reason: string }): Promise<void> {
  await tx
    .update(killSwitches)
    .set({ resumeRequestedBy: v.by, resumeRequestedByEmail: v.email, resumeRequestedAt: v.at, resumeRequestReason: v.reason })
    .where(eq(killSwitches.id, id));
}

export async function setResumed(tx: DbOrTx, id: string, v: { by: string; email: string; at: Date; reason: string }): Promise<KillSwitchRow> {
  const [row] = await tx
    .update(killSwitches)
    .set({ resumedBy: v.by, resumedByEmail: v.email, resumedAt: v.at, resumeReason: v.reason })
    .where(and(eq(killSwitches.id, id), isNull(killSwitches.resumedAt)))
    .returning();
  return row!;
}

/** How many switches wait for a second person: a resume requested, not yet confirmed. */
export async function countPendingResumeRequests(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(killSwitches)
    .where(and(isNotNull(killSwitches.resumeRequestedAt), isNull(killSwitches.resumedAt)));
  return row?.n ?? 0;
}

/** The settings row, locked for the rest of the transaction when `lock` (a row not yet written reads as the default). */
export async function getSettings(db: DbOrTx, lock = false): Promise<{ resumeRequiresSecondPerson: boolean }> {
  const q = db.select().from(killSwitchSettings).where(eq(killSwitchSettings.id, 1)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  return { resumeRequiresSecondPerson: row?.resumeRequiresSecondPerson ?? false };
}

/** Writes the settings row (creating it) and returns the value before. */
export async function saveSettings(tx: DbOrTx, v: { resumeRequiresSecondPerson: boolean }): Promise<{ resumeRequiresSecondPerson: boolean }> {
  const before = await getSettings(tx, true);
  await tx
    .insert(killSwitchSettings)
    .values({ id: 1, resumeRequiresSecondPerson: v.resumeRequiresSecondPerson, updatedAt: sql`now()` })
    .onConflictDoUpdate({ target: killSwitchSettings.id, set: { resumeRequiresSecondPerson: v.resumeRequiresSecondPerson, updatedAt: sql`now()` } });
  return before;
}
