import type { TTeamManagedBy } from "@bridle/contracts";
import { bots, teamMembers, teams, type DbOrTx } from "@bridle/db";
import { and, eq, ne, sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";

/** Team writes made in Bridle (admins and IT). SCIM writes its own through scim.repo. */

/** Team sources that the identity provider owns (`scim-deleted`: a SCIM team kept hidden for its bots). */
const PROVISIONED_SOURCES = ["scim", "scim-deleted"];

/**
 * Who changes a team (README "Teams"): the identity provider for every team while SCIM
 * provisioning is on, and always for a team it provisioned, so two sources never edit one record.
 */
export function teamManagedBy(source: string, scimEnabled: boolean): TTeamManagedBy {
  return scimEnabled || PROVISIONED_SOURCES.includes(source) ? "identity_provider" : "bridle";
}

/** Whether SCIM provisioning is on, read with a share lock so it cannot be switched until the transaction ends. */
export async function scimEnabledLocked(tx: DbOrTx): Promise<boolean> {
  const [row] = rowsOf<{ scim_enabled: boolean }>(await tx.execute(sql`select scim_enabled from identity_settings where id = 1 for share`));
  return row?.scim_enabled ?? false;
}

export async function lockTeamRow(tx: DbOrTx, id: string) {
  const [row] = await tx.select().from(teams).where(eq(teams.id, id)).for("update");
  return row ?? null;
}

/** A team (other than `exceptId`) with this slug, or this name case-insensitively. */
export async function findClash(db: DbOrTx, v: { slug?: string; name: string }, exceptId?: string) {
  const [row] = await db
    .select({ id: teams.id, slug: teams.slug, name: teams.name })
    .from(teams)
    .where(
      and(
        v.slug ? sql`(${teams.slug} = ${v.slug} or lower(${teams.name}) = ${v.name.toLowerCase()})` : sql`lower(${teams.name}) = ${v.name.toLowerCase()}`,
        exceptId ? ne(teams.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Slugs in use equal to `base` or `base-<n>`. */
export async function slugsTaken(db: DbOrTx, base: string): Promise<Set<string>> {
  const rows = await db
    .select({ slug: teams.slug })
    .from(teams)
    .where(sql`${teams.slug} = ${base} or ${teams.slug} like ${`${base}-%`}`);
  return new Set(rows.map((r) => r.slug));
}

/** Inserts a team made in Bridle (`source: admin`); null when the slug was taken meanwhile. */
export async function insertTeam(tx: DbOrTx, v: { slug: string; name: string }): Promise<string | null> {
  const [row] = await tx.insert(teams).values({ ...v, source: "admin" }).onConflictDoNothing({ target: teams.slug }).returning({ id: teams.id });
  return row?.id ?? null;
}

export async function renameTeam(tx: DbOrTx, id: string, name: string) {
  await tx.update(teams).set({ name, updatedAt: new Date() }).where(eq(teams.id, id));
}

/** How many bots and members (any status) a team has. */
export async function teamUsage(db: DbOrTx, id: string): Promise<{ bots: number; members: number }> {
  const [b] = await db.select({ n: sql<number>`count(*)::int` }).from(bots).where(eq(bots.teamId, id));
  const [m] = await db.select({ n: sql<number>`count(*)::int` }).from(teamMembers).where(eq(teamMembers.teamId, id));
  return { bots: b?.n ?? 0, members: m?.n ?? 0 };
}

export async function deleteTeam(tx: DbOrTx, id: string) {
  await tx.delete(teams).where(eq(teams.id, id));
}

/** How many teams there are (the first-run checklist). Hidden SCIM-deleted teams do not count. */
export async function countTeams(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(teams).where(ne(teams.source, "scim-deleted"));
  return row?.n ?? 0;
}
