import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";

/** The Postgres channel on which every replica hears that decision-relevant policy changed. */
export const POLICY_CHANNEL = "bridle_policy_changed";

/**
 * Tells every replica (LISTEN/NOTIFY) to rebuild its in-memory decision snapshot. Call inside the
 * transaction that changes org policy, gated-action rules, a bot's grants/channels/status, bot
 * tokens or exceptions: NOTIFY is delivered only when that transaction commits.
 */
export async function notifyPolicyChanged(tx: DbOrTx, reason: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${POLICY_CHANNEL}, ${reason.slice(0, 200)})`);
  for (const listener of localListeners) listener(reason);
}

type LocalListener = (reason: string) => void;
const localListeners = new Set<LocalListener>();

/**
 * In-process subscribers to policy changes made by THIS process. NOTIFY arrives only after the
 * change commits and a moment later; a local subscriber marks its snapshot stale at once, so a
 * decision asked after the change's answer was sent never uses the old policy on this replica.
 * @returns a function that unsubscribes
 */
export function onLocalPolicyChange(listener: LocalListener): () => void {
  localListeners.add(listener);
  return () => localListeners.delete(listener);
}
