import type { DbOrTx } from "@bridle/db";
import { subscribe, type DomainEvent } from "../../lib/domain-events.ts";
import { SYSTEM_ACTOR } from "../audit/index.ts";
import { openCases } from "./offboarding.commands.ts";
import { departedPerson } from "./offboarding.repo.ts";

/**
 * When a person leaves (`person.deactivated`: SCIM `active: false` or DELETE, or IT's "Offboard
 * person"), opens an offboarding case for every live bot they owned, inside the deactivating
 * transaction: the cases commit with the departure, or not at all. The actor is Bridle itself
 * (`system`); the `person.deactivate` event beside it names who deactivated the person.
 */
async function onEvent(tx: DbOrTx, event: DomainEvent) {
  if (event.type !== "person.deactivated" || event.botIds.length === 0) return;
  const person = await departedPerson(tx, event.personId);
  const who = person ? `${person.displayName} <${person.email}>` : "The owner";
  await openCases(tx, { botIds: event.botIds, trigger: "owner_departed", reason: `${who} left the organisation` }, SYSTEM_ACTOR);
}

/** Registers the offboarding module's domain-event subscriber (at app startup; idempotent). */
export function registerOffboardingSubscriber(): void {
  subscribe("offboarding", onEvent);
}
