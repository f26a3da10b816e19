import type { TApprovalRequest } from "@bridle/contracts";
import { approvalRequests, type DbOrTx } from "@bridle/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { rowsOf, toDate } from "../../lib/sql.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import { displayStatus } from "./approvals.view.ts";

/**
 * The runtime side of the approval lifecycle, as commands and queries the decisions module calls
 * (approvals/index.ts): a gated action opens a request, its long-poll reads it, an approved one
 * is used once.
 */

export type RuntimeRequestRow = typeof approvalRequests.$inferSelect;

/**
 * Opens the gated-action approval request for (bot, runtime request id) unless one exists:
 * `insert ... on conflict do nothing` on the unique index, so concurrent retries open exactly one.
 * A request it opens is audited (`approval.request`, actor: the bot) in the same transaction.
 * @returns the new row, or null when the request id was already used by this bot
 */
export async function openGatedActionRequest(
  tx: DbOrTx,
  r: {
    botId: string;
    runtimeRequestId: string;
    paramsHash: string;
    payload: Record<string, unknown>;
    approverRole: string;
    approvalsRequired: number;
    expiresAt: Date;
    createdAt: Date;
    /** what the audit event says about the request: the bot's name, the action and its target */
    audit: { bot: string; action: string; target: Record<string, string>; httpRequestId: string; sessionId: string | null };
  },
  actor: Actor,
): Promise<RuntimeRequestRow | null> {
  const rows = await tx
    .insert(approvalRequests)
    .values({
      kind: "gated_action",
      botId: r.botId,
      requesterBotId: r.botId,
      status: "pending",
      payload: r.payload,
      approverRole: r.approverRole,
      approvalsRequired: r.approvalsRequired,
      runtimeRequestId: r.runtimeRequestId,
      paramsHash: r.paramsHash,
      expiresAt: r.expiresAt,
      createdAt: r.createdAt,
    })
    .onConflictDoNothing({ target: [approvalRequests.botId, approvalRequests.runtimeRequestId] })
    .returning();
  const opened = rows[0] ?? null;
  if (opened)
    await recordAudit(tx, {
      actor,
      action: "approval.request",
      resourceType: "approval_request",
      resourceId: opened.id,
      outcome: "success",
      requestId: r.audit.httpRequestId,
      sessionId: r.audit.sessionId,
      details: {
        kind: "gated_action",
        botId: r.botId,
        bot: r.audit.bot,
        action: r.audit.action,
        target: r.audit.target,
        runtimeRequestId: r.runtimeRequestId,
        paramsHash: r.paramsHash,
        approverRole: r.approverRole,
        approvalsRequired: r.approvalsRequired,
      },
    });
  return opened;
}

export async function findRuntimeRequest(tx: DbOrTx, botId: string, runtimeRequestId: string): Promise<RuntimeRequestRow | null> {
  const rows = await tx
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.botId, botId), eq(approvalRequests.runtimeRequestId, runtimeRequestId)))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Uses an approved request: sets `consumed_at` once. `used` when it was already used, `stale`
 * when it was not used in time after the decision: the row lock makes a concurrent second use wait and then find it consumed.
 */
export async function consumeApproval(tx: DbOrTx, id: string, at: Date): Promise<"ok" | "used" | "stale"> {
  const rows = await tx
    .update(approvalRequests)
    .set({ consumedAt: at })
    .where(
      and(
        eq(approvalRequests.id, id),
        eq(approvalRequests.status, "approved"),
        isNull(approvalRequests.consumedAt),
        // An approval does not keep: it must be used within the request's time to live after
        // the decision (expires_at - created_at), so banked approvals go stale.
        sql`${approvalRequests.decidedAt} + (${approvalRequests.expiresAt} - ${approvalRequests.createdAt}) > ${at}`,
      ),
    )
    .returning({ id: approvalRequests.id });
  if (rows.length > 0) return "ok";
  // Read after the update: a concurrent use that won the row lock has set consumed_at by now.
  const [row] = await tx.select({ consumedAt: approvalRequests.consumedAt }).from(approvalRequests).where(eq(approvalRequests.id, id));
  return row?.consumedAt ? "used" : "stale";
}

export type ApprovalAccess = {
  id: string;
  botId: string;
  botOwnerId: string | null;
  requesterPersonId: string | null;
  requesterBotId: string | null;
  status: TApprovalRequest["status"];
  expiresAt: Date;
};

/** Who may see a request, and its (effective) status: the cheap read the long-poll repeats. */
export async function getApprovalRequestAccess(db: DbOrTx, id: string, now = new Date()): Promise<ApprovalAccess | null> {
  const res = await db.execute(sql`
    select r.id, r.bot_id, b.owner_id, r.requester_person_id, r.requester_bot_id, r.status, r.expires_at
    from approval_requests r join bots b on b.id = r.bot_id where r.id = ${id}`);
  const r = rowsOf<{
    id: string;
    bot_id: string;
    owner_id: string | null;
    requester_person_id: string | null;
    requester_bot_id: string | null;
    status: TApprovalRequest["status"];
    expires_at: unknown;
  }>(res)[0];
  if (!r) return null;
  const expiresAt = toDate(r.expires_at)!;
  return {
    id: r.id,
    botId: r.bot_id,
    botOwnerId: r.owner_id,
    requesterPersonId: r.requester_person_id,
    requesterBotId: r.requester_bot_id,
    status: displayStatus(r.status, expiresAt, now),
    expiresAt,
  };
}

/** Of these request ids, the ones no longer pending (decided, or past their expiry). */
export async function settledAmong(db: DbOrTx, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const res = await db.execute(sql`
    select id from approval_requests
    where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)
      and (status <> 'pending' or expires_at <= now())`);
  return rowsOf<{ id: string }>(res).map((r) => r.id);
}
