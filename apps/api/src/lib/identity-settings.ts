import { identitySettings, type DbOrTx } from "@bridle/db";
import { eq } from "drizzle-orm";

export type IdentitySettingsRow = typeof identitySettings.$inferSelect;

/** The identity settings row (created by the migration; defaults if somehow missing). */
export async function loadIdentitySettings(db: DbOrTx): Promise<IdentitySettingsRow> {
  const [row] = await db.select().from(identitySettings).where(eq(identitySettings.id, 1)).limit(1);
  if (row) return row;
  const [created] = await db.insert(identitySettings).values({ id: 1 }).onConflictDoNothing().returning();
  return created ?? (await db.select().from(identitySettings).where(eq(identitySettings.id, 1)))[0]!;
}
