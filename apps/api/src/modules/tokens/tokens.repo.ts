import type { TApiToken, TPermission, TRole } from "@bridle/contracts";
import { apiTokens, people, type DbOrTx } from "@bridle/db";
import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
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

export type TokenRow = {
  tokenId: string;
  personId: string;
  email: string;
  displayName: string;
  roles: TRole[];
  tokenRoles: TRole[];
  scopes: string[];
  kind: string;
  name: string;
  isBootstrapAdmin: boolean;
  lastUsedAt: Date | null;
};

/** An unrevoked, unexpired API token of an active person, by its SHA-256. */
export async function findLiveToken(db: DbOrTx, tokenHash: string, now: Date): Promise<TokenRow | null> {
  const rows = await db
    .select({
      tokenId: apiTokens.id,
      personId: people.id,
      email: people.email,
      displayName: people.displayName,
      roles: people.roles,
      tokenRoles: apiTokens.roles,
      scopes: apiTokens.scopes,
      kind: apiTokens.kind,
      name: apiTokens.name,
      isBootstrapAdmin: people.isBootstrapAdmin,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .innerJoin(people, eq(people.id, apiTokens.personId))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        eq(people.status, "active"),
      ),
    )
    .limit(1);
  const row = rows[0];
  return row ? { ...row, roles: row.roles as TRole[], tokenRoles: row.tokenRoles as TRole[] } : null;
}

export async function touchToken(db: DbOrTx, tokenId: string, now: Date) {
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId));
}

/** Revokes every unrevoked API token of a person (deactivation). @returns how many were revoked */
export async function revokeTokensOf(tx: DbOrTx, personId: string, now: Date): Promise<number> {
  const rows = await tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.personId, personId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length;
}

/**
 * Registers a bootstrap admin token (its SHA-256 only) for `personId`, unless a token with this
 * hash exists. @returns the new token's id, or null when it was already registered
 */
export async function registerBootstrapToken(tx: DbOrTx, t: { tokenHash: string; personId: string; name: string }): Promise<string | null> {
  const [found] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, t.tokenHash)).limit(1);
  if (found) return null;
  const [row] = await tx
    .insert(apiTokens)
    .values({ name: t.name, kind: "bootstrap", tokenHash: t.tokenHash, personId: t.personId, roles: ["admin"] })
    .returning({ id: apiTokens.id });
  return row!.id;
}
