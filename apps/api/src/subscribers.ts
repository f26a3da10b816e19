import { registerCredentialsSubscriber } from "./modules/credentials/index.ts";
import { registerFindingsSubscriber } from "./modules/findings/index.ts";
import { registerOffboardingSubscriber } from "./modules/offboarding/index.ts";

/**
 * Registers every module's in-transaction domain-event subscriber (lib/domain-events.ts). Called
 * by whatever starts writing: buildApp, prepareDatabase (the seed import) and the CLI. Idempotent.
 * The decision snapshot follows the change notices instead (decisions.module.ts).
 */
export function registerSubscribers(): void {
  // Before findings: a change of owner or scope marks the bot's credential references due, which
  // the findings subscriber then sees for the same event.
  registerCredentialsSubscriber();
  registerFindingsSubscriber();
  // After findings: a departure's cases open once the bots' findings show them orphaned.
  registerOffboardingSubscriber();
}
