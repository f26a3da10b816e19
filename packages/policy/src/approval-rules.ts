import type { TRole } from "@bridle/contracts";

/**
 * Who decides the requests people open (DESIGN.md "who uses it": security approves scope
 * expansions and Golden Rule exceptions; IT runs ownership changes and offboarding). Gated-action
 * requests take their approver role and count from the gated-action policy instead (runtime side).
 * The rule is copied onto the request when it is opened, so a later policy change never moves the
 * goalposts of a request under review.
 */
export const HUMAN_REQUEST_RULES = {
  scope_expansion: { approverRole: "security", approvalsRequired: 1, ttlHours: 7 * 24 },
  /** dual control: an exception lets one bot both read internal data and talk outside */
  golden_rule_exception: { approverRole: "security", approvalsRequired: 2, ttlHours: 7 * 24 },
  ownership_transfer: { approverRole: "it", approvalsRequired: 1, ttlHours: 7 * 24 },
} as const satisfies Record<string, { approverRole: TRole; approvalsRequired: number; ttlHours: number }>;

/** The longest Golden Rule exception one approval grants; renewing it is a new request. */
export const MAX_EXCEPTION_DAYS = 366;

/** `<name>.bot@<domain>`: the shape of a bot mailbox (DESIGN.md "Bot identity"). */
export function looksLikeBotEmail(email: string, botEmailDomain: string | null, knownBotEmails: readonly string[]): boolean {
  const e = email.trim().toLowerCase();
  if (knownBotEmails.some((b) => b.toLowerCase() === e)) return true;
  return botEmailDomain !== null && e.endsWith(`.bot@${botEmailDomain.toLowerCase()}`);
}

export type ReviewerFacts = { personId: string; email: string; roles: readonly TRole[]; isBotIdentity: boolean };
export type RequestFacts = {
  requesterPersonId: string | null;
  approverRole: string;
  /** the bot's owner, by id (the API) or by email (the console's view of a request) */
  botOwnerId?: string | null;
  botOwnerEmail?: string | null;
  /** for ownership transfers: the new owner, who must not approve receiving the bot */
  transferToEmail?: string | null;
};

/** Why a person may not review a request (`reviewRefusal`); the API and the console each say it in words. */
export const REVIEW_REFUSALS = ["bot_identity", "own_request", "own_bot", "transfer_to_self", "wrong_role"] as const;
export type ReviewRefusal = (typeof REVIEW_REFUSALS)[number];

const sameEmail = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/**
 * Why this person may not review (approve or deny) this request, or null when they may. One rule
 * for the API (which enforces it) and the console (which shows the buttons only when they work):
 * - only humans review: a person record carrying a bot mailbox is refused (bot tokens never reach
 *   the review routes at all: the human auth scope does not accept them);
 * - the requester never reviews their own request;
 * - the bot's owner does not review requests about their own bot (four eyes: the owner is the
 *   requester in all but name, also when the bot itself asked);
 * - the new owner of a transfer does not approve receiving the bot;
 * - the reviewer holds the request's approver role exactly. Admins do not stand in for other
 *   roles: an admin reviews only requests whose approver role is `admin`.
 */
export function reviewRefusal(reviewer: ReviewerFacts, request: RequestFacts): ReviewRefusal | null {
  if (reviewer.isBotIdentity) return "bot_identity";
  if (request.requesterPersonId !== null && request.requesterPersonId === reviewer.personId) return "own_request";
  if ((request.botOwnerId != null && request.botOwnerId === reviewer.personId) || sameEmail(request.botOwnerEmail, reviewer.email)) return "own_bot";
  if (sameEmail(request.transferToEmail, reviewer.email)) return "transfer_to_self";
  if (!reviewer.roles.includes(request.approverRole as TRole)) return "wrong_role";
  return null;
}
