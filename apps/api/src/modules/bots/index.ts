/**
 * The bots module's door. It owns `bots`, `grants`, `service_accounts`, `golden_rule_exceptions`:
 * nothing outside this module writes them (credential references belong to the credentials module).
 * - routes: `botsRoutes` (`/bots`), wired with `createBotsService` (given the credentials module's
 *   `replaceCredentialReferences` by the wiring);
 * - queries: `findBotRow`, `getBotDetail` (one bot), `loadRefs`, `botIdsByName`, and the pure
 *   `resolveBotInput` / `rawReferenceErrors` that turn an input into a `ResolvedBot`;
 * - commands, inside the caller's transaction (the caller audits what it changed):
 *   `writeBot` (create or replace a bot with its grants, service accounts and exception; the
 *   import; the caller writes its credential references through the credentials module),
 *   `lockBotForChange`, `addGrant`, `approveException`, `assignOwner`, `markBotChanged` (an
 *   approved request applied), `storeFindings` (the findings module), `botsOwnedBy` and
 *   `liveBotsOwnedBy` (the bots a departure orphans), `removeGrants`, `removeChannels` and
 *   `setLastReviewed` (an access review's reduce and its completion), `removeAllAccess` and `setBotStatus`
 *   (offboarding's pause and `offboarded`; the orphan job's pause);
 * - `botScopeFacts`: each live bot's team, channels and allowed tools (the kill switch's scopes).
 */
export { botsRoutes } from "./bots.routes.ts";
export { createBotsService, type BotsService, type CancelPendingTransfers, type ReplaceCredentialReferences } from "./bots.service.ts";
export { botIdsByName, findBotRow, getBotDetail, loadRefs, writeBot, type BotRow, type Refs, type ResolvedBot } from "./bots.repo.ts";
export { rawReferenceErrors, resolveBotInput } from "./bots.resolve.ts";
export {
  addGrant,
  approveException,
  assignOwner,
  botsOwnedBy,
  removeAllAccess,
  lockBotForChange,
  markBotChanged,
  liveBotsOwnedBy,
  removeChannels,
  removeGrants,
  setBotStatus,
  setLastReviewed,
  storeFindings,
} from "./bots.commands.ts";
export { botScopeFacts, type BotScopeRow } from "./bots.scope.ts";
