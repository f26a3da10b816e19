import { z } from "zod";
import { ZTimestamp } from "./common.ts";
import { ZFinding } from "./bots.ts";

/**
 * Access reviews (DESIGN.md "Access review"): a campaign in which each bot's owner re-certifies it
 * (keep, reduce, or offboard). Owned by the API's access-reviews module.
 */

/** A campaign covers every live bot, or one team's. */
export const ACCESS_REVIEW_SCOPES = ["all", "team"] as const;
export const ZAccessReviewScope = z.enum(ACCESS_REVIEW_SCOPES);

/** What the reviewer decided: keep everything, remove some access now, or offboard the bot. */
export const ACCESS_REVIEW_DECISIONS = ["keep", "reduce", "offboard"] as const;
export const ZAccessReviewDecision = z.enum(ACCESS_REVIEW_DECISIONS);
export type TAccessReviewDecision = z.infer<typeof ZAccessReviewDecision>;

/** Who decides an item: the bot's owner, or, for an orphan (no active owner), the admins. */
export const ZAccessReviewAssignee = z.enum(["owner", "admins"]);

const ZDays = z.number().int().min(1).max(365);

export const ZStartAccessReviewRequest = z
  .object({
    name: z.string().trim().min(1).max(120).optional().describe("Defaults to `Access review <date>`"),
    scope: ZAccessReviewScope,
    teamId: z.uuid().optional().describe("Required when `scope` is `team`"),
    dueAt: ZTimestamp.describe("When owners must have decided (ISO 8601, in the future)"),
    lookbackDays: ZDays.describe("Days of decisions to look back on for unused grants"),
  })
  .strict()
  .meta({ id: "StartAccessReviewRequest" });
export type TStartAccessReviewRequest = z.infer<typeof ZStartAccessReviewRequest>;

export const ZAccessReviewProgress = z.object({
  total: z.number().int(),
  decided: z.number().int(),
  pending: z.number().int(),
  overdue: z.number().int().describe("Pending items past the campaign's due date"),
  keep: z.number().int(),
  reduce: z.number().int(),
  offboard: z.number().int(),
});

export const ZAccessReviewCampaign = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scope: ZAccessReviewScope,
    team: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    trigger: z.enum(["manual", "schedule"]),
    period: z.string().nullable().describe("For a scheduled campaign, the period it covers, e.g. `2026-Q4`"),
    status: z.enum(["open", "closed"]),
    dueAt: ZTimestamp,
    lookbackDays: z.number().int(),
    startedAt: ZTimestamp,
    startedBy: z.string().nullable().describe("Who started it (email), or null for the schedule"),
    closedAt: ZTimestamp.nullable(),
    progress: ZAccessReviewProgress,
  })
  .meta({ id: "AccessReviewCampaign" });
export type TAccessReviewCampaign = z.infer<typeof ZAccessReviewCampaign>;

export const ZAccessReviewItemSummary = z
  .object({
    id: z.uuid(),
    campaignId: z.uuid(),
    campaign: z.string(),
    botId: z.uuid(),
    bot: z.string(),
    owner: z.string().nullable().describe("The bot's owner (email) when the campaign started; null for an orphan"),
    assignedTo: ZAccessReviewAssignee,
    status: z.enum(["pending", "decided"]),
    decision: ZAccessReviewDecision.nullable(),
    dueAt: ZTimestamp,
    overdue: z.boolean().describe("Pending past the due date"),
    paused: z.boolean().describe("The bot's gated actions are denied until this item is decided"),
    decidedAt: ZTimestamp.nullable(),
    decidedBy: z.string().nullable(),
  })
  .meta({ id: "AccessReviewItemSummary" });
export type TAccessReviewItemSummary = z.infer<typeof ZAccessReviewItemSummary>;

export const ZReviewedGrant = z.object({
  id: z.uuid(),
  system: z.string(),
  scope: z.string(),
  access: z.string(),
  expiresAt: ZTimestamp.nullable(),
});
export type TReviewedGrant = z.infer<typeof ZReviewedGrant>;
export const ZReviewedCredentialReference = z.object({ id: z.uuid(), system: z.string(), reference: z.string(), status: z.string() });

export const ZAccessReviewItemDetail = ZAccessReviewItemSummary.extend({
  lookbackDays: z.number().int(),
  lookbackFrom: ZTimestamp,
  grants: z.array(
    ZReviewedGrant.extend({
      used: z.boolean().describe("An `allow` decision for this bot named the grant's system in the look-back window"),
      lastUsedAt: ZTimestamp.nullable(),
    }),
  ),
  channels: z.array(z.string()),
  credentialReferences: z.array(ZReviewedCredentialReference),
  findings: z.array(ZFinding),
  recentDecisions: z.array(z.object({ at: ZTimestamp, action: z.string(), decision: z.string(), target: z.record(z.string(), z.unknown()) })),
  recentApprovals: z.array(z.object({ at: ZTimestamp, action: z.string(), actor: z.string().nullable(), outcome: z.string() })),
  removed: z.unknown().nullable().describe("What a `reduce` removed"),
  note: z.string().nullable(),
  mayDecide: z.boolean().describe("Whether the caller may decide this item"),
}).meta({ id: "AccessReviewItemDetail" });
export type TAccessReviewItemDetail = z.infer<typeof ZAccessReviewItemDetail>;

export const ZDecideAccessReviewItemRequest = z
  .discriminatedUnion("decision", [
    z.object({ decision: z.literal("keep"), note: z.string().trim().max(1000).optional() }).strict(),
    z
      .object({
        decision: z.literal("reduce"),
        note: z.string().trim().max(1000).optional(),
        remove: z
          .object({
            grantIds: z.array(z.uuid()).max(500).default([]),
            channels: z.array(z.string().trim().toLowerCase().min(1).max(60)).max(200).default([]),
            credentialReferenceIds: z.array(z.uuid()).max(500).default([]),
          })
          .strict()
          .describe("What to remove now: at least one grant, channel or credential reference"),
      })
      .strict(),
    z.object({ decision: z.literal("offboard"), reason: z.string().trim().min(1).max(1000).describe("Why, shown on the offboarding case") }).strict(),
  ])
  .meta({ id: "DecideAccessReviewItemRequest" });
export type TDecideAccessReviewItemRequest = z.infer<typeof ZDecideAccessReviewItemRequest>;

/** One row of a campaign's evidence pack (CSV and JSON). */
export const ZAccessReviewEvidenceRow = z
  .object({
    bot: z.string(),
    botId: z.uuid(),
    owner: z.string().nullable(),
    grantsAtReview: z.array(z.string()).describe("`system:scope (access)` as the reviewer saw them when deciding (at campaign start while pending)"),
    decision: ZAccessReviewDecision.nullable(),
    removed: z.array(z.string()).describe("What a reduce removed: `grant system:scope`, `channel x`, `credential reference ...`"),
    decidedBy: z.string().nullable(),
    decidedAt: ZTimestamp.nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: "AccessReviewEvidenceRow" });
export type TAccessReviewEvidenceRow = z.infer<typeof ZAccessReviewEvidenceRow>;

export const ZAccessReviewEvidence = z
  .object({
    campaign: ZAccessReviewCampaign,
    exportedAt: ZTimestamp,
    items: z.array(ZAccessReviewEvidenceRow),
  })
  .meta({ id: "AccessReviewEvidence" });
