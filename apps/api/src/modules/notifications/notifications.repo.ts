import { notifications, type DbOrTx } from "@bridle/db";

export type NewNotification = typeof notifications.$inferInsert;

/** Writes the rows of one notify call; returns their ids in the order given. */
export async function insertNotifications(db: DbOrTx, rows: readonly NewNotification[]): Promise<string[]> {
  if (!rows.length) return [];
  const written = await db.insert(notifications).values([...rows]).returning({ id: notifications.id, recipientId: notifications.recipientId });
  const byRecipient = new Map(written.map((w) => [w.recipientId, w.id]));
  return rows.map((r) => byRecipient.get(r.recipientId)!);
}
