import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";

/**
 * The Postgres channel on which every replica hears that an approval request left `pending`
 * (approved, denied, expired, cancelled). Payload: the request id. Runtimes long-polling
 * `GET /api/v1/approval-requests/{id}?wait=N` are answered as soon as it arrives.
 */
export const APPROVAL_CHANNEL = "bridle_approval_decided";

/**
 * Wakes the long-polls waiting on approval request `id`. Call inside the transaction that changes
 * the request's status (approve, deny, expire, cancel): NOTIFY is delivered only when that
 * transaction commits, so a woken waiter always reads the new status.
 */
export async function notifyApprovalDecided(tx: DbOrTx, id: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${APPROVAL_CHANNEL}, ${id})`);
}
