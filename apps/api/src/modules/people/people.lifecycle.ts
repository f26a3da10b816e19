import { people, type DbOrTx } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { emit } from "../../lib/domain-events.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import { revokeSessionsOf } from "../auth/index.ts";
import { botsOwnedBy, liveBotsOwnedBy } from "../bots/index.ts";
import { revokeTokensOf } from "../tokens/index.ts";

/**
 * Deactivates a person (SCIM `active: false` or DELETE, or an admin): ends their sessions at
 * once, revokes their personal API tokens, audits `bot.owner_deprovisioned` on each bot they own,
 * and emits `person.deactivated` naming those bots (what a later offboarding workflow subscribes
 * to). Nothing about the bots is deleted; their findings are recomputed, so they show as orphaned,
 * and every replica's decision snapshot refreshes them when this commits, so those bots get only
 * read-only actions allowed from then on (BR-ORPHANED). Call inside a transaction.
 * @returns the ids of the bots that lost their owner; [] when the person was already inactive
 */
export async function deactivatePerson(
  tx: DbOrTx,
  personId: string,
  ctx: { actor: Actor; requestId: string | null; reason: string },
): Promise<string[]> {
  const now = new Date();
  const [person] = await tx
    .update(people)
    .set({ status: "deactivated", deactivatedAt: now, updatedAt: now })
    .where(and(eq(people.id, personId), eq(people.status, "active")))
    .returning({ id: people.id, email: people.email });
  if (!person) return [];
  const sessionsEnded = await revokeSessionsOf(tx, personId, now);
  const tokensRevoked = await revokeTokensOf(tx, personId, now);
  const owned = await liveBotsOwnedBy(tx, personId);
  if (owned.length) {
    for (const b of owned)
      await recordAudit(tx, {
        actor: ctx.actor,
        action: "bot.owner_deprovisioned",
        resourceType: "bot",
        resourceId: b.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: b.name, owner: person.email },
      });
    await emit(tx, { type: "person.deactivated", personId, botIds: owned.map((b) => b.id) });
  }
  await recordAudit(tx, {
    actor: ctx.actor,
    action: "person.deactivate",
    resourceType: "person",
    resourceId: personId,
    outcome: "success",
    requestId: ctx.requestId,
    details: {
      email: person.email,
      reason: ctx.reason,
      sessionsEnded,
      tokensRevoked,
      botsOrphaned: owned.map((b) => b.name),
    },
  });
  return owned.map((b) => b.id);
}

/** Reactivates a person (SCIM `active: true`). Their bots' findings and decision snapshot entries are refreshed. */
export async function reactivatePerson(tx: DbOrTx, personId: string, ctx: { actor: Actor; requestId: string | null }) {
  const [person] = await tx
    .update(people)
    .set({ status: "active", deactivatedAt: null, updatedAt: new Date() })
    .where(and(eq(people.id, personId), eq(people.status, "deactivated")))
    .returning({ id: people.id, email: people.email });
  if (!person) return false;
  const owned = await botsOwnedBy(tx, personId);
  if (owned.length > 0) await emit(tx, { type: "person.reactivated", personId, botIds: owned });
  await recordAudit(tx, {
    actor: ctx.actor,
    action: "person.reactivate",
    resourceType: "person",
    resourceId: personId,
    outcome: "success",
    requestId: ctx.requestId,
    details: { email: person.email },
  });
  return true;
}

/**
 * Tells whoever shows a person as a bot's owner that their email or display name changed (SCIM):
 * emits `person.changed` naming the bots they own, so those bots' findings and every replica's
 * decision snapshot (which name the owner in `owner_departed` refusals) follow. Call inside the
 * transaction that changed the person.
 */
export async function personChanged(tx: DbOrTx, personId: string): Promise<void> {
  const owned = await botsOwnedBy(tx, personId);
  if (owned.length > 0) await emit(tx, { type: "person.changed", personId, botIds: owned });
}
