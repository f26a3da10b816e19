import type { TRole } from "@bridle/contracts";
import { oidcAuthRequests, people, type DbOrTx } from "@bridle/db";
import { eq, lt, sql } from "drizzle-orm";

export async function insertAuthRequest(
  db: DbOrTx,
  r: { state: string; nonce: string; codeVerifier: string; returnTo: string; expiresAt: Date },
  now: Date,
) {
  // Sign-ins that were abandoned are cleaned up as new ones start.
  await db.delete(oidcAuthRequests).where(lt(oidcAuthRequests.expiresAt, now));
  await db.insert(oidcAuthRequests).values(r);
}

/** Takes (deletes and returns) the sign-in in flight for `state`: each state is used at most once. */
export async function takeAuthRequest(db: DbOrTx, state: string) {
  const [row] = await db.delete(oidcAuthRequests).where(eq(oidcAuthRequests.state, state)).returning();
  return row ?? null;
}

export type SsoPerson = typeof people.$inferSelect;

export async function findPersonBySubject(db: DbOrTx, subject: string): Promise<SsoPerson | null> {
  const [row] = await db.select().from(people).where(eq(people.oidcSubject, subject)).limit(1);
  return row ?? null;
}

export async function findPersonByEmail(db: DbOrTx, email: string): Promise<SsoPerson | null> {
  const [row] = await db
    .select()
    .from(people)
    .where(sql`lower(${people.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

/** Just-in-time provisioning: a person created at their first SSO sign-in (`source` = `sso`). */
export async function createSsoPerson(
  db: DbOrTx,
  p: { email: string; displayName: string; roles: TRole[]; subject: string },
): Promise<SsoPerson> {
  const email = p.email.toLowerCase();
  const [row] = await db
    .insert(people)
    .values({
      email,
      userName: email,
      emails: [{ value: email, type: "work", primary: true }],
      displayName: p.displayName,
      roles: p.roles,
      source: "sso",
      oidcSubject: p.subject,
    })
    .returning();
  return row!;
}

/**
 * Records a sign-in: last sign-in time, and the provider subject (first time) and roles (when the
 * group mapping decides them); `updatedAt` moves only when the person's record changed.
 */
export async function recordSsoSignIn(db: DbOrTx, personId: string, s: { subject: string; roles: TRole[]; changed: boolean; now: Date }) {
  await db
    .update(people)
    .set({ oidcSubject: s.subject, roles: s.roles, lastSignInAt: s.now, ...(s.changed ? { updatedAt: s.now } : {}) })
    .where(eq(people.id, personId));
}
