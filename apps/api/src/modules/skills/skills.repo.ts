import type { TSkill, TSkillRegistry, TSkillStatus } from "@bridle/contracts";
import { skills, type DbOrTx } from "@bridle/db";
import { eq, sql, type SQL } from "drizzle-orm";
import { escapeLike, rowsOf, toIso } from "../../lib/sql.ts";

/** The skills module's only queries. It owns `skills`; it reads `bots` and `people` to name and count. */

export type SkillRow = typeof skills.$inferSelect;

/**
 * Every allowed tool of every bot that is not offboarded, split as `parseToolRef` does (at the last
 * `@`, a leading `@` belongs to an npm scope; the name compared lowercase): `(bot_id, name, version)`.
 * A tool without a version has no row (it can name no registry entry).
 */
const BOT_TOOLS = sql`
  select b.id as bot_id, lower(m.parts[1]) as name, m.parts[2] as version
  from bots b
  cross join lateral jsonb_array_elements_text(
    case when jsonb_typeof(b.runtime_profile->'allowedTools') = 'array' then b.runtime_profile->'allowedTools' else '[]'::jsonb end
  ) t(tool)
  cross join lateral regexp_match(btrim(t.tool), '^(.+)@([^@]*)$') as m(parts)
  where b.status <> 'offboarded' and m.parts is not null`;

type ListedRow = {
  id: string;
  name: string;
  version: string;
  source_registry: TSkillRegistry;
  source_package: string;
  status: TSkillStatus;
  notes: string | null;
  review_note: string | null;
  reviewed_at: unknown;
  created_at: unknown;
  updated_at: unknown;
  owner: TSkill["owner"];
  reviewer: TSkill["reviewedBy"];
  creator: TSkill["createdBy"];
  used_by: number;
};

/**
 * An entry's version in semver order (then its id): major, minor and patch compared as numbers, a
 * release after its pre-releases, pre-releases by their text. Versions are exact semver (checked
 * on write), so the numeric cast always holds.
 */
const versionKey = (alias: string) =>
  sql.raw(`(string_to_array(regexp_replace(${alias}.version, '[-+].*$', ''), '.')::numeric[], position('-' in ${alias}.version) = 0, ${alias}.version, ${alias}.id)`);

const personRef = (alias: string) =>
  sql.raw(`case when ${alias}.id is null then null else json_build_object('id', ${alias}.id, 'email', ${alias}.email, 'displayName', ${alias}.display_name, 'status', ${alias}.status) end`);

/** Registry entries with their people and how many bots use each, filtered; ordered by name, highest version first. */
export async function listSkills(
  db: DbOrTx,
  q: { status?: TSkillStatus | undefined; q?: string | undefined; ids?: readonly string[]; limit: number; afterId: string | null },
): Promise<TSkill[]> {
  const where: SQL[] = [];
  if (q.status) where.push(sql`s.status = ${q.status}`);
  if (q.q) {
    const like = `%${escapeLike(q.q.toLowerCase())}%`;
    where.push(sql`(lower(s.name) like ${like} or lower(s.source_package) like ${like})`);
  }
  if (q.ids) where.push(sql`s.id in (select jsonb_array_elements_text(${JSON.stringify(q.ids)}::jsonb)::uuid)`);
  // Keyset: after the cursor's entry in (name asc, version desc, id desc) order.
  if (q.afterId)
    where.push(sql`exists (select 1 from skills c where c.id = ${q.afterId} and (s.name > c.name or (s.name = c.name and ${versionKey("s")} < ${versionKey("c")})))`);
  const res = await db.execute(sql`
    with tools as (${BOT_TOOLS}),
    usage as (select name, version, count(distinct bot_id)::int as n from tools group by name, version)
    select s.id, s.name, s.version, s.source_registry, s.source_package, s.status, s.notes, s.review_note,
           s.reviewed_at, s.created_at, s.updated_at,
           ${personRef("o")} as owner, ${personRef("r")} as reviewer, ${personRef("c")} as creator,
           coalesce(u.n, 0) as used_by
    from skills s
    left join usage u on u.name = s.name and u.version = s.version
    left join people o on o.id = s.owner_id
    left join people r on r.id = s.reviewed_by
    left join people c on c.id = s.created_by
    ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
    order by s.name asc, ${versionKey("s")} desc
    limit ${q.limit}`);
  return rowsOf<ListedRow>(res).map((r) => ({
    id: r.id,
    name: r.name,
    version: r.version,
    ref: `${r.name}@${r.version}`,
    source: { registry: r.source_registry, package: r.source_package },
    owner: r.owner,
    status: r.status,
    notes: r.notes,
    reviewNote: r.review_note,
    reviewedBy: r.reviewer,
    reviewedAt: toIso(r.reviewed_at),
    createdBy: r.creator,
    createdAt: toIso(r.created_at)!,
    updatedAt: toIso(r.updated_at)!,
    usedBy: r.used_by,
  }));
}

export async function findSkill(db: DbOrTx, id: string, opts: { lock?: boolean } = {}): Promise<SkillRow | null> {
  const q = db.select().from(skills).where(eq(skills.id, id)).limit(1);
  const [row] = opts.lock ? await q.for("update") : await q;
  return row ?? null;
}

/** Inserts an entry; null when that name and version is already registered. */
export async function insertSkill(db: DbOrTx, v: typeof skills.$inferInsert): Promise<SkillRow | null> {
  const [row] = await db.insert(skills).values(v).onConflictDoNothing({ target: [skills.name, skills.version] }).returning();
  return row ?? null;
}

export async function updateSkill(db: DbOrTx, id: string, v: Partial<typeof skills.$inferInsert>): Promise<void> {
  await db
    .update(skills)
    .set({ ...v, updatedAt: sql`now()` })
    .where(eq(skills.id, id));
}

/** The bots (not offboarded) whose allowed tools name exactly this version of this skill. */
export async function botsUsing(db: DbOrTx, name: string, version: string): Promise<string[]> {
  const res = await db.execute(sql`with tools as (${BOT_TOOLS}) select distinct bot_id from tools where name = ${name.toLowerCase()} and version = ${version}`);
  return rowsOf<{ bot_id: string }>(res).map((r) => r.bot_id);
}

/** Registry entries whose name is one of `names` (lowercase): what a bot's tools resolve against. */
export async function entriesNamed(db: DbOrTx, names: readonly string[]): Promise<{ id: string; name: string; version: string; status: TSkillStatus }[]> {
  if (names.length === 0) return [];
  const res = await db.execute(sql`
    select id, name, version, status from skills
    where name in (select jsonb_array_elements_text(${JSON.stringify(names)}::jsonb))`);
  return rowsOf<{ id: string; name: string; version: string; status: TSkillStatus }>(res);
}
