import type { TPerson, TPersonDetail, TRole, TTeam } from "@bridle/contracts";
import type { z } from "zod";
import type { ZTeamDetail } from "@bridle/contracts";
import { bots, people, teamMembers, teams } from "@bridle/db";
import { eq } from "drizzle-orm";

type TTeamDetail = z.infer<typeof ZTeamDetail>;
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { escapeLike, rowsOf, toIso } from "../../lib/sql.ts";
import { teamManagedBy } from "./teams.repo.ts";

/** People ordered by email, keyset-paginated; `q` searches name and email. */
export async function listPeople(
  db: DbOrTx,
  q: { limit: number; after: string | null; q?: string | undefined; status?: string | undefined; role?: string | undefined; team?: string | undefined },
): Promise<TPerson[]> {
  const where = [sql`true`];
  if (q.after) where.push(sql`lower(p.email) > ${q.after}`);
  if (q.status) where.push(sql`p.status = ${q.status}`);
  if (q.role) where.push(sql`${q.role} = any(p.roles)`);
  if (q.team) where.push(sql`exists (select 1 from team_members tm join teams tt on tt.id = tm.team_id where tm.person_id = p.id and tt.slug = ${q.team})`);
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    where.push(sql`(p.email ilike ${like} or p.display_name ilike ${like})`);
  }
  const res = await db.execute(sql`
    select p.id, p.email, p.display_name, p.status, p.roles, t.id as team_id, t.slug as team_slug, t.name as team_name,
           (select count(*)::int from bots b where b.owner_id = p.id) as bots_owned,
           m.id as manager_id, m.email as manager_email, m.display_name as manager_name,
           p.last_sign_in_at, p.source
    from people p left join teams t on t.id = p.team_id left join people m on m.id = p.manager_id
    where ${sql.join(where, sql` and `)}
    order by lower(p.email) limit ${q.limit + 1}`);
  return rowsOf<{
    id: string;
    email: string;
    display_name: string;
    status: string;
    roles: string[];
    team_id: string | null;
    team_slug: string | null;
    team_name: string | null;
    bots_owned: number;
    manager_id: string | null;
    manager_email: string | null;
    manager_name: string | null;
    last_sign_in_at: unknown;
    source: string;
  }>(res).map((r) => ({
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    status: r.status as TPerson["status"],
    roles: r.roles as TRole[],
    team: r.team_id && r.team_slug ? { id: r.team_id, slug: r.team_slug, name: r.team_name ?? r.team_slug } : null,
    botsOwned: r.bots_owned,
    manager: r.manager_id && r.manager_email ? { id: r.manager_id, email: r.manager_email, displayName: r.manager_name ?? r.manager_email } : null,
    lastSignInAt: toIso(r.last_sign_in_at),
    source: r.source,
  }));
}

/** Every team by name, with who manages it (`scimEnabled`: whether SCIM provisioning is on). */
export async function listTeams(db: DbOrTx, scimEnabled: boolean): Promise<TTeam[]> {
  const res = await db.execute(sql`
    select t.id, t.slug, t.name, t.source,
           (select count(*)::int from team_members tm join people p on p.id = tm.person_id where tm.team_id = t.id and p.status = 'active') as members,
           (select count(*)::int from bots b where b.team_id = t.id) as bots
    from teams t order by t.name`);
  return rowsOf<Omit<TTeam, "managedBy"> & { source: string }>(res).map(({ source, ...t }) => ({ ...t, managedBy: teamManagedBy(source, scimEnabled) }));
}

export async function getPersonDetail(db: DbOrTx, id: string): Promise<TPersonDetail | null> {
  const [p] = await db.select().from(people).where(eq(people.id, id)).limit(1);
  if (!p) return null;
  const manager = p.managerId
    ? ((await db.select({ id: people.id, email: people.email, displayName: people.displayName }).from(people).where(eq(people.id, p.managerId)))[0] ?? null)
    : null;
  const teamRows = await db
    .select({ id: teams.id, slug: teams.slug, name: teams.name })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teamMembers.personId, id))
    .orderBy(teams.name);
  const botRows = await db
    .select({ id: bots.id, name: bots.name, environment: bots.environment, status: bots.status, findingCount: bots.findingCount })
    .from(bots)
    .where(eq(bots.ownerId, id))
    .orderBy(bots.name);
  return {
    id: p.id,
    email: p.email,
    userName: p.userName,
    displayName: p.displayName,
    status: p.status as TPersonDetail["status"],
    roles: p.roles as TRole[],
    source: p.source,
    department: p.department,
    title: p.title,
    manager,
    teams: teamRows,
    lastSignInAt: toIso(p.lastSignInAt),
    deactivatedAt: toIso(p.deactivatedAt),
    isBootstrapAdmin: p.isBootstrapAdmin,
    bots: botRows,
  };
}

export async function setRoles(db: DbOrTx, id: string, roles: TRole[]) {
  const rows = await db.update(people).set({ roles, updatedAt: new Date() }).where(eq(people.id, id)).returning({ id: people.id });
  return rows.length > 0;
}

export async function getTeamDetail(db: DbOrTx, id: string, scimEnabled: boolean): Promise<TTeamDetail | null> {
  const [t] = await db.select().from(teams).where(eq(teams.id, id)).limit(1);
  if (!t) return null;
  const members = await db
    .select({ id: people.id, email: people.email, displayName: people.displayName, status: people.status })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(eq(teamMembers.teamId, id))
    .orderBy(people.displayName);
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(bots).where(eq(bots.teamId, id));
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    source: t.source,
    managedBy: teamManagedBy(t.source, scimEnabled),
    members: members.map((m) => ({ ...m, status: m.status as TTeamDetail["members"][number]["status"] })),
    bots: n,
  };
}
