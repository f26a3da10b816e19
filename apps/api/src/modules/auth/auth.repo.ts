import type { TRole } from "@bridle/contracts";
import { apiTokens, people, sessions, type DbOrTx } from "@bridle/db";
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";

export type SessionRow = {
  sessionId: string;
  csrfToken: string;
  personId: string;
  email: string;
  displayName: string;
  roles: TRole[];
  lastSeenAt: Date;
  method: string;
  isBootstrapAdmin: boolean;
};

/** An unrevoked, unexpired session of an active person, by the SHA-256 of its cookie value. */
export async function findLiveSession(db: DbOrTx, tokenHash: string, now: Date): Promise<SessionRow | null> {
  const rows = await db
    .select({
      sessionId: sessions.id,
      csrfToken: sessions.csrfToken,
      personId: people.id,
      email: people.email,
      displayName: people.displayName,
      roles: people.roles,
      lastSeenAt: sessions.lastSeenAt,
      method: sessions.method,
      isBootstrapAdmin: people.isBootstrapAdmin,
    })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now), eq(people.status, "active")))
    .limit(1);
  const row = rows[0];
  return row ? { ...row, roles: row.roles as TRole[] } : null;
}

export async function touchSession(db: DbOrTx, sessionId: string, now: Date) {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
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

export async function findPersonByEmail(db: DbOrTx, email: string) {
  const rows = await db
    .select()
    .from(people)
    .where(sql`lower(${people.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return rows[0] ?? null;
}

export async function insertSession(
  db: DbOrTx,
  s: { tokenHash: string; personId: string; csrfToken: string; expiresAt: Date; method: "local" | "oidc"; idToken?: string | null; userAgent?: string | null },
) {
  const [row] = await db.insert(sessions).values(s).returning({ id: sessions.id });
  return row!.id;
}

export async function revokeSession(db: DbOrTx, sessionId: string, now: Date) {
  await db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, sessionId));
}
