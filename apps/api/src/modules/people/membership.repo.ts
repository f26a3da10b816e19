import { people, teamMembers, type DbOrTx } from "@bridle/db";
import { eq } from "drizzle-orm";

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
