import type { TCredentialReference } from "@bridle/contracts";
import { bots, connectedSystems, credentialReferences, type DbOrTx } from "@bridle/db";
import { and, asc, eq, inArray } from "drizzle-orm";
import { toIso } from "../../lib/sql.ts";

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
 * Makes the bot's references the `desired` set, matched by system and reference: a reference that
 * stays keeps its id, creation date and status (revoked stays revoked; one due for rotation
 * becomes active again when its last rotation moves past the date it became due); the others are
 * removed or added (active).
 */
export async function replaceReferences(tx: DbOrTx, botId: string, desired: readonly DesiredReference[]) {
  const current = await tx.select().from(credentialReferences).where(eq(credentialReferences.botId, botId)).for("update");
  const key = (systemId: string, reference: string) => `${systemId}\u0000${reference}`;
  const byKey = new Map(current.map((c) => [key(c.systemId, c.reference), c]));
  const kept = new Set<string>();
  const toInsert: DesiredReference[] = [];
  for (const d of desired) {
    const k = key(d.systemId, d.reference);
    const old = byKey.get(k);
    if (!old) {
      if (!toInsert.some((t) => key(t.systemId, t.reference) === k)) toInsert.push(d);
      continue;
    }
    if (kept.has(old.id)) continue;
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
