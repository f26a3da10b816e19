import { z } from "zod";
import { ZGatedAction, ZGrantAccess, ZRole, ZTimestamp } from "./common-exports.ts";
import { ZChannelKey, ZSystemKey } from "./policy.ts";

export const APPROVAL_KINDS = ["scope_expansion", "gated_action", "golden_rule_exception", "ownership_transfer"] as const;
export const ZApprovalKind = z.enum(APPROVAL_KINDS);
export const APPROVAL_STATUSES = ["pending", "approved", "denied", "expired", "cancelled"] as const;
export const ZApprovalStatus = z.enum(APPROVAL_STATUSES);

/** What each kind of request asks for (the `payload` column). */
export const ZScopeExpansionPayload = z.object({
  system: ZSystemKey,
  scope: z.string().trim().min(1).max(200),
  access: ZGrantAccess,
  grantExpiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
export const ZGoldenRuleExceptionPayload = z.object({
  businessPurpose: z.string().trim().min(1).max(1000),
  allowedSystems: z.array(ZSystemKey).max(50),
  allowedChannels: z.array(ZChannelKey).max(50),
  dataClassification: z.string().trim().min(1).max(100),
  approvalRequirements: z.string().trim().min(1).max(1000),
  exceptionExpiresAt: z.iso.datetime({ offset: true }),
  /**
   * The scope expansion this exception makes possible, applied with it on approval. A scope
   * expansion that would break the Golden Rule is sent this way: one request, one review.
   */
  grant: ZScopeExpansionPayload.optional().describe(
    "A grant to add together with the exception (a scope expansion that breaks the Golden Rule is requested this way)",
  ),
});
export const ZOwnershipTransferPayload = z.object({ toEmail: z.email() });
export const ZDecisionTarget = z
  .object({
    system: z.string().trim().max(100).optional(),
    resource: z.string().trim().max(500).optional(),
    channel: z.string().trim().max(100).optional(),
  })
  .strict();
/**
 * Gated-action parameters larger than this (bytes of their canonical JSON, UTF-8) are refused at
 * decision time (reason `params_too_large`): an approver must be able to read all of what they
 * approve.
 */
export const GATED_PARAMS_MAX_BYTES = 16 * 1024;
/** Marks a secret cut out of stored parameters: `[redacted: <rule>]`, the rule that found it. */
export const redactionMarker = (rule: string) => `[redacted: ${rule}]`;
export const ZParamsRedaction = z.object({
  path: z.string().describe("JSON Pointer (RFC 6901) into `params` of the string, value or key, the secret was cut out of (`\"\"` for a bare string)"),
  rule: z.string().describe("The secret scanner's rule that found it, e.g. `github`"),
});
/**
 * A gated action as the approver sees it. `params` and `paramsText` are the parameters the
 * approval is bound to (the runtime must send exactly these, see `paramsHash`), computed once on
 * the server when the request was opened; `paramsSummary` is the bot's own, unverified words.
 */
export const ZGatedActionPayload = z.object({
  action: ZGatedAction,
  target: ZDecisionTarget,
  params: z
    .unknown()
    .describe("The parameters the approval is bound to, with each secret the scanner found replaced by `[redacted: <rule>]`; null when none were sent"),
  paramsText: z
    .string()
    .describe(
      "The same parameters as canonical JSON (keys sorted, as hashed), indented two spaces: show this, never a re-rendering. Invisible and direction-changing characters (controls, Unicode format characters such as U+202E or U+200B, line separators) are written as JSON escapes (`\\u202e`), so the text parses to the same value",
    ),
  paramsRedacted: z.array(ZParamsRedaction).describe("Where secrets were cut out of `params`, and by which rule"),
  command: z
    .string()
    .nullable()
    .describe(
      "For shell.exec: the command line the runtime will run (`params.cmd` or `params.command`, when exactly one string is given), with invisible and direction-changing characters other than newline and tab shown as `\\uXXXX` (`\\u{XXXXX}` above U+FFFF)",
    ),
  paramsSummary: z
    .string()
    .nullable()
    .describe("The bot's own description of the parameters: unverified, never a substitute for them (invisible characters shown as in `command`)"),
  sessionId: z.string().max(200).nullable(),
});

/**
 * An approval request's payload, typed by its kind (one schema per kind). Stored requests and the
 * ZApprovalRequest view carry `kind` and `payload` side by side; `parseApprovalPayload` reads them
 * into this union, in the API and the console alike.
 */
export const ZApprovalPayloadOf = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("scope_expansion"), payload: ZScopeExpansionPayload }),
  z.object({ kind: z.literal("golden_rule_exception"), payload: ZGoldenRuleExceptionPayload }),
  z.object({ kind: z.literal("ownership_transfer"), payload: ZOwnershipTransferPayload }),
  z.object({ kind: z.literal("gated_action"), payload: ZGatedActionPayload }),
]);
export type TApprovalPayloadOf = z.output<typeof ZApprovalPayloadOf>;

/** The one parser of an approval request's payload: its kind and typed payload, or null when the payload does not match its kind. */
export function parseApprovalPayload(kind: string, payload: unknown): TApprovalPayloadOf | null {
  const parsed = ZApprovalPayloadOf.safeParse({ kind, payload });
  return parsed.success ? parsed.data : null;
}

export const ZCreateApprovalRequest = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("scope_expansion"), botId: z.uuid(), justification: z.string().trim().min(1).max(2000), payload: ZScopeExpansionPayload }),
    z.object({
      kind: z.literal("golden_rule_exception"),
      botId: z.uuid(),
      justification: z.string().trim().min(1).max(2000),
      payload: ZGoldenRuleExceptionPayload,
    }),
    z.object({ kind: z.literal("ownership_transfer"), botId: z.uuid(), justification: z.string().trim().min(1).max(2000), payload: ZOwnershipTransferPayload }),
  ])
  .meta({ id: "CreateApprovalRequest" });
export type TCreateApprovalRequest = z.infer<typeof ZCreateApprovalRequest>;

export const ZApprovalReview = z.object({
  reviewer: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }),
  decision: z.enum(["approve", "deny"]),
  note: z.string().nullable(),
  at: ZTimestamp,
});

export const ZApprovalRequest = z
  .object({
    id: z.uuid(),
    kind: ZApprovalKind,
    status: ZApprovalStatus,
    bot: z.object({ id: z.uuid(), name: z.string(), environment: z.string(), team: z.string().nullable(), owner: z.string().nullable() }),
    requester: z.object({ type: z.enum(["person", "bot"]), id: z.uuid().nullable(), label: z.string() }),
    justification: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
    approverRole: ZRole,
    approvalsRequired: z.number().int(),
    approvals: z.number().int(),
    reviews: z.array(ZApprovalReview),
    /** what approval would change, in words and as data */
    effect: z.object({ summary: z.string(), changes: z.array(z.string()) }),
    /** the policy's reasons (e.g. "this gives external communication to a bot with internal data access") */
    reasons: z.array(z.object({ code: z.string(), message: z.string(), rule: z.string() })),
    /** the bot's current scope, for the reviewer */
    currentScope: z.object({
      grants: z.array(z.object({ system: z.string(), scope: z.string(), access: ZGrantAccess, expiresAt: ZTimestamp.nullable() })),
      channels: z.array(z.string()),
      internalDataAccess: z.string(),
    }),
    runtimeRequestId: z.string().nullable(),
    createdAt: ZTimestamp,
    expiresAt: ZTimestamp,
    decidedAt: ZTimestamp.nullable(),
    consumedAt: ZTimestamp.nullable(),
  })
  .meta({ id: "ApprovalRequest" });
export type TApprovalRequest = z.infer<typeof ZApprovalRequest>;

export const ZReviewRequest = z.object({ note: z.string().trim().max(2000).optional() }).strict().meta({ id: "ReviewRequest" });

export const ZListApprovalRequestsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: ZApprovalStatus.optional(),
  kind: ZApprovalKind.optional(),
  bot: z.string().max(100).optional().describe("Bot id or name"),
  team: z.string().max(80).optional().describe("Team slug"),
  olderThanMinutes: z.coerce.number().int().min(0).optional().describe("Only requests at least this old"),
  mine: z.enum(["true", "false"]).optional().describe("Only requests I made"),
});

export const GATED_ACTION_MODES = ["allow", "require_approval", "deny"] as const;
/** The longest a gated-action approval request stays open, in minutes (30 days). */
export const GATED_ACTION_MAX_TTL_MINUTES = 60 * 24 * 30;
export const ZGatedActionMode = z.enum(GATED_ACTION_MODES);
export const ZGatedActionRule = z
  .object({
    action: ZGatedAction,
    mode: ZGatedActionMode,
    approverRole: ZRole,
    approvalsRequired: z.number().int().min(1).max(5),
    requestTtlMinutes: z.number().int().min(1).max(GATED_ACTION_MAX_TTL_MINUTES),
  })
  .meta({ id: "GatedActionRule" });
export type TGatedActionRule = z.infer<typeof ZGatedActionRule>;
export const ZGatedActionOverride = z
  .object({
    action: ZGatedAction,
    mode: ZGatedActionMode.nullable(),
    approverRole: ZRole.nullable(),
    approvalsRequired: z.number().int().min(1).max(5).nullable(),
    requestTtlMinutes: z.number().int().min(1).max(GATED_ACTION_MAX_TTL_MINUTES).nullable(),
  })
  .meta({ id: "GatedActionOverride" });

const ZApprovalReason = z.object({ code: z.string(), message: z.string(), rule: z.string() });

/** `POST /api/v1/approval-requests/preview`: what the request would change, and what policy says. */
export const ZApprovalPreview = z
  .object({
    effect: z.object({ summary: z.string(), changes: z.array(z.string()) }),
    reasons: z.array(ZApprovalReason),
    goldenRule: z
      .object({ internalData: z.boolean(), externalCommunication: z.boolean(), violation: z.boolean() })
      .describe("The bot after the change, counting only exceptions already approved (not the one this request asks for)"),
    becomesExceptionRequest: z.boolean().describe("The change breaks the Golden Rule: send it as kind golden_rule_exception"),
  })
  .meta({ id: "ApprovalPreview" });
export type TApprovalPreview = z.infer<typeof ZApprovalPreview>;

export const ZApprovalRequestPage = z
  .object({ items: z.array(ZApprovalRequest), nextCursor: z.string().nullable(), total: z.number().int() })
  .meta({ id: "ApprovalRequestPage" });
export type TApprovalRequestPage = z.infer<typeof ZApprovalRequestPage>;

/** `GET /api/v1/approval-requests/count`: pending requests the caller could decide now. */
export const ZApprovalCount = z.object({ pending: z.number().int() }).meta({ id: "ApprovalCount" });

/** A gated action for one bot: the org rule, the bot's override and what applies. */
export const ZBotGatedActionItem = z
  .object({
    rule: ZGatedActionRule.describe("The org's rule"),
    override: ZGatedActionOverride.nullable().describe("This bot's override; null fields follow the org"),
    effective: ZGatedActionRule.describe("What applies to this bot"),
  })
  .meta({ id: "BotGatedActionRule" });
export type TBotGatedActionItem = z.infer<typeof ZBotGatedActionItem>;
