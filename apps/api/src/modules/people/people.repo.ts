import type { TPerson, TRole, TTeam } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { escapeLike, rowsOf, toIso } from "../../lib/sql.ts";

/** People ordered by email, keyset-paginated; `q` searches name and email. */
export async function listPeople(db: DbOrTx, q: { limit: number; after: string | null; q?: string | undefined }): Promise<TPerson[]> {
  const where = [sql`true`];
  if (q.after) where.push(sql`lower(p.email) > ${q.after}`);
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

export async function listTeams(db: DbOrTx): Promise<TTeam[]> {
  const res = await db.execute(sql`
    select t.id, t.slug, t.name,
           (select count(*)::int from people p where p.team_id = t.id and p.status = 'active') as members,
           (select count(*)::int from bots b where b.team_id = t.id) as bots
    from teams t order by t.name`);
  return rowsOf<TTeam>(res);
}
