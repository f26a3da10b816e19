/**
 * The offboarding module's door. It owns `offboarding_cases` and `offboarding_steps`: nothing
 * outside this module writes them.
 * - commands, inside the caller's transaction: `openOffboardingCase(tx, { botId, trigger, reason },
 *   actor)` (idempotent: one open case per bot; audited `offboarding.case_open`);
 * - subscriber: `registerOffboardingSubscriber`: a `person.deactivated` domain event opens a case
 *   for each bot the person owned, in the same transaction.
 */
export { openOffboardingCase, type OffboardingCase } from "./offboarding.commands.ts";
export { registerOffboardingSubscriber } from "./offboarding.subscriber.ts";
