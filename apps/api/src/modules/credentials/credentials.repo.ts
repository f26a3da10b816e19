import type { TCredentialReference } from "@bridle/contracts";
import { bots, connectedSystems, credentialReferences, people, type DbOrTx } from "@bridle/db";
import { and, asc, eq, inArray, ne, sql, type SQL } from "drizzle-orm";
import { isUuid, rowsOf, toIso } from "../../lib/sql.ts";

/** The only file that queries `credential_references` for the credentials module. */

type Row = typeof credentialReferences.$inferSelect;

/** A stored row, with its system's key, as the contracts show it (`ZCredentialReference`). */
export function toCredentialReference(c: Row, systemKey: string): TCredentialReference {
  return {
    id: c.id,
    system: systemKey,
    reference: c.reference,
    rotationIntervalDays: c.rotationIntervalDays,
    lastRotatedAt: toIso(c.lastRotatedAt),
    createdAt: toIso(c.createdAt)!,
    status: c.status as TCredentialReference["status"],
    rotationDueSince: toIso(c.rotationDueSince),
    rotationDueReason: (c.rotationDueReason as TCredentialReference["rotationDueReason"]) ?? null,
    revokedAt: toIso(c.revokedAt),
    revokedBy: c.revokedAt
      ? { type: (c.revokedByType ?? "system") as NonNullable<TCredentialReference["revokedBy"]>["type"], id: c.revokedById, label: c.revokedByLabel }
      : null,
  };
}

/**
 * Every credential reference of these bots, ordered by bot, system key, then reference, with their
 * bot's id and name (a read of `bots`, which the bots module owns). `lock` locks the references
 * (not the bots) until the transaction ends.
 */
export async function referencesOfBots(db: DbOrTx, botIds: readonly string[], opts: { lock?: boolean } = {}) {
  if (botIds.length === 0) return [];
  const q = db
    .select({ c: credentialReferences, key: connectedSystems.key, botName: bots.name })
    .from(credentialReferences)
    .innerJoin(connectedSystems, eq(connectedSystems.id, credentialReferences.systemId))
    .innerJoin(bots, eq(bots.id, credentialReferences.botId))
    .where(inArray(credentialReferences.botId, [...botIds]))
    .orderBy(asc(credentialReferences.botId), asc(connectedSystems.key), asc(credentialReferences.reference), asc(credentialReferences.id));
  const rows = opts.lock ? await q.for("update", { of: credentialReferences }) : await q;
  return rows.map(({ c, key, botName }) => ({ botId: c.botId, botName, ref: toCredentialReference(c, key) }));
}

/** Revokes these references (by id) now, recording who did it. @returns nothing; read them back. */
export async function setRevoked(tx: DbOrTx, ids: readonly string[], at: Date, by: { type: string; id: string | null; label: string | null }) {
  if (ids.length === 0) return;
  await tx
    .update(credentialReferences)
    .set({ status: "revoked", revokedAt: at, revokedByType: by.type, revokedById: by.id, revokedByLabel: by.label, rotationDueSince: null, rotationDueReason: null })
    .where(inArray(credentialReferences.id, [...ids]));
}

/** Marks these active references (by id) due for rotation since `at`, for `reason`. */
export async function setRotationDue(tx: DbOrTx, ids: readonly string[], at: Date, reason: string) {
  if (ids.length === 0) return;
  await tx
    .update(credentialReferences)
    .set({ status: "rotation_due", rotationDueSince: at, rotationDueReason: reason })
    .where(and(inArray(credentialReferences.id, [...ids]), eq(credentialReferences.status, "active")));
}

export type DesiredReference = { systemId: string; reference: string; rotationIntervalDays: number | null; lastRotatedAt: Date | null };

/**
 * Makes the bot's references the `desired` set, matched by system and reference (each stored
 * row at most once): a reference that stays keeps its id, creation date, owner and status
 * (revoked stays revoked; one due for rotation becomes active again when its last rotation
 * moves past the date it became due); the others are removed or added (active).
 */
export async function replaceReferences(tx: DbOrTx, botId: string, desired: readonly DesiredReference[]) {
  const current = await tx.select().from(credentialReferences).where(eq(credentialReferences.botId, botId)).orderBy(asc(credentialReferences.createdAt)).for("update");
  const key = (systemId: string, reference: string) => `${systemId}\u0000${reference}`;
  const byKey = new Map<string, Row[]>();
  for (const c of current) byKey.set(key(c.systemId, c.reference), [...(byKey.get(key(c.systemId, c.reference)) ?? []), c]);
  const kept = new Set<string>();
  const toInsert: DesiredReference[] = [];
  for (const d of desired) {
    const old = byKey.get(key(d.systemId, d.reference))?.find((c) => !kept.has(c.id));
    if (!old) {
      toInsert.push(d);
      continue;
    }
    kept.add(old.id);
    const rotatedSinceDue = old.status === "rotation_due" && d.lastRotatedAt && old.rotationDueSince && d.lastRotatedAt > old.rotationDueSince;
    const sameRotation = (old.lastRotatedAt?.getTime() ?? null) === (d.lastRotatedAt?.getTime() ?? null);
    if (old.rotationIntervalDays === d.rotationIntervalDays && sameRotation) continue;
    await tx
      .update(credentialReferences)
      .set({
        rotationIntervalDays: d.rotationIntervalDays,
        lastRotatedAt: d.lastRotatedAt,
        ...(rotatedSinceDue ? { status: "active", rotationDueSince: null, rotationDueReason: null } : {}),
      })
      .where(eq(credentialReferences.id, old.id));
  }
  const removed = current.filter((c) => !kept.has(c.id)).map((c) => c.id);
  if (removed.length) await tx.delete(credentialReferences).where(inArray(credentialReferences.id, removed));
  if (toInsert.length) await tx.insert(credentialReferences).values(toInsert.map((d) => ({ ...d, botId })));
  return { added: toInsert.length, removed: removed.length };
}

// ----- the list per bot and the Rotation page (read models: they join bots, people, teams, systems) -----

/** One reference with what its list shows, as read by `detailRows`. */
export type DetailRow = {
  c: Row;
  systemKey: string;
  systemName: string;
  botId: string;
  botName: string;
  botStatus: string;
  botOwnerId: string | null;
  serviceAccount: string | null;
  owner: { id: string; email: string; displayName: string; status: string } | null;
  team: { id: string; slug: string; name: string } | null;
  openLeakPlaybookId: string | null;
};

type RawDetail = {
  id: string;
  bot_id: string;
  system_id: string;
  reference: string;
  rotation_interval_days: number | null;
  last_rotated_at: unknown;
  created_at: unknown;
  status: string;
  rotation_due_since: unknown;
  rotation_due_reason: string | null;
  revoked_at: unknown;
  revoked_by_type: string | null;
  revoked_by_id: string | null;
  revoked_by_label: string | null;
  owner_id: string | null;
  last_rotated_by_type: string | null;
  last_rotated_by_id: string | null;
  last_rotated_by_label: string | null;
  system_key: string;
  system_name: string;
  bot_name: string;
  bot_status: string;
  bot_owner_id: string | null;
  service_account: string | null;
  person_id: string | null;
  person_email: string | null;
  person_name: string | null;
  person_status: string | null;
  team_id: string | null;
  team_slug: string | null;
  team_name: string | null;
  open_playbook_id: string | null;
};

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(toIso(v)!));

/**
 * References with their system, bot, service account on that system, responsible person (the
 * reference's owner, else the bot's), team and open leak playbook, filtered by `where` (SQL over
 * `c` credential_references, `b` bots), ordered by bot name, system key and reference.
 */
export async function detailRows(db: DbOrTx, where: SQL): Promise<DetailRow[]> {
  const res = await db.execute(sql`
    select c.*, s.key as system_key, s.name as system_name, b.name as bot_name, b.status as bot_status, b.owner_id as bot_owner_id,
           sa.account as service_account,
           p.id as person_id, p.email as person_email, p.display_name as person_name, p.status as person_status,
           t.id as team_id, t.slug as team_slug, t.name as team_name,
           (select lp.id from leak_playbooks lp where lp.credential_reference_id = c.id and lp.status = 'open' limit 1) as open_playbook_id
    from credential_references c
    join connected_systems s on s.id = c.system_id
    join bots b on b.id = c.bot_id
    left join service_accounts sa on sa.bot_id = c.bot_id and sa.system_id = c.system_id
    left join people p on p.id = coalesce(c.owner_id, b.owner_id)
    left join teams t on t.id = b.team_id
    where ${where}
    order by b.name, s.key, c.reference, c.id`);
  return rowsOf<RawDetail>(res).map((r) => ({
    c: {
      id: r.id,
      botId: r.bot_id,
      systemId: r.system_id,
      reference: r.reference,
      rotationIntervalDays: r.rotation_interval_days,
      lastRotatedAt: date(r.last_rotated_at),
      createdAt: date(r.created_at)!,
      status: r.status,
      rotationDueSince: date(r.rotation_due_since),
      rotationDueReason: r.rotation_due_reason,
      revokedAt: date(r.revoked_at),
      revokedByType: r.revoked_by_type,
      revokedById: r.revoked_by_id,
      revokedByLabel: r.revoked_by_label,
      ownerId: r.owner_id,
      lastRotatedByType: r.last_rotated_by_type,
      lastRotatedById: r.last_rotated_by_id,
      lastRotatedByLabel: r.last_rotated_by_label,
    },
    systemKey: r.system_key,
    systemName: r.system_name,
    botId: r.bot_id,
    botName: r.bot_name,
    botStatus: r.bot_status,
    botOwnerId: r.bot_owner_id,
    serviceAccount: r.service_account,
    owner: r.person_id ? { id: r.person_id, email: r.person_email!, displayName: r.person_name ?? r.person_email!, status: r.person_status ?? "active" } : null,
    team: r.team_id ? { id: r.team_id, slug: r.team_slug!, name: r.team_name ?? r.team_slug! } : null,
    openLeakPlaybookId: r.open_playbook_id,
  }));
}

/**
 * Candidates for the Rotation page: references of active or paused bots that are not revoked and
 * are marked due or have an interval, visible to `visibleTo` (null: everyone; else bots they own
 * or references they are responsible for), of one bot or team when given.
 */
export function rotationCandidates(db: DbOrTx, f: { visibleTo: string | null; botId?: string | undefined; team?: string | undefined }) {
  const where: SQL[] = [sql`b.status in ('active', 'paused')`, sql`c.status <> 'revoked'`, sql`(c.status = 'rotation_due' or c.rotation_interval_days is not null)`];
  if (f.visibleTo) where.push(sql`(b.owner_id = ${f.visibleTo} or c.owner_id = ${f.visibleTo})`);
  if (f.botId) where.push(sql`b.id = ${f.botId}`);
  if (f.team) where.push(isUuid(f.team) ? sql`b.team_id = ${f.team}` : sql`b.team_id = (select id from teams where slug = ${f.team.toLowerCase()})`);
  return detailRows(db, sql.join(where, sql` and `));
}

/** A person by email (case-insensitive), for a reference's owner. */
export async function personByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select({ id: people.id, email: people.email, displayName: people.displayName, status: people.status })
    .from(people)
    .where(sql`lower(${people.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

/** A connected system's id by key, or null. */
export async function systemIdByKey(db: DbOrTx, key: string): Promise<string | null> {
  const [row] = await db.select({ id: connectedSystems.id }).from(connectedSystems).where(eq(connectedSystems.key, key)).limit(1);
  return row?.id ?? null;
}

/** One reference of one bot, locked until the transaction ends; null when the bot has no such reference. */
export async function lockReference(tx: DbOrTx, botId: string, id: string): Promise<Row | null> {
  const [row] = await tx
    .select()
    .from(credentialReferences)
    .where(and(eq(credentialReferences.id, id), eq(credentialReferences.botId, botId)))
    .for("update");
  return row ?? null;
}

/** Whether the bot already has a reference with this system and reference text (other than `exceptId`). */
export async function hasDuplicate(db: DbOrTx, v: { botId: string; systemId: string; reference: string; exceptId?: string }): Promise<boolean> {
  const rows = await db
    .select({ id: credentialReferences.id })
    .from(credentialReferences)
    .where(
      and(
        eq(credentialReferences.botId, v.botId),
        eq(credentialReferences.systemId, v.systemId),
        eq(credentialReferences.reference, v.reference),
        v.exceptId ? ne(credentialReferences.id, v.exceptId) : undefined,
      ),
    )
    .limit(1);
  return rows.length > 0;
}

export type NewReference = { botId: string; systemId: string; reference: string; ownerId: string | null; rotationIntervalDays: number | null; lastRotatedAt: Date | null };

export async function insertReference(tx: DbOrTx, v: NewReference): Promise<Row> {
  const [row] = await tx.insert(credentialReferences).values(v).returning();
  return row!;
}

export async function updateReference(tx: DbOrTx, id: string, set: Partial<typeof credentialReferences.$inferInsert>): Promise<Row> {
  const [row] = await tx.update(credentialReferences).set(set).where(eq(credentialReferences.id, id)).returning();
  return row!;
}

export async function deleteReference(tx: DbOrTx, id: string): Promise<void> {
  await tx.delete(credentialReferences).where(eq(credentialReferences.id, id));
}

/**
 * Active references whose rotation interval has passed at `now` (the daily job), locked, with
 * their bots' names and the people to tell (the reference's owner, else the bot's). Bots that
 * are not active or paused are skipped, as the findings rule does.
 */
export async function intervalPassed(tx: DbOrTx, now: Date) {
  const res = await tx.execute(sql`
    select c.id, c.bot_id, coalesce(c.owner_id, b.owner_id) as owner_id
    from credential_references c join bots b on b.id = c.bot_id
    where c.status = 'active' and c.rotation_interval_days is not null and b.status in ('active', 'paused')
      and coalesce(c.last_rotated_at, c.created_at) + make_interval(days => c.rotation_interval_days) <= ${now.toISOString()}::timestamptz
    order by c.bot_id, c.id
    for update of c skip locked`);
  return rowsOf<{ id: string; bot_id: string; owner_id: string | null }>(res);
}
