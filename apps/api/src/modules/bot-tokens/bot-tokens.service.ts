import type { Db } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { hashToken, newToken } from "../../lib/crypto.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import { canManageBot } from "../../lib/permissions.ts";
import { emit } from "../../lib/domain-events.ts";
import { isUuid } from "../../lib/sql.ts";
import { actorOf, type AuditAction, denied, recordAudit } from "../audit/index.ts";
import { findBotRow } from "../bots/index.ts";
import * as repo from "./bot-tokens.repo.ts";
import type { TBotToken } from "./bot-tokens.repo.ts";

const DAY = 86_400_000;

/** Bot runtime tokens look like `brdl_bot_<32 random bytes, base64url>`. */
export const BOT_TOKEN_PREFIX = "brdl_bot";

/**
 * This replica's in-memory copy of the live bot tokens (the decisions module's snapshot), told at
 * once when a token is created or revoked here; passed in by the decisions module's wiring.
 */
export type BotTokenCache = {
  addToken(t: { id: string; botId: string; tokenHash: string; expiresAt: Date | null; lastUsedAt: Date | null }): void;
  forgetToken(tokenHash: string): void;
};

/**
 * Bot runtime tokens (the credential an agent runtime sends to `POST /decisions`): one bot each,
 * named, always expiring, shown once, stored as SHA-256, revocable at once. Managed by the bot's
 * owner or anyone with `bots.write_all` (IT, admin); denied attempts are audited.
 *
 * Creating or revoking one emits `bot_token.created` / `.revoked` so every replica's decision snapshot follows,
 * and updates this replica's snapshot directly, so a revoked token is refused from the very next
 * request here.
 */
export function createBotTokensService(deps: { db: Db; snapshot: BotTokenCache }) {
  const { db, snapshot } = deps;

  async function manageableBot(ctx: RequestCtx, botId: string, attempt: { action: AuditAction; what: string }) {
    const bot = isUuid(botId) ? await findBotRow(db, botId) : null;
    if (!bot) throw notFound("Bot");
    if (!canManageBot(ctx.principal, bot)) throw await denied(db, ctx, { action: attempt.action, resourceType: "bot", resourceId: botId, what: attempt.what });
    return bot;
  }

  async function list(ctx: RequestCtx, botId: string): Promise<TBotToken[]> {
    await manageableBot(ctx, botId, { action: "access.denied", what: "list this bot's runtime tokens" });
    return repo.listBotTokens(db, botId);
  }

  /** Errors: 404 no such bot, 403 (audited) not the owner nor `bots.write_all`, 409 offboarded bot. */
  async function create(ctx: RequestCtx, botId: string, input: { name: string; expiresInDays: number }): Promise<TBotToken & { token: string }> {
    const bot = await manageableBot(ctx, botId, { action: "bot_token.create", what: "create runtime tokens for this bot" });
    if (bot.status === "offboarded") throw new AppError("conflict", `${bot.name} is offboarded; an offboarded bot gets no runtime tokens`);
    const token = newToken(BOT_TOKEN_PREFIX);
    const row = await db.transaction(async (tx) => {
      const t = await repo.insertBotToken(tx, {
        botId,
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 13),
        createdBy: ctx.principal.personId,
        expiresAt: new Date(Date.now() + input.expiresInDays * DAY),
      });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "bot_token.create",
        resourceType: "bot_token",
        resourceId: t.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId, bot: bot.name, name: input.name, prefix: t.prefix, expiresAt: t.expiresAt },
      });
      await emit(tx, { type: "bot_token.created", botId, tokenId: t.id });
      return t;
    });
    snapshot.addToken({ id: row.id, botId, tokenHash: row.tokenHash, expiresAt: row.expiresAt, lastUsedAt: null });
    return { ...repo.toBotToken(row), token };
  }

  /** Revokes at once. Errors: 404 no such bot or no such unrevoked token of it, 403 (audited). */
  async function revoke(ctx: RequestCtx, botId: string, tokenId: string): Promise<void> {
    const bot = await manageableBot(ctx, botId, { action: "bot_token.revoke", what: "revoke this bot's runtime tokens" });
    const revoked = await db.transaction(async (tx) => {
      const r = await repo.revokeBotToken(tx, botId, tokenId);
      if (!r) throw notFound("Token");
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "bot_token.revoke",
        resourceType: "bot_token",
        resourceId: tokenId,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId, bot: bot.name, name: r.name },
      });
      await emit(tx, { type: "bot_token.revoked", botId, tokenId });
      return r;
    });
    snapshot.forgetToken(revoked.tokenHash);
  }

  return { list, create, revoke };
}
export type BotTokensService = ReturnType<typeof createBotTokensService>;
