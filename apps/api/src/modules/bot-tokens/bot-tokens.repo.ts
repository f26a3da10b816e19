import type { ZBotToken } from "@bridle/contracts";
import { botTokens, type DbOrTx } from "@bridle/db";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { toIso } from "../../lib/sql.ts";

export type TBotToken = z.infer<typeof ZBotToken>;

export type BotTokenRow = typeof botTokens.$inferSelect;

export const toBotToken = (r: BotTokenRow): TBotToken => ({
  id: r.id,
  botId: r.botId,
  name: r.name,
  prefix: r.prefix,
  createdAt: toIso(r.createdAt)!,
  expiresAt: toIso(r.expiresAt),
  lastUsedAt: toIso(r.lastUsedAt),
  revokedAt: toIso(r.revokedAt),
});

/** A bot's runtime tokens, newest first, revoked and expired ones included (values never). */
export async function listBotTokens(db: DbOrTx, botId: string): Promise<TBotToken[]> {
  const rows = await db.select().from(botTokens).where(eq(botTokens.botId, botId)).orderBy(desc(botTokens.createdAt), desc(botTokens.id));
  return rows.map(toBotToken);
}

export async function insertBotToken(
  db: DbOrTx,
  t: { botId: string; name: string; tokenHash: string; prefix: string; createdBy: string; expiresAt: Date },
): Promise<BotTokenRow> {
  const [row] = await db.insert(botTokens).values(t).returning();
  return row!;
}

/** Revokes one unrevoked token of the bot. @returns its hash (to drop it from memory), or null when there is none */
export async function revokeBotToken(db: DbOrTx, botId: string, id: string): Promise<{ tokenHash: string; name: string } | null> {
  const rows = await db
    .update(botTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(botTokens.id, id), eq(botTokens.botId, botId), isNull(botTokens.revokedAt)))
    .returning({ tokenHash: botTokens.tokenHash, name: botTokens.name });
  return rows[0] ?? null;
}
