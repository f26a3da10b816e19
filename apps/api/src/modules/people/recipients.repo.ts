import type { TRole } from "@bridle/contracts";
import { people, type DbOrTx } from "@bridle/db";
import { and, arrayOverlaps, eq, inArray, or, type SQL } from "drizzle-orm";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An active person as a message is addressed to them. */
export type ActivePerson = { id: string; email: string; displayName: string };

/**
 * The active people among `personIds` and among the holders of any of `roles`, each once,
 * ordered by email. Ids that name nobody (or are not UUIDs), or a deactivated person, are left out (a deactivated
 * person is told nothing). Both lists empty or absent: nobody. A read; takes no lock.
 */
export async function activePeopleAmong(db: DbOrTx, q: { personIds?: readonly string[]; roles?: readonly TRole[] }): Promise<ActivePerson[]> {
  const ids = [...new Set(q.personIds ?? [])].filter((id) => UUID.test(id));
  const roles = [...new Set(q.roles ?? [])];
  const who: SQL[] = [];
  if (ids.length) who.push(inArray(people.id, ids));
  if (roles.length) who.push(arrayOverlaps(people.roles, roles));
  if (!who.length) return [];
  return db
    .select({ id: people.id, email: people.email, displayName: people.displayName })
    .from(people)
    .where(and(eq(people.status, "active"), or(...who)))
    .orderBy(people.email);
}
