import type { Db } from "@bridle/db";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";
import { recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import { notifyApprovalDecided } from "../../lib/approval-events.ts";

/** Requests expired per transaction; a backlog drains in several short transactions. */
const BATCH = 500;

/**
 * Marks pending requests whose `expiresAt` is at or before `now` as expired, with one
 * `approval.expire` audit event per request, in the same transaction as the change.
 * Rows a reviewer holds locked right now are skipped (`SKIP LOCKED`): that review sees the expiry
 * itself, and the next run picks up anything left. Safe to run on several replicas at once.
 * @returns the ids of the requests it expired
 */
export async function expireApprovalRequests(db: Db, now: Date = new Date()): Promise<string[]> {
  const expired: string[] = [];
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const rows = rowsOf<{ id: string; kind: string; bot_id: string; bot: string | null; expires_at: unknown }>(
        await tx.execute(sql`
          update approval_requests r set status = 'expired', decided_at = ${now}
          where r.id in (
            select id from approval_requests
            where status = 'pending' and expires_at <= ${now}
            order by expires_at limit ${BATCH} for update skip locked)
          returning r.id, r.kind, r.bot_id, (select b.name from bots b where b.id = r.bot_id) as bot, r.expires_at`),
      );
      for (const r of rows) {
        await recordAudit(tx, {
          actor: SYSTEM_ACTOR,
          action: "approval.expire",
          resourceType: "approval_request",
          resourceId: r.id,
          outcome: "success",
          details: { kind: r.kind, botId: r.bot_id, bot: r.bot ?? r.bot_id, expiresAt: r.expires_at instanceof Date ? r.expires_at.toISOString() : String(r.expires_at) },
        });
        await notifyApprovalDecided(tx, r.id);
      }
      return rows.map((r) => r.id);
    });
    expired.push(...batch);
    if (batch.length < BATCH) return expired;
  }
}
