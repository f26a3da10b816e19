import type { DbOrTx } from "@bridle/db";
import { subscribe, type DomainEvent } from "../../lib/domain-events.ts";
import { recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import { openCases } from "./offboarding.commands.ts";
import { closeCase, departedPerson, untouchedDepartureCases } from "./offboarding.repo.ts";

/**
 * When a person leaves (`person.deactivated`: SCIM `active: false` or DELETE, or IT's "Offboard
 * person"), opens an offboarding case for every live bot they owned, inside the deactivating
 * transaction: the cases commit with the departure, or not at all. The actor is Bridle itself
 * (`system`); the `person.deactivate` event beside it names who deactivated the person.
 */
async function onEvent(tx: DbOrTx, event: DomainEvent) {
  if (event.type === "person.reactivated") return cancelOnReturn(tx, event.botIds);
  if (event.type !== "person.deactivated" || event.botIds.length === 0) return;
  const person = await departedPerson(tx, event.personId);
  const who = person ? `${person.displayName} <${person.email}>` : "The owner";
  await openCases(tx, { botIds: event.botIds, trigger: "owner_departed", reason: `${who} left the organisation` }, SYSTEM_ACTOR);
}

/**
 * When a person comes back (`person.reactivated`: SCIM `active: true`, a deactivation undone),
 * the cases their departure opened for the bots they still own are cancelled, in the same
 * transaction, as long as nothing was done on them yet: the bot is no longer orphaned. A case
 * with a step done (a bot already paused or transferred halfway) stays open for IT to finish or
 * undo by hand. Audit: `offboarding.case_close` with outcome `cancelled` (actor: system).
 */
async function cancelOnReturn(tx: DbOrTx, botIds: readonly string[]) {
  const now = new Date();
  for (const c of await untouchedDepartureCases(tx, botIds)) {
    await closeCase(tx, c.id, { outcome: "cancelled", by: SYSTEM_ACTOR, at: now });
    await recordAudit(tx, {
      actor: SYSTEM_ACTOR,
      action: "offboarding.case_close",
      resourceType: "bot",
      resourceId: c.botId,
      outcome: "success",
      details: { caseId: c.id, botId: c.botId, bot: c.botName, outcome: "cancelled" },
    });
  }
}

/** Registers the offboarding module's domain-event subscriber (at app startup; idempotent). */
export function registerOffboardingSubscriber(): void {
  subscribe("offboarding", onEvent);
}
