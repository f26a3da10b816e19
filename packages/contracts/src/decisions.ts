import { z } from "zod";
import { ZTimestamp } from "./common-exports.ts";
import { ZDecisionTarget } from "./approvals.ts";

/** What an agent runtime asks before it acts (`POST /api/v1/decisions`, bot runtime token). */
export const ZDecisionRequest = z
  .object({
    action: z
      .string()
      .trim()
      .toLowerCase()
      .min(1)
      .max(100)
      .regex(/^[a-z0-9][a-z0-9._:-]*$/, "letters, digits, '.', '_', ':' or '-'")
      .describe("A gated action such as `shell.exec` (case-insensitive), or any other action name"),
    target: ZDecisionTarget.default({}),
    params: z
      .unknown()
      .optional()
      .describe(
        "The action's parameters; an approval is bound to their canonical hash, so a different command needs a new approval. Approvers see them in full (secrets cut out); a gated action needing approval is denied (`params_too_large`) when they exceed 16 KB as canonical JSON",
      ),
    paramsSummary: z
      .string()
      .max(2000)
      .optional()
      .describe("The bot's own description of the parameters; approvers see it labelled as such, after the parameters themselves"),
    sessionId: z.string().max(200).optional(),
    requestId: z.string().min(1).max(200).describe("The runtime's id for this action; retries with the same id are idempotent"),
  })
  .strict()
  .meta({ id: "DecisionRequest" });
export type TDecisionRequest = z.input<typeof ZDecisionRequest>;

/**
 * Reason codes of the approval step of a gated action (rule `BR-APPROVAL`), decided in the
 * decisions service; the policy's own codes (e.g. `approval_required`, `golden_rule`) come from
 * @bridle/policy.
 */
export const APPROVAL_DECISION_REASONS = [
  "approved",
  "params_mismatch",
  "params_too_large",
  "approval_used",
  "approval_expired",
  "approval_denied",
  "approval_cancelled",
  "approval_unusable",
] as const;
export const ZApprovalDecisionReason = z.enum(APPROVAL_DECISION_REASONS);
export type TApprovalDecisionReason = z.infer<typeof ZApprovalDecisionReason>;

/**
 * The reason codes `decide()` (packages/policy) gives, so runtimes and the console branch on a code,
 * never on English text. `owner_departed` / `owner_missing` (rule BR-ORPHANED): the bot's owner has
 * left, or it has none; until it is transferred or offboarded it may only take read-only actions.
 * `review_overdue` (rule BR-REVIEW-OVERDUE): an access review of the bot is past its due date
 * undecided and the org fails closed: its gated actions are denied until the review is decided.
 * `credential_leak_suspected` (rule BR-LEAK-HOLD): a leak playbook is open on one of the bot's
 * credential references, so its gated actions wait for security's approval until it closes.
 * The decisions service adds approval outcomes (`approved`, `approval_denied`, ...).
 */
export const DECISION_REASON_CODES = [
  /** a kill switch covering the bot is engaged (pause, or read-only mode and a write-type action) */
  "kill_switch",
  "bot_not_active",
  "owner_departed",
  "owner_missing",
  "review_overdue",
  "channel_unknown",
  "channel_disallowed",
  "channel_not_assigned",
  "system_not_granted",
  "golden_rule",
  "not_gated",
  "action_denied",
  "approval_required",
  "credential_leak_suspected",
  /** a budget cap of the bot or its team is spent for the period (BR-BUDGET): only read-only actions */
  "budget_exhausted",
  "allowed",
] as const;
export const ZDecisionReasonCode = z.enum(DECISION_REASON_CODES);
export type TDecisionReasonCode = z.infer<typeof ZDecisionReasonCode>;

export const ZDecisionReason = z.object({ code: z.string(), message: z.string(), rule: z.string() });

export const ZDecision = z
  .object({
    decision: z.enum(["allow", "deny", "require_approval"]),
    reasons: z.array(ZDecisionReason),
    approvalRequestId: z.uuid().nullable(),
    policyVersion: z.number().int(),
    expiresAt: ZTimestamp.describe("After this the runtime must ask again"),
    requestId: z.string(),
    botId: z.uuid(),
    action: z.string(),
    signature: z.string().describe("Compact JWS (EdDSA / Ed25519) over all the other fields; verify with /.well-known/jwks.json"),
  })
  .meta({ id: "Decision" });
export type TDecision = z.infer<typeof ZDecision>;

export const ZBotToken = z
  .object({
    id: z.uuid(),
    botId: z.uuid(),
    name: z.string(),
    prefix: z.string().nullable(),
    createdAt: ZTimestamp,
    expiresAt: ZTimestamp.nullable(),
    lastUsedAt: ZTimestamp.nullable(),
    revokedAt: ZTimestamp.nullable(),
  })
  .meta({ id: "BotToken" });
export const ZCreateBotTokenRequest = z
  .object({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(365) })
  .strict()
  .meta({ id: "CreateBotTokenRequest" });
export const ZCreatedBotToken = ZBotToken.extend({ token: z.string().describe("Shown once") }).meta({ id: "CreatedBotToken" });
