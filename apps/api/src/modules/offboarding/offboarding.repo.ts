import { bots, offboardingCases, people, type DbOrTx } from "@bridle/db";
import { and, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

/**
 * The only file that queries `offboarding_cases` and `offboarding_steps` for the offboarding
 * module. It also reads (never writes) bots and people to build its read models: a bot's owner,
 * that owner's manager.
 */

export type CaseRow = typeof offboardingCases.$inferSelect;
type Who = { type: string; id: string | null; label: string | null };

const manager = alias(people, "manager");

/**
 * These bots, each with its owner (status, email, when deactivated) and the owner's manager
 * (the proposed new owner, when active). Bots that do not exist are left out.
 */
export async function botsWithOwners(db: DbOrTx, botIds: readonly string[]) {
  if (botIds.length === 0) return [];
  return db
    .select({
      id: bots.id,
      name: bots.name,
      status: bots.status,
      ownerId: bots.ownerId,
      ownerEmail: people.email,
      ownerStatus: people.status,
      ownerDeactivatedAt: people.deactivatedAt,
      managerId: manager.id,
      managerStatus: manager.status,
      managerEmail: manager.email,
    })
    .from(bots)
    .leftJoin(people, eq(people.id, bots.ownerId))
    .leftJoin(manager, eq(manager.id, people.managerId))
    .where(inArray(bots.id, [...botIds]));
}

/** The open cases of these bots (at most one each). */
export async function openCasesOf(db: DbOrTx, botIds: readonly string[]): Promise<CaseRow[]> {
  if (botIds.length === 0) return [];
  return db
    .select()
    .from(offboardingCases)
    .where(and(inArray(offboardingCases.botId, [...botIds]), eq(offboardingCases.status, "open")));
}

export type NewCase = {
  botId: string;
  trigger: string;
  reason: string;
  formerOwnerId: string | null;
  proposedOwnerId: string | null;
  orphanedSince: Date | null;
};

/**
 * Inserts open cases; a bot that already has an open case (the unique partial index) is skipped,
 * so two concurrent openings never make two cases.
 * @returns the cases this call inserted
 */
export async function insertOpenCases(tx: DbOrTx, cases: readonly NewCase[], by: Who, at: Date): Promise<CaseRow[]> {
  if (cases.length === 0) return [];
  return tx
    .insert(offboardingCases)
    .values(cases.map((c) => ({ ...c, status: "open", openedAt: at, updatedAt: at, openedByType: by.type, openedById: by.id, openedByLabel: by.label })))
    .onConflictDoNothing({ target: offboardingCases.botId, where: eq(offboardingCases.status, "open") })
    .returning();
}

/** A person's email and display name (the departed owner a case names); null when unknown. */
export async function departedPerson(db: DbOrTx, personId: string) {
  const [p] = await db.select({ email: people.email, displayName: people.displayName }).from(people).where(eq(people.id, personId));
  return p ?? null;
}
