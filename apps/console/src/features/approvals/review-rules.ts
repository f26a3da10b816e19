import { parseApprovalPayload, type TApprovalRequest, type TMe } from "@bridle/contracts";
import { reviewRefusal, type ReviewRefusal } from "@bridle/policy";
import { formatDateTime } from "../../lib/format.ts";
import { ROLE_LABELS } from "./labels.ts";

const ENDED: Record<Exclude<TApprovalRequest["status"], "pending">, string> = {
  approved: "This request was approved",
  denied: "This request was denied",
  expired: "This request expired without a decision",
  cancelled: "This request was cancelled: withdrawn by its requester, or moot after the bot was transferred directly",
};

const REFUSED: Record<ReviewRefusal, (request: TApprovalRequest) => string> = {
  bot_identity: () => "Only humans review approval requests.",
  own_request: () => "You made this request; someone else must approve it.",
  own_bot: () => "You own this bot; someone else must approve requests about it.",
  transfer_to_self: () => "This transfers the bot to you; someone else must approve it.",
  wrong_role: (request) => `Only people with the ${ROLE_LABELS[request.approverRole]} role can approve this request.`,
};

/**
 * Why the signed-in person may not approve or deny this request, or null when they may, so the
 * buttons show only when they would work; the API still decides. The rule is the API's own
 * (`reviewRefusal` from @bridle/policy): only humans review; never the requester nor the bot's
 * owner nor a transfer's new owner; the reviewer holds the request's approver role exactly
 * (admins do not stand in for other roles). Each person reviews once.
 */
export function reviewBlocker(me: TMe, request: TApprovalRequest): string | null {
  if (request.status !== "pending") {
    const when = request.decidedAt ? ` on ${formatDateTime(request.decidedAt)}` : "";
    return `${ENDED[request.status]}${request.status === "expired" ? "" : when}; it can no longer be reviewed.`;
  }
  const mine = request.reviews.find((review) => review.reviewer.id === me.id);
  if (mine)
    return `You already ${mine.decision === "approve" ? "approved" : "denied"} this request on ${formatDateTime(mine.at)}; another reviewer must decide the rest.`;
  const payload = parseApprovalPayload(request.kind, request.payload);
  const refusal = reviewRefusal(
    // Whether this account carries a bot mailbox is the API's to say; the console does not know.
    { personId: me.id, email: me.email, roles: me.roles, isBotIdentity: false },
    {
      requesterPersonId: request.requester.type === "person" ? request.requester.id : null,
      approverRole: request.approverRole,
      botOwnerEmail: request.bot.owner,
      transferToEmail: payload?.kind === "ownership_transfer" ? payload.payload.toEmail : null,
    },
  );
  if (refusal) return REFUSED[refusal](request);
  if (!me.permissions.includes("bots.read_all")) return "Reviewing needs a session that can read every bot; this token is narrower.";
  return null;
}
