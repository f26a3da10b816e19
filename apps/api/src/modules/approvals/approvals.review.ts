import { parseApprovalPayload, type TApprovalRequest } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { looksLikeBotEmail, reviewRefusal, type ReviewRefusal } from "@bridle/policy";
import { notifyApprovalDecided } from "../../lib/approval-events.ts";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import { actorOf, denied, recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import { applyApproved } from "./approvals.apply.ts";
import * as repo from "./approvals.repo.ts";

import { getApprovalRequestView } from "./approvals.view.ts";
import { isUniqueViolation } from "../../lib/sql.ts";

/** What a refused reviewer is told: "You do not have permission to <this>". */
const REFUSED_TO: Record<ReviewRefusal, (approverRole: string) => string> = {
  bot_identity: () => "review approval requests: only humans review, and this account carries a bot mailbox",
  own_request: () => "review your own request: someone else must decide it",
  own_bot: () => "review a request about a bot you own: someone else must decide it",
  transfer_to_self: () => "review a transfer of a bot to yourself: someone else must decide it",
  wrong_role: (approverRole) => `review this request: it needs the ${approverRole} role`,
};

/** 409 for a request that is no longer pending, saying what happened to it. */
function notPending(r: repo.RequestRow): AppError {
  const when = r.decidedAt ? ` at ${r.decidedAt.toISOString()}` : "";
  const again = "; open a new request if it is still needed";
  switch (r.status) {
    case "approved":
      return new AppError("conflict", `This request was already approved${when}`, { status: r.status });
    case "denied":
      return new AppError("conflict", `This request was denied${when}; a denied request cannot be approved${again}`, { status: r.status });
    case "expired":
      return new AppError("conflict", `This request expired${when}; an expired request cannot be reviewed${again}`, { status: r.status });
    case "cancelled":
      return new AppError("conflict", `This request was cancelled${when}: withdrawn by its requester, or moot after the bot was transferred directly`, {
        status: r.status,
      });
    default:
      return new AppError("conflict", `This request is ${r.status}`, { status: r.status });
  }
}

/**
 * Approve, deny and withdraw. The rules (DESIGN.md "Approval request", and approvals.rules.ts):
 * only humans review; the requester and the bot's owner never do; the reviewer holds the
 * request's approver role exactly; each person reviews a request once (unique index); one deny
 * ends it; it is approved when `approvalsRequired` distinct people approved (dual control = 2),
 * and only then applied. The request row is locked (`SELECT ... FOR UPDATE`) for the whole
 * review transaction, so two reviewers at the same moment are serialized: the change is applied
 * exactly once and the later reviewer gets 409.
 */
export function createApprovalReviewService(deps: { db: Db }) {
  const { db } = deps;

  async function review(ctx: RequestCtx, id: string, decision: "approve" | "deny", note: string | undefined): Promise<TApprovalRequest> {
    const action = decision === "approve" ? "approval.approve" : "approval.deny";
    const found = await repo.findRequestWithOwner(db, id);
    if (!found) throw notFound("Approval request");
    const me = ctx.principal;
    const facts = await repo.botEmailFacts(db, me.email);
    const parsed = parseApprovalPayload(found.request.kind, found.request.payload);
    const code = reviewRefusal(
        {
          personId: me.personId,
          email: me.email,
          roles: me.roles,
          isBotIdentity: looksLikeBotEmail(me.email, facts.domain, facts.isKnownBotEmail ? [me.email] : []),
        },
        {
          requesterPersonId: found.request.requesterPersonId,
          approverRole: found.request.approverRole,
          botOwnerId: found.botOwnerId,
          transferToEmail: parsed?.kind === "ownership_transfer" ? parsed.payload.toEmail : null,
        },
      );
    const refusal =
      (code ? REFUSED_TO[code](found.request.approverRole) : null) ??
      // Reviewers read the bot's whole scope; a token narrowed below `bots.read_all` does not review.
      (can(me, "bots.read_all") ? null : "review approval requests with a token that cannot read every bot");
    if (refusal) throw await denied(db, ctx, { action, resourceType: "approval_request", resourceId: id, what: refusal });

    const outcome = await db
      .transaction(async (tx) => {
        const r = await repo.lockRequest(tx, id);
        if (!r) throw notFound("Approval request");
        if (r.status !== "pending") throw notPending(r);
        const now = new Date();
        const bot = await repo.botNameOf(tx, r.botId);
        if (r.expiresAt.getTime() <= now.getTime()) {
          // Expire it now, in this transaction, so it commits even though the review is refused.
          await repo.setStatus(tx, id, "expired", now);
          await recordAudit(tx, {
            actor: SYSTEM_ACTOR,
            action: "approval.expire",
            resourceType: "approval_request",
            resourceId: id,
            outcome: "success",
            requestId: ctx.requestId,
            details: { kind: r.kind, botId: r.botId, bot, expiresAt: r.expiresAt.toISOString(), noticedBy: me.email },
          });
          await notifyApprovalDecided(tx, id);
          return { expiredAt: r.expiresAt };
        }
        if (await repo.hasReviewed(tx, id, me.personId))
          throw new AppError("conflict", "You already reviewed this request; another reviewer must decide the rest");
        await repo.insertReview(tx, { requestId: id, reviewerPersonId: me.personId, decision, note: note ?? null });
        await recordAudit(tx, {
          actor: actorOf(me),
          action,
          resourceType: "approval_request",
          resourceId: id,
          outcome: "success",
          requestId: ctx.requestId,
          details: { kind: r.kind, botId: r.botId, bot, note: note ?? null },
        });
        if (decision === "deny") {
          await repo.setStatus(tx, id, "denied", now);
          await notifyApprovalDecided(tx, id);
          return { expiredAt: null };
        }
        const approvers = await repo.approversOf(tx, id);
        if (approvers.length < r.approvalsRequired) return { expiredAt: null };
        await repo.setStatus(tx, id, "approved", now);
        const applied = await applyApproved(tx, r, approvers, now);
        await recordAudit(tx, {
          actor: actorOf(me),
          action: "approval.apply",
          resourceType: r.kind === "gated_action" ? "approval_request" : "bot",
          resourceId: r.kind === "gated_action" ? id : r.botId,
          outcome: "success",
          requestId: ctx.requestId,
          details: { requestId: id, kind: r.kind, bot, approvers: approvers.map((a) => a.email), ...applied.changes },
        });
        await notifyApprovalDecided(tx, id);
        return { expiredAt: null };
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw new AppError("conflict", "You already reviewed this request; another reviewer must decide the rest");
        throw e;
      });
    if (outcome.expiredAt)
      throw new AppError("conflict", `This request expired at ${outcome.expiredAt.toISOString()}; an expired request cannot be reviewed; open a new request if it is still needed`, {
        status: "expired",
      });
    return (await getApprovalRequestView(db, id))!;
  }

  /** The requester withdraws their own pending request (status `cancelled`). */
  async function cancel(ctx: RequestCtx, id: string): Promise<TApprovalRequest> {
    const found = await repo.findRequestWithOwner(db, id);
    if (!found) throw notFound("Approval request");
    if (found.request.requesterPersonId !== ctx.principal.personId)
      throw await denied(db, ctx, { action: "approval.cancel", resourceType: "approval_request", resourceId: id, what: "withdraw a request someone else made" });
    await db.transaction(async (tx) => {
      const r = await repo.lockRequest(tx, id);
      if (!r) throw notFound("Approval request");
      if (r.status !== "pending") throw notPending(r);
      await repo.setStatus(tx, id, "cancelled", new Date());
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "approval.cancel",
        resourceType: "approval_request",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { kind: r.kind, botId: r.botId, bot: await repo.botNameOf(tx, r.botId) },
      });
      await notifyApprovalDecided(tx, id);
    });
    return (await getApprovalRequestView(db, id))!;
  }

  return {
    approve: (ctx: RequestCtx, id: string, note?: string) => review(ctx, id, "approve", note),
    deny: (ctx: RequestCtx, id: string, note?: string) => review(ctx, id, "deny", note),
    cancel,
  };
}
export type ApprovalReviewService = ReturnType<typeof createApprovalReviewService>;
