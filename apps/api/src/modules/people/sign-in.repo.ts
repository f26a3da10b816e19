import type { TRole } from "@bridle/contracts";
import { people, type DbOrTx } from "@bridle/db";
import { eq, sql } from "drizzle-orm";

/**
 * People as sign-in finds and records them (the auth and sso modules call these through
 * people/index.ts; the people module owns `people`).
 */

/** A person's whole row. */
export type PersonRecord = typeof people.$inferSelect;

export async function findPersonBySubject(db: DbOrTx, subject: string): Promise<PersonRecord | null> {
  const [row] = await db.select().from(people).where(eq(people.oidcSubject, subject)).limit(1);
  return row ?? null;
}

export async function findPersonByEmail(db: DbOrTx, email: string): Promise<PersonRecord | null> {
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
): Promise<PersonRecord> {
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

/** Records a local sign-in (the bootstrap admin): the person's last sign-in time. */
export async function recordSignIn(tx: DbOrTx, personId: string, at: Date): Promise<void> {
  await tx.update(people).set({ lastSignInAt: at }).where(eq(people.id, personId));
}
