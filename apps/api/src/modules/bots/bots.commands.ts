import type { TFinding, TLifecycleStatus } from "@bridle/contracts";
import { bots, connectedSystems, goldenRuleExceptions, grants, type DbOrTx } from "@bridle/db";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";

/**
 * Commands other modules call, inside their own transaction, to change a bot, its grants, its
 * Golden Rule exception or its derived findings. The bots module owns these tables; nothing
 * outside it writes them. The caller records the audit event of the change it makes (e.g.
 * `approval.apply` names the grant these commands add), so these commands write none of their own.
 */

/** Reads the bot and locks its row until the transaction ends; null when there is no such bot. */
export async function lockBotForChange(tx: DbOrTx, botId: string) {
  const [row] = await tx.select({ id: bots.id, status: bots.status, ownerId: bots.ownerId }).from(bots).where(eq(bots.id, botId)).for("update");
  return row ?? null;
}

/**
 * Adds a grant to the bot. `systemId` is the connected system's id; `expiresAt` null means no
 * expiry. @returns the grant's id
 */
export async function addGrant(tx: DbOrTx, v: { botId: string; systemId: string; scope: string; access: string; expiresAt: Date | null }): Promise<string> {
  const [row] = await tx.insert(grants).values(v).returning({ id: grants.id });
  return row!.id;
}

/** Replaces the bot's Golden Rule exception (one per bot) with an approved one. */
export async function approveException(
  tx: DbOrTx,
  v: {
    botId: string;
    businessPurpose: string;
    allowedSystems: string[];
    allowedChannels: string[];
    dataClassification: string;
    approvalRequirements: string;
    /** who approved it (emails, comma-separated) */
    approvedBy: string;
    approvedAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  const values = { ...v, status: "approved" };
  await tx
    .insert(goldenRuleExceptions)
    .values(values)
    .onConflictDoUpdate({ target: goldenRuleExceptions.botId, set: { ...values, createdAt: v.approvedAt } });
}

/** Makes `ownerId` the bot's owner (the caller holds the bot's row lock: see `lockBotForChange`). */
export async function assignOwner(tx: DbOrTx, botId: string, ownerId: string): Promise<void> {
  await tx.update(bots).set({ ownerId }).where(eq(bots.id, botId));
}

/** Marks the bot changed: bumps its version (optimistic locking in the console) and `updatedAt`. */
export async function markBotChanged(tx: DbOrTx, botId: string, now: Date): Promise<void> {
  await tx
    .update(bots)
    .set({ version: sql`${bots.version} + 1`, updatedAt: now })
    .where(eq(bots.id, botId));
}

/**
 * Stores recomputed findings (the derived columns `findings`, `finding_kinds`, `finding_count`,
 * `next_review_due`) for many bots, 2,000 per statement. Called by the findings module only.
 */
export async function storeFindings(db: DbOrTx, changes: readonly { id: string; findings: TFinding[]; nextReviewDue: Date | null }[]): Promise<void> {
  const CHUNK = 2000;
  for (let i = 0; i < changes.length; i += CHUNK) {
    const part = changes.slice(i, i + CHUNK);
    const payload = JSON.stringify(
      part.map((c) => ({
        id: c.id,
        findings: c.findings,
        kinds: [...new Set(c.findings.map((f) => f.kind))],
        due: c.nextReviewDue?.toISOString() ?? null,
      })),
    );
    await db.execute(sql`
      update bots b set
        findings = v.findings,
        finding_kinds = array(select jsonb_array_elements_text(v.kinds)),
        finding_count = jsonb_array_length(v.findings),
        next_review_due = v.due
      from jsonb_to_recordset(${payload}::jsonb) as v(id uuid, findings jsonb, kinds jsonb, due timestamptz)
      where b.id = v.id`);
  }
}

/** The ids of every bot `personId` owns, whatever its status. */
export async function botsOwnedBy(db: DbOrTx, personId: string): Promise<string[]> {
  const rows = await db.select({ id: bots.id }).from(bots).where(eq(bots.ownerId, personId));
  return rows.map((r) => r.id);
}

/** The bots a person owns that are not offboarded (the ones a departure orphans), with their names. */
export async function liveBotsOwnedBy(tx: DbOrTx, personId: string): Promise<{ id: string; name: string }[]> {
  return tx
    .select({ id: bots.id, name: bots.name })
    .from(bots)
    .where(and(eq(bots.ownerId, personId), ne(bots.status, "offboarded")));
}

/**
 * Removes these grants of the bot (an access review's "reduce"); ids that are not the bot's are
 * ignored. The caller holds the bot's row lock, audits and emits `bot.changed`.
 * @returns the grants removed, with their system keys
 */
export async function removeGrants(tx: DbOrTx, input: { botId: string; grantIds: readonly string[] }) {
  if (input.grantIds.length === 0) return [];
  const doomed = await tx
    .select({ id: grants.id, system: connectedSystems.key, scope: grants.scope, access: grants.access })
    .from(grants)
    .innerJoin(connectedSystems, eq(connectedSystems.id, grants.systemId))
    .where(and(eq(grants.botId, input.botId), inArray(grants.id, [...input.grantIds])));
  if (doomed.length)
    await tx.delete(grants).where(
      and(
        eq(grants.botId, input.botId),
        inArray(
          grants.id,
          doomed.map((g) => g.id),
        ),
      ),
    );
  return doomed;
}

/**
 * Removes these channels from the bot (an access review's "reduce"); channels it does not have are
 * ignored. The caller holds the bot's row lock, audits and emits `bot.changed`.
 * @returns the channels removed
 */
export async function removeChannels(tx: DbOrTx, input: { botId: string; channels: readonly string[] }): Promise<string[]> {
  const [row] = await tx.select({ channels: bots.channels }).from(bots).where(eq(bots.id, input.botId));
  if (!row) return [];
  const drop = new Set(input.channels);
  const removed = row.channels.filter((c) => drop.has(c));
  if (removed.length) await tx.update(bots).set({ channels: row.channels.filter((c) => !drop.has(c)) }).where(eq(bots.id, input.botId));
  return removed;
}

/**
 * Sets the bot's last review date (an access review item decided), which restarts its review
 * interval and so clears `review_overdue` once findings are recomputed. The caller audits and
 * emits `bot.changed` (fields `lastReviewedAt`).
 */
export async function setLastReviewed(tx: DbOrTx, input: { botId: string; at: Date }): Promise<void> {
  await tx.update(bots).set({ lastReviewedAt: input.at }).where(eq(bots.id, input.botId));
}

/**
 * Sets the bot's lifecycle status (offboarding: `paused`, then `offboarded`; the orphan job:
 * `paused`). The caller holds the bot's row lock, audits, and emits `bot.changed` (fields
 * `status`) so findings and every replica's decision snapshot follow.
 * @returns the status before, or null when there is no such bot
 */
export async function setBotStatus(tx: DbOrTx, input: { botId: string; status: TLifecycleStatus; now: Date }): Promise<TLifecycleStatus | null> {
  // One round trip: the row as it was (the caller holds its lock) and the change.
  const res = await tx.execute(sql`
    update bots b set status = ${input.status},
      version = case when old.status = ${input.status} then b.version else b.version + 1 end,
      updated_at = case when old.status = ${input.status} then b.updated_at else ${input.now.toISOString()}::timestamptz end
    from (select id, status from bots where id = ${input.botId}) old
    where b.id = old.id
    returning old.status as before`);
  const row = rowsOf<{ before: string }>(res)[0];
  return (row?.before as TLifecycleStatus | undefined) ?? null;
}

/**
 * Removes every grant and every channel of the bot (offboarding), in two statements. The caller
 * holds the bot's row lock, audits and emits `bot.changed`.
 * @returns the grants removed (with their system keys) and the channels removed
 */
export async function removeAllAccess(tx: DbOrTx, botId: string): Promise<{ grants: { id: string; system: string; scope: string; access: string }[]; channels: string[] }> {
  const removed = rowsOf<{ id: string; system: string; scope: string; access: string }>(
    await tx.execute(sql`
      delete from grants g using connected_systems s
      where g.bot_id = ${botId} and s.id = g.system_id
      returning g.id, s.key as system, g.scope, g.access`),
  );
  const channels = rowsOf<{ channels: string[] }>(
    await tx.execute(sql`
      update bots b set channels = '{}' from (select id, channels from bots where id = ${botId}) old
      where b.id = old.id and cardinality(old.channels) > 0
      returning old.channels`),
  )[0]?.channels ?? [];
  return { grants: removed, channels };
}
