/**
 * The bots module's door. It owns `bots`, `grants`, `service_accounts`, `credential_references`,
 * `golden_rule_exceptions`: nothing outside this module writes them.
 * - routes: `botsRoutes` (`/bots`), wired with `createBotsService`;
 * - queries: `findBotRow`, `getBotDetail` (one bot), `loadRefs`, `botIdsByName`, and the pure
 *   `resolveBotInput` / `rawReferenceErrors` that turn an input into a `ResolvedBot`;
 * - commands, inside the caller's transaction (the caller audits what it changed):
 *   `writeBot` (create or replace a bot with its grants, credentials and exception; the import),
 *   `lockBotForChange`, `addGrant`, `approveException`, `assignOwner`, `markBotChanged` (an
 *   approved request applied), `storeFindings` (the findings module), `botsOwnedBy` and
 *   `liveBotsOwnedBy` (the bots a departure orphans).
 */
export { botsRoutes } from "./bots.routes.ts";
export { createBotsService, type BotsService, type CancelPendingTransfers } from "./bots.service.ts";
export { botIdsByName, findBotRow, getBotDetail, loadRefs, writeBot, type BotRow, type Refs, type ResolvedBot } from "./bots.repo.ts";
export { rawReferenceErrors, resolveBotInput } from "./bots.resolve.ts";
export {
  addGrant,
  approveException,
  assignOwner,
  botsOwnedBy,
  lockBotForChange,
  markBotChanged,
  liveBotsOwnedBy,
  storeFindings,
} from "./bots.commands.ts";
