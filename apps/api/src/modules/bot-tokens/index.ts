/**
 * The bot-tokens module's door. It owns `bot_tokens` (bot runtime credentials).
 * - routes: `botTokensRoutes` (`/bots/{id}/tokens`), wired with `createBotTokensService` by the
 *   decisions module, which passes its snapshot as the `BotTokenCache`;
 * - commands, inside the caller's transaction: `revokeBotTokensOf(tx, { botId, botName, reason },
 *   actor)` (offboarding; audited `bot_token.revoke` per token, idempotent); query
 *   `liveBotTokenCount(db, botId, now)`;
 * - `BOT_TOKEN_PREFIX`: how a runtime token starts (the decisions module's authentication).
 * The decision log stamps `last_used_at` in its group-commit statement (docs/ARCHITECTURE.md,
 * "Exceptions").
 */
export { botTokensRoutes } from "./bot-tokens.routes.ts";
export { BOT_TOKEN_PREFIX, createBotTokensService, type BotTokenCache, type BotTokensService } from "./bot-tokens.service.ts";
export { liveBotTokenCount, revokeBotTokensOf } from "./bot-tokens.commands.ts";
