import type { DbOrTx } from "@bridle/db";
import { notifyApprovalDecided } from "../../lib/approval-events.ts";
import { recordAudit, type Actor } from "../audit/index.ts";
import * as repo from "./approvals.repo.ts";

/**
 * Command for the bots module, inside its transaction: when a bot's owner changes by a direct
 * transfer (POST /bots/{id}/transfer), its pending ownership transfer requests no longer apply
 * (they were asked of the previous owner's bot), so each is cancelled, with an `approval.cancel`
 * audit event naming `reason`; otherwise approving one later would give the bot away again.
 * @returns the ids of the cancelled requests
 */
export async function cancelPendingTransfers(tx: DbOrTx, a: { botId: string; actor: Actor; requestId: string | null; reason: string }): Promise<string[]> {
  const pending = await repo.lockPendingOfBot(tx, a.botId, "ownership_transfer");
  const now = new Date();
  const bot = pending.length ? await repo.botNameOf(tx, a.botId) : "";
  for (const r of pending) {
    await repo.setStatus(tx, r.id, "cancelled", now);
    await recordAudit(tx, {
      actor: a.actor,
      action: "approval.cancel",
      resourceType: "approval_request",
      resourceId: r.id,
      outcome: "success",
      requestId: a.requestId,
      details: { kind: r.kind, botId: r.botId, bot, reason: a.reason },
    });
    await notifyApprovalDecided(tx, r.id);
  }
  return pending.map((r) => r.id);
}
