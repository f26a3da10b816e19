import type { TApprovalRequest, TMe } from "@bridle/contracts";
import { formatDateTime } from "../../lib/format.ts";
import { ROLE_LABELS } from "./labels.ts";

const ENDED: Record<Exclude<TApprovalRequest["status"], "pending">, string> = {
  approved: "This request was approved",
  denied: "This request was denied",
  expired: "This request expired without a decision",
  cancelled: "This request was cancelled: withdrawn by its requester, or moot after the bot was transferred directly",
};

/**
 * Why the signed-in person may not approve or deny this request, or null when they may. Mirrors
 * the API's rules (approvals.rules.ts `reviewRefusal`) so the buttons show only when they would
 * work; the API still decides. Only humans review; never the requester nor the bot's owner; the
 * reviewer holds the request's approver role exactly (admins do not stand in for other roles);
 * each person reviews once.
 */
export function reviewBlocker(me: TMe, request: TApprovalRequest): string | null {
  if (request.status !== "pending") {
    const when = request.decidedAt ? ` on ${formatDateTime(request.decidedAt)}` : "";
    return `${ENDED[request.status]}${request.status === "expired" ? "" : when}; it can no longer be reviewed.`;
  }
  if (request.requester.type === "person" && request.requester.id === me.id) return "You made this request; someone else must approve it.";
  if (request.bot.owner !== null && request.bot.owner.toLowerCase() === me.email.toLowerCase())
    return "You own this bot; someone else must approve requests about it.";
  const mine = request.reviews.find((review) => review.reviewer.id === me.id);
  if (mine)
    return `You already ${mine.decision === "approve" ? "approved" : "denied"} this request on ${formatDateTime(mine.at)}; another reviewer must decide the rest.`;
  if (!me.roles.includes(request.approverRole))
    return `Only people with the ${ROLE_LABELS[request.approverRole]} role can approve this request.`;
  if (!me.permissions.includes("bots.read_all")) return "Reviewing needs a session that can read every bot; this token is narrower.";
  return null;
}
