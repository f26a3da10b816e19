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
  botOwnerId: string | null;
  /** for ownership transfers: the new owner, who must not approve receiving the bot */
  transferToEmail?: string | null;
};

/**
 * Why this person may not review (approve or deny) this request, or null when they may.
 * - the requester never reviews their own request;
 * - the bot's owner does not review requests about their own bot (four eyes: the owner is the
 *   requester in all but name, also when the bot itself asked);
 * - only humans review: a person record carrying a bot mailbox is refused (bot tokens never reach
 *   these routes at all: the human auth scope does not accept them);
 * - the reviewer holds the request's approver role exactly. Admins do not stand in for other
 *   roles: an admin reviews only requests whose approver role is `admin`.
 */
export function reviewRefusal(reviewer: ReviewerFacts, request: RequestFacts): string | null {
  if (reviewer.isBotIdentity) return "review approval requests: only humans review, and this account carries a bot mailbox";
  if (request.requesterPersonId !== null && request.requesterPersonId === reviewer.personId)
    return "review your own request: someone else must decide it";
  if (request.botOwnerId !== null && request.botOwnerId === reviewer.personId)
    return "review a request about a bot you own: someone else must decide it";
  if (request.transferToEmail && reviewer.email && request.transferToEmail.toLowerCase() === reviewer.email.toLowerCase())
    return "review a transfer of a bot to yourself: someone else must decide it";
  if (!reviewer.roles.includes(request.approverRole as TRole))
    return `review this request: it needs the ${request.approverRole} role`;
  return null;
}
