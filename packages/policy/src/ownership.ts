import type { TFinding } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { BotFacts } from "./types.ts";

/** A bot needs a named owner who is still an active person. */
export function checkOwner(owner: BotFacts["owner"]): TFinding | null {
  if (owner === null) {
    return makeFinding("orphaned", "The bot has no owner.", { owner: null }, "Assign the bot to an active owner, or offboard it.");
  }
  if (owner.status === "active") return null;
  return makeFinding(
    "orphaned",
    `The bot's owner ${owner.email} has left the organisation (account ${owner.status}).`,
    { owner: owner.email, ownerStatus: owner.status },
    `Transfer the bot to an active owner, or offboard it as part of ${owner.email}'s offboarding.`,
  );
}
