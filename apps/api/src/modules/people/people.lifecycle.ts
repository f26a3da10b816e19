import { people, type DbOrTx } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { notifyPolicyChanged } from "../../lib/policy-events.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import { revokeSessionsOf } from "../auth/index.ts";
import { botsOwnedBy, recordOwnerDeprovisioned } from "../bots/index.ts";
import { recomputeFindings } from "../findings/index.ts";
import { revokeTokensOf } from "../tokens/index.ts";

/**
 * Deactivates a person (SCIM `active: false` or DELETE, or an admin): ends their sessions at
 * once, revokes their personal API tokens, and records an `owner_deprovisioned` event on each bot
 * they own that the offboarding workflow picks up. Nothing about the bots is deleted; their
 * findings are recomputed, so they show as orphaned, and every replica's decision snapshot is told
 * (NOTIFY on commit), so those bots get only read-only actions allowed from then on (BR-ORPHANED).
 * Call inside a transaction.
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
  const owned = await recordOwnerDeprovisioned(tx, { personId, email: person.email, reason: ctx.reason });
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
    await recomputeFindings(tx);
    for (const b of owned) await notifyPolicyChanged(tx, `bot:${b.id} owner deactivated`);
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
  if (owned.length > 0) await recomputeFindings(tx);
  for (const id of owned) await notifyPolicyChanged(tx, `bot:${id} owner reactivated`);
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
