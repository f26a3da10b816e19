import { people, teamMembers, type DbOrTx } from "@bridle/db";
import { and, eq, inArray } from "drizzle-orm";

/**
 * The teams a person belongs to: their primary team (`people.team_id`) and every team that lists
 * them as a member (`team_members`, SCIM Group members), each once. A person who does not exist
 * belongs to none. A read; takes no lock.
 */
export async function teamIdsOfPerson(db: DbOrTx, personId: string): Promise<string[]> {
  const [primary, member] = await Promise.all([
    db.select({ teamId: people.teamId }).from(people).where(eq(people.id, personId)),
    db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.personId, personId)),
  ]);
  return [...new Set([...primary, ...member].map((r) => r.teamId).filter((id): id is string => id !== null))];
}

/** Those of `personIds` who belong to the team (primary team or membership), each once. A read. */
export async function teamMembersAmong(db: DbOrTx, teamId: string, personIds: readonly string[]): Promise<string[]> {
  if (!personIds.length) return [];
  const [primary, member] = await Promise.all([
    db
      .select({ id: people.id })
      .from(people)
      .where(and(eq(people.teamId, teamId), inArray(people.id, [...personIds]))),
    db
      .select({ id: teamMembers.personId })
      .from(teamMembers)
      .where(and(eq(teamMembers.teamId, teamId), inArray(teamMembers.personId, [...personIds]))),
  ]);
  return [...new Set([...primary, ...member].map((r) => r.id))];
}
