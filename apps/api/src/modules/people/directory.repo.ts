import { bots, people, teamMembers, teams, type DbOrTx } from "@bridle/db";
import { and, asc, eq, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { isUuid } from "../../lib/sql.ts";

/**
 * The people directory as SCIM provisions it: queries and commands for SCIM Users (people) and
 * Groups (teams, memberships), called by the scim module through people/index.ts (`directory`).
 * The people module owns `people`, `teams` and `team_members`; the scim module speaks the
 * protocol and audits each request (`scim.request`), this file writes the rows.
 *
 * `source = 'scim-deleted'` marks a person or team that SCIM deleted but Bridle keeps: a deleted
 * person's row stays so audit events and their bots keep the owner reference; a deleted team with
 * bots stays so the bots keep their team. Such rows are invisible to SCIM (404) until an identity
 * provider creates the same userName or displayName again, which revives them.
 */
export const SCIM_DELETED = "scim-deleted";

const manager = alias(people, "manager");

/** People SCIM sees: not deleted through SCIM, and not the local bootstrap admin (a break-glass account the IdP does not own). */
const visiblePerson = and(eq(people.isBootstrapAdmin, false), ne(people.source, SCIM_DELETED))!;
const visibleTeam = ne(teams.source, SCIM_DELETED);

export type PersonRow = Awaited<ReturnType<typeof listPeople>>[number];
export type TeamRow = Awaited<ReturnType<typeof listTeams>>[number];
export type Page = { offset: number; limit: number };
/** An `attr eq "value"` lookup (a SCIM filter the database can answer). */
export type Lookup = { attr: "id" | "userName" | "externalId" | "displayName"; value: string };

function personLookup(l: Lookup): SQL | null {
  switch (l.attr) {
    case "id":
      return isUuid(l.value) ? eq(people.id, l.value) : null;
    case "userName":
      return sql`lower(${people.userName}) = ${l.value.toLowerCase()}`;
    case "externalId":
      return eq(people.externalId, l.value);
    case "displayName":
      return sql`lower(${people.displayName}) = ${l.value.toLowerCase()}`;
  }
}

/** Visible people in a stable order (created, then id), as SCIM pagination requires (RFC 7644 §3.4.2.4). */
export async function listPeople(db: DbOrTx, q: { lookup?: Lookup | undefined; ids?: string[]; page?: Page } = {}) {
  const where: SQL[] = [visiblePerson];
  if (q.lookup) {
    const cond = personLookup(q.lookup);
    if (!cond) return [];
    where.push(cond);
  }
  if (q.ids) {
    const ids = q.ids.filter(isUuid);
    if (!ids.length) return [];
    where.push(inArray(people.id, ids));
  }
  const base = db
    .select({
      id: people.id,
      email: people.email,
      userName: people.userName,
      externalId: people.externalId,
      displayName: people.displayName,
      givenName: people.givenName,
      familyName: people.familyName,
      title: people.title,
      department: people.department,
      emails: people.emails,
      status: people.status,
      teamId: people.teamId,
      managerId: people.managerId,
      managerDisplayName: manager.displayName,
      createdAt: people.createdAt,
      updatedAt: people.updatedAt,
    })
    .from(people)
    .leftJoin(manager, eq(manager.id, people.managerId))
    .where(and(...where))
    .orderBy(asc(people.createdAt), asc(people.id));
  return q.page ? base.offset(q.page.offset).limit(q.page.limit) : base;
}

/** Locks a visible person's row for the rest of the transaction; false when there is none. */
export async function lockPerson(tx: DbOrTx, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await tx.select({ id: people.id }).from(people).where(and(visiblePerson, eq(people.id, id))).for("update");
  return rows.length > 0;
}

export async function countPeople(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(people).where(visiblePerson);
  return row?.n ?? 0;
}

/** Anyone, visible or not, whose userName or email equals one of these (case-insensitively). */
export async function findPeopleByIdentity(db: DbOrTx, q: { userName: string; email: string }) {
  return db
    .select({ id: people.id, userName: people.userName, email: people.email, source: people.source, isBootstrapAdmin: people.isBootstrapAdmin })
    .from(people)
    .where(or(sql`lower(${people.userName}) = ${q.userName.toLowerCase()}`, sql`lower(${people.email}) = ${q.email.toLowerCase()}`));
}

/** The subset of `ids` that are visible people. */
export async function visiblePeopleIds(db: DbOrTx, ids: string[]): Promise<string[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (!valid.length) return [];
  const rows = await db.select({ id: people.id }).from(people).where(and(visiblePerson, inArray(people.id, valid)));
  return rows.map((r) => r.id);
}

export type PersonValues = {
  userName: string;
  email: string;
  externalId: string | null;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  department: string | null;
  emails: unknown;
  managerId: string | null;
};

export async function insertPerson(tx: DbOrTx, v: PersonValues & { active: boolean }): Promise<string> {
  const { active, ...values } = v;
  const [row] = await tx
    .insert(people)
    .values({ ...values, source: "scim", status: active ? "active" : "deactivated", deactivatedAt: active ? null : new Date() })
    .returning({ id: people.id });
  return row!.id;
}

/** Updates a person's SCIM attributes; `source` turns a deleted person back into a SCIM one. */
export async function updatePerson(tx: DbOrTx, id: string, v: Partial<PersonValues> & { source?: string }) {
  await tx
    .update(people)
    .set({ ...v, updatedAt: new Date() })
    .where(eq(people.id, id));
}

/** Hides a (deactivated) person from SCIM and takes them out of every team. */
export async function markPersonDeleted(tx: DbOrTx, id: string) {
  await tx.update(people).set({ source: SCIM_DELETED, updatedAt: new Date() }).where(eq(people.id, id));
  await tx.delete(teamMembers).where(eq(teamMembers.personId, id));
}

/** The visible teams each person belongs to. */
export async function teamsOfPeople(db: DbOrTx, personIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>();
  if (!personIds.length) return out;
  const rows = await db
    .select({ personId: teamMembers.personId, id: teams.id, name: teams.name })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(inArray(teamMembers.personId, personIds), visibleTeam))
    .orderBy(asc(teams.name));
  for (const r of rows) out.set(r.personId, [...(out.get(r.personId) ?? []), { id: r.id, name: r.name }]);
  return out;
}

function teamLookup(l: Lookup): SQL | null {
  switch (l.attr) {
    case "id":
      return isUuid(l.value) ? eq(teams.id, l.value) : null;
    case "externalId":
      return eq(teams.externalId, l.value);
    case "displayName":
      return sql`lower(${teams.name}) = ${l.value.toLowerCase()}`;
    case "userName":
      return null;
  }
}

export async function listTeams(db: DbOrTx, q: { lookup?: Lookup | undefined; ids?: string[]; page?: Page } = {}) {
  const where: SQL[] = [visibleTeam];
  if (q.lookup) {
    const cond = teamLookup(q.lookup);
    if (!cond) return [];
    where.push(cond);
  }
  if (q.ids) {
    const ids = q.ids.filter(isUuid);
    if (!ids.length) return [];
    where.push(inArray(teams.id, ids));
  }
  const base = db
    .select({ id: teams.id, slug: teams.slug, name: teams.name, externalId: teams.externalId, createdAt: teams.createdAt, updatedAt: teams.updatedAt })
    .from(teams)
    .where(and(...where))
    .orderBy(asc(teams.createdAt), asc(teams.id));
  return q.page ? base.offset(q.page.offset).limit(q.page.limit) : base;
}

/** Locks a visible team's row for the rest of the transaction; false when there is none. */
export async function lockTeam(tx: DbOrTx, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await tx.select({ id: teams.id }).from(teams).where(and(visibleTeam, eq(teams.id, id))).for("update");
  return rows.length > 0;
}

export async function countTeams(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(teams).where(visibleTeam);
  return row?.n ?? 0;
}

/** Teams, visible or not, named `name` case-insensitively (other than `exceptId`). */
export async function findTeamsByName(db: DbOrTx, name: string, exceptId?: string) {
  return db
    .select({ id: teams.id, source: teams.source })
    .from(teams)
    .where(and(sql`lower(${teams.name}) = ${name.toLowerCase()}`, exceptId ? ne(teams.id, exceptId) : undefined));
}

/** Slugs in use that start with `base` (to find a free one). */
export async function slugsLike(db: DbOrTx, base: string): Promise<Set<string>> {
  const rows = await db
    .select({ slug: teams.slug })
    .from(teams)
    .where(sql`${teams.slug} = ${base} or ${teams.slug} like ${`${base}-%`}`);
  return new Set(rows.map((r) => r.slug));
}

export async function insertTeam(tx: DbOrTx, v: { slug: string; name: string; externalId: string | null }): Promise<string> {
  const [row] = await tx
    .insert(teams)
    .values({ ...v, source: "scim" })
    .returning({ id: teams.id });
  return row!.id;
}

export async function updateTeam(tx: DbOrTx, id: string, v: { name?: string; externalId?: string | null; source?: string }) {
  await tx
    .update(teams)
    .set({ ...v, updatedAt: new Date() })
    .where(eq(teams.id, id));
}

/** The visible members of each team, by display name. */
export async function membersOfTeams(db: DbOrTx, teamIds: string[]): Promise<Map<string, { id: string; displayName: string }[]>> {
  const out = new Map<string, { id: string; displayName: string }[]>();
  if (!teamIds.length) return out;
  const rows = await db
    .select({ teamId: teamMembers.teamId, id: people.id, displayName: people.displayName })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(and(inArray(teamMembers.teamId, teamIds), visiblePerson))
    .orderBy(asc(people.displayName), asc(people.id));
  for (const r of rows) out.set(r.teamId, [...(out.get(r.teamId) ?? []), { id: r.id, displayName: r.displayName }]);
  return out;
}

/**
 * Adds people to a team; a person with no primary team gets this one. Returns who was added
 * (people already in it are skipped).
 */
export async function addMembers(tx: DbOrTx, teamId: string, personIds: string[]): Promise<string[]> {
  if (!personIds.length) return [];
  const added = await tx
    .insert(teamMembers)
    .values(personIds.map((personId) => ({ teamId, personId })))
    .onConflictDoNothing()
    .returning({ personId: teamMembers.personId });
  await tx
    .update(people)
    .set({ teamId, updatedAt: new Date() })
    .where(and(inArray(people.id, personIds), isNull(people.teamId)));
  return added.map((a) => a.personId);
}

/**
 * Takes people out of a team. Whoever had it as their primary team gets their oldest remaining
 * team, or none. Returns who was removed.
 */
export async function removeMembers(tx: DbOrTx, teamId: string, personIds: string[]): Promise<string[]> {
  if (!personIds.length) return [];
  const removed = await tx
    .delete(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), inArray(teamMembers.personId, personIds)))
    .returning({ personId: teamMembers.personId });
  await tx
    .update(people)
    .set({
      teamId: sql`(select tm.team_id from ${teamMembers} tm where tm.person_id = ${people.id} order by tm.created_at limit 1)`,
      updatedAt: new Date(),
    })
    .where(and(inArray(people.id, personIds), eq(people.teamId, teamId)));
  return removed.map((r) => r.personId);
}

/** The ids of a team's visible members. */
export async function memberIds(db: DbOrTx, teamId: string): Promise<string[]> {
  return (await membersOfTeams(db, [teamId])).get(teamId)?.map((m) => m.id) ?? [];
}

/**
 * Deletes a team that no bot belongs to; a team with bots is emptied and hidden instead, so the
 * bots keep their team. Returns which of the two happened.
 */
export async function deleteTeam(tx: DbOrTx, id: string): Promise<"deleted" | "hidden"> {
  const members = await tx.select({ personId: teamMembers.personId }).from(teamMembers).where(eq(teamMembers.teamId, id));
  await removeMembers(
    tx,
    id,
    members.map((m) => m.personId),
  );
  const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(bots).where(eq(bots.teamId, id));
  if (n > 0) {
    await tx.update(teams).set({ source: SCIM_DELETED, externalId: null, updatedAt: new Date() }).where(eq(teams.id, id));
    return "hidden";
  }
  await tx.update(people).set({ teamId: null }).where(eq(people.teamId, id));
  await tx.delete(teams).where(eq(teams.id, id));
  return "deleted";
}
