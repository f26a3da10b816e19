import type { TRole } from "@bridle/contracts";
import { people, sessions, type DbOrTx } from "@bridle/db";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";

export type SessionRow = {
  sessionId: string;
  csrfToken: string;
  personId: string;
  email: string;
  displayName: string;
  roles: TRole[];
  createdAt: Date;
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
      createdAt: sessions.createdAt,
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

export type SessionListRow = {
  id: string;
  person: { id: string; email: string; displayName: string };
  method: "local" | "oidc";
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
};

/**
 * Sessions that would still be accepted now (not revoked, not expired, within the org's maximum
 * duration and idle timeout, of an active person), newest first; one person's or everyone's.
 */
export async function listLiveSessions(
  db: DbOrTx,
  q: { personId: string | null; now: Date; maxHours: number; idleMinutes: number; limit: number },
): Promise<SessionListRow[]> {
  const rows = await db
    .select({
      id: sessions.id,
      personId: people.id,
      email: people.email,
      displayName: people.displayName,
      method: sessions.method,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .where(
      and(
        q.personId ? eq(sessions.personId, q.personId) : undefined,
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, q.now),
        gt(sessions.createdAt, new Date(q.now.getTime() - q.maxHours * 3_600_000)),
        gt(sessions.lastSeenAt, new Date(q.now.getTime() - q.idleMinutes * 60_000)),
        eq(people.status, "active"),
      ),
    )
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(q.limit);
  return rows.map((r) => ({
    id: r.id,
    person: { id: r.personId, email: r.email, displayName: r.displayName },
    method: r.method === "oidc" ? "oidc" : "local",
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    expiresAt: r.expiresAt,
    userAgent: r.userAgent,
  }));
}

export async function findSession(db: DbOrTx, sessionId: string) {
  const rows = await db
    .select({ id: sessions.id, personId: sessions.personId, email: people.email, method: sessions.method, idToken: sessions.idToken, revokedAt: sessions.revokedAt })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .where(eq(sessions.id, sessionId))
    .limit(1);
  return rows[0] ?? null;
}

/** Ends every live session of a person (deactivation). @returns how many were ended */
export async function revokeSessionsOf(tx: DbOrTx, personId: string, now: Date): Promise<number> {
  const rows = await tx
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.personId, personId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length;
}
