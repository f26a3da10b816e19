import type { DbOrTx } from "@bridle/db";
import { subscribe, type DomainEvent } from "../../lib/domain-events.ts";
import { recomputeFindings, recomputeFindingsFor } from "./findings.service.ts";

/**
 * Which bots' findings an event may change: null for none (gated-action rules and
 * instructions are not findings inputs), "all" for org-wide changes, else the bots (their identity sharers are added
 * by recomputeFindingsFor). Exhaustive: a new event type must say what it does to findings.
 */
export function findingsScope(event: DomainEvent): readonly string[] | "all" | null {
  switch (event.type) {
    case "bot.created":
    case "bot.changed":
    case "bot.owner_changed":
    case "approval.applied":
    case "bot_token.created": // live runtime tokens are an input of `offboarding_incomplete`
    case "bot_token.revoked":
      return [event.botId];
    case "bots.changed":
    case "person.deactivated":
    case "person.reactivated":
    case "person.changed":
    case "credential_reference.changed":
      return event.botIds;
    // Heartbeats and enforcement gaps are inputs of `runtime_silent` and `enforcement_gap`.
    case "bot.runtime_changed":
      return event.botIds;
    case "inventory.imported":
      return event.systemKeys.length ? "all" : event.botIds;
    // A registry entry's status is an input of `unapproved_skill` for the bots naming that version.
    case "skill.changed":
      return event.botIds;
    case "org_policy.changed":
    case "system.changed":
      return "all";
    case "gated_action.changed":
    case "gated_action.override_changed":
    case "instructions.changed":
    case "access_review.changed":
    case "budget.changed": // a decision input, not a findings input
    case "leak_playbook.changed":
    case "kill_switch.changed": // a switch halts decisions; it is no finding
      return null;
    default:
      return event satisfies never;
  }
}

/** Past this many bots (a large import), one pass over the whole inventory costs less than looking each up. */
const WHOLE_INVENTORY_ABOVE = 2_000;

/** Recomputes, inside the emitting transaction, the findings an event may have changed. */
async function onEvent(tx: DbOrTx, event: DomainEvent) {
  const scope = findingsScope(event);
  if (scope === null) return;
  const whole = scope === "all" || scope.length > WHOLE_INVENTORY_ABOVE;
  const result = whole ? await recomputeFindings(tx) : await recomputeFindingsFor(tx, scope);
  return { findingsChanged: result.changed };
}

/** Registers the findings module's domain-event subscriber (at app startup; idempotent). */
export function registerFindingsSubscriber(): void {
  subscribe("findings", onEvent);
}
