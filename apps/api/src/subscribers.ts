import { registerCredentialsSubscriber } from "./modules/credentials/index.ts";
import { registerFindingsSubscriber } from "./modules/findings/index.ts";
import { registerOffboardingSubscriber } from "./modules/offboarding/index.ts";

/**
 * Registers every module's in-transaction domain-event subscriber (lib/domain-events.ts). Called
 * by whatever starts writing: buildApp, prepareDatabase (the seed import) and the CLI. Idempotent.
 * The decision snapshot follows the change notices instead (decisions.module.ts).
 */
export function registerSubscribers(): void {
  registerFindingsSubscriber();
  // After findings: a change that makes references due emits its own event, which recomputes findings again.
  registerCredentialsSubscriber();
  // After findings: a departure's cases open once the bots' findings show them orphaned.
  registerOffboardingSubscriber();
}
