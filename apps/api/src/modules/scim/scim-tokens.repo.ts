import { people, scimTokens, type DbOrTx } from "@bridle/db";
import { and, desc, eq, isNull } from "drizzle-orm";
import { toIso } from "../../lib/sql.ts";

/** SCIM bearer tokens; only their SHA-256 is stored. */

const columns = {
  id: scimTokens.id,
  name: scimTokens.name,
  createdBy: people.email,
  createdAt: scimTokens.createdAt,
  lastUsedAt: scimTokens.lastUsedAt,
  revokedAt: scimTokens.revokedAt,
};

type Row = { id: string; name: string; createdBy: string | null; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

const toToken = (r: Row) => ({
  id: r.id,
  name: r.name,
  createdBy: r.createdBy,
  createdAt: toIso(r.createdAt)!,
  lastUsedAt: toIso(r.lastUsedAt),
  revokedAt: toIso(r.revokedAt),
});

/** Every SCIM token, newest first, revoked ones included; `createdBy` is the creator's email. */
export async function listScimTokens(db: DbOrTx) {
  const rows = await db.select(columns).from(scimTokens).leftJoin(people, eq(people.id, scimTokens.createdBy)).orderBy(desc(scimTokens.createdAt));
  return rows.map(toToken);
}

export async function getScimToken(db: DbOrTx, id: string) {
  const [row] = await db.select(columns).from(scimTokens).leftJoin(people, eq(people.id, scimTokens.createdBy)).where(eq(scimTokens.id, id));
  return row ? toToken(row) : null;
}

export async function insertScimToken(tx: DbOrTx, v: { name: string; tokenHash: string; createdBy: string }): Promise<string> {
  const [row] = await tx.insert(scimTokens).values(v).returning({ id: scimTokens.id });
  return row!.id;
}

/** Revokes a live token; null when there is no such token, false when it was already revoked. */
export async function revokeScimToken(tx: DbOrTx, id: string): Promise<{ name: string; revoked: boolean } | null> {
  const [row] = await tx.select({ name: scimTokens.name, revokedAt: scimTokens.revokedAt }).from(scimTokens).where(eq(scimTokens.id, id));
  if (!row) return null;
  if (row.revokedAt) return { name: row.name, revoked: false };
  await tx.update(scimTokens).set({ revokedAt: new Date() }).where(eq(scimTokens.id, id));
  return { name: row.name, revoked: true };
}

/** An unrevoked token by the SHA-256 of its value. */
export async function findLiveScimToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ id: scimTokens.id, name: scimTokens.name, lastUsedAt: scimTokens.lastUsedAt })
    .from(scimTokens)
    .where(and(eq(scimTokens.tokenHash, tokenHash), isNull(scimTokens.revokedAt)));
  return row ?? null;
}

export async function touchScimToken(db: DbOrTx, id: string, now: Date) {
  await db.update(scimTokens).set({ lastUsedAt: now }).where(eq(scimTokens.id, id));
}
