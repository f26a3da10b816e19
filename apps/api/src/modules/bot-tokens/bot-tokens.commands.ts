import { botTokens, type DbOrTx } from "@bridle/db";
import { and, eq, isNull } from "drizzle-orm";
import { emit } from "../../lib/domain-events.ts";
import { recordAudit, type Actor } from "../audit/index.ts";

/**
 * Revokes every unrevoked runtime token of the bot (offboarding), inside the caller's transaction.
 * Idempotent: a second call revokes nothing and records nothing. Emits `bot_token.revoked` per
 * token, so every replica's decision snapshot drops them when this commits, unless `emit: false`:
 * then the caller emits one event naming the bot (`bot.changed`, which refreshes the bot with its
 * tokens and its findings) for everything it changed in the same transaction.
 * Audit: one `bot_token.revoke` per token revoked (resource the token; details the bot, the name
 * and `reason`).
 * @returns the tokens revoked by this call (id, name, prefix); [] when there were none
 */
export async function revokeBotTokensOf(
  tx: DbOrTx,
  input: { botId: string; botName: string; reason: string; emit?: boolean },
  actor: Actor,
): Promise<{ id: string; name: string; prefix: string | null }[]> {
  const now = new Date();
  const revoked = await tx
    .update(botTokens)
    .set({ revokedAt: now })
    .where(and(eq(botTokens.botId, input.botId), isNull(botTokens.revokedAt)))
    .returning({ id: botTokens.id, name: botTokens.name, prefix: botTokens.prefix });
  for (const t of revoked) {
    await recordAudit(tx, {
      actor,
      action: "bot_token.revoke",
      resourceType: "bot_token",
      resourceId: t.id,
      outcome: "success",
      details: { botId: input.botId, bot: input.botName, name: t.name, reason: input.reason },
    });
    if (input.emit !== false) await emit(tx, { type: "bot_token.revoked", botId: input.botId, tokenId: t.id });
  }
  return revoked;
}

/** How many runtime tokens of the bot are live (not revoked, not expired) at `now`. */
export async function liveBotTokenCount(db: DbOrTx, botId: string, now: Date): Promise<number> {
  const rows = await db.select({ id: botTokens.id, expiresAt: botTokens.expiresAt }).from(botTokens).where(and(eq(botTokens.botId, botId), isNull(botTokens.revokedAt)));
  return rows.filter((r) => r.expiresAt === null || r.expiresAt.getTime() > now.getTime()).length;
}
