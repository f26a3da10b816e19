import type { TApiToken, TPermission } from "@bridle/contracts";
import { apiTokens, type DbOrTx } from "@bridle/db";
import { and, desc, eq, isNull } from "drizzle-orm";
import { toIso } from "../../lib/sql.ts";

const toToken = (r: typeof apiTokens.$inferSelect): TApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as TPermission[],
  createdAt: toIso(r.createdAt)!,
  lastUsedAt: toIso(r.lastUsedAt),
  expiresAt: toIso(r.expiresAt),
  revokedAt: toIso(r.revokedAt),
});

/** A person's personal tokens, newest first (the bootstrap token is not a personal token). */
export async function listPersonalTokens(db: DbOrTx, personId: string): Promise<TApiToken[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.personId, personId), eq(apiTokens.kind, "personal")))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(toToken);
}

export async function insertPersonalToken(
  db: DbOrTx,
  t: { personId: string; name: string; tokenHash: string; prefix: string; scopes: TPermission[]; expiresAt: Date },
): Promise<TApiToken> {
  const [row] = await db
    .insert(apiTokens)
    .values({ ...t, kind: "personal", roles: [] })
    .returning();
  return toToken(row!);
}

/** Revokes one of the person's unrevoked personal tokens; false when there is none. */
export async function revokePersonalToken(db: DbOrTx, personId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.personId, personId), eq(apiTokens.kind, "personal"), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}
