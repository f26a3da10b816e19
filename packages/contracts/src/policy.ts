import { z } from "zod";
import { ZSystemClassification, ZTimestamp } from "./common-exports.ts";

/** Naming rule: a bot name must contain one of `requiredTokens` or start with `orgPrefix`. */
export const ZNamingRule = z.object({
  requiredTokens: z
    .array(z.string().trim().toLowerCase().min(1).max(40))
    .max(20)
    .describe("Substrings of which the name must contain at least one, e.g. `bot`, `internal`"),
  orgPrefix: z
    .string()
    .trim()
    .toLowerCase()
    .max(40)
    .nullable()
    .describe("A prefix that also satisfies the rule, e.g. `acme-`; null for none"),
});
export type TNamingRule = z.infer<typeof ZNamingRule>;

const ZChannelKey = z.string().trim().toLowerCase().min(1).max(60).regex(/^[a-z0-9][a-z0-9._-]*$/, "use lowercase letters, digits, '.', '_' or '-'");

/** When the access review job starts a campaign of all bots by itself (first day of each period, UTC). */
export const REVIEW_SCHEDULES = ["off", "monthly", "quarterly"] as const;
export const ZReviewSchedule = z.enum(REVIEW_SCHEDULES);
export type TReviewSchedule = z.infer<typeof ZReviewSchedule>;

/** Org-wide policy. Saving it bumps `version` and recomputes every bot's findings at once. */
export const ZOrgPolicy = z
  .object({
    orgName: z.string().min(1).max(120),
    botEmailDomain: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a domain such as acme.example")
      .describe("Bot emails must be `<name>.bot@<botEmailDomain>`"),
    namingRule: ZNamingRule,
    channelAllowlist: z.array(ZChannelKey).max(200).describe("When not empty, channels not on it are disallowed"),
    channelBlocklist: z.array(ZChannelKey).max(200).describe("Channels that are always disallowed"),
    reviewIntervalDays: z.number().int().min(1).max(730).describe("Days between access reviews (90 by default)"),
    auditRetentionDays: z
      .number()
      .int()
      .min(90, "audit events are kept at least 90 days")
      .max(3650)
      .describe("Days audit events are kept (365 by default, at least 90); older months are dropped whole, and a signed checkpoint records the cut"),
    reviewOverdueFailClosed: z
      .boolean()
      .describe("An access review item missed past its due date pauses its bot's gated actions until it is decided (true by default)"),
    reviewSchedule: ZReviewSchedule.describe("When Bridle starts an access review campaign of all bots by itself: `quarterly` (default; 1 Jan, 1 Apr, 1 Jul, 1 Oct, UTC), `monthly`, or `off`"),
    reviewDueDays: z.number().int().min(1).max(90).describe("Days a scheduled campaign gives owners to decide (14 by default)"),
    reviewLookbackDays: z.number().int().min(1).max(365).describe("Days of decisions a scheduled campaign looks back on to find unused grants (90 by default)"),
    orphanDeadlineDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .describe("Days a bot without an active owner may stay unresolved before the orphan job pauses it (7 by default); its manager and IT are warned a day before"),
    version: z.number().int().describe("Policy version, bumped on every change"),
    updatedAt: ZTimestamp,
  })
  .meta({ id: "OrgPolicy" });
export type TOrgPolicy = z.infer<typeof ZOrgPolicy>;

export const ZUpdateOrgPolicyRequest = z
  .object({
    orgName: ZOrgPolicy.shape.orgName,
    botEmailDomain: ZOrgPolicy.shape.botEmailDomain,
    namingRule: ZNamingRule,
    channelAllowlist: ZOrgPolicy.shape.channelAllowlist,
    channelBlocklist: ZOrgPolicy.shape.channelBlocklist,
    reviewIntervalDays: ZOrgPolicy.shape.reviewIntervalDays,
    auditRetentionDays: ZOrgPolicy.shape.auditRetentionDays,
    reviewOverdueFailClosed: ZOrgPolicy.shape.reviewOverdueFailClosed,
    reviewSchedule: ZOrgPolicy.shape.reviewSchedule,
    reviewDueDays: ZOrgPolicy.shape.reviewDueDays,
    reviewLookbackDays: ZOrgPolicy.shape.reviewLookbackDays,
    orphanDeadlineDays: ZOrgPolicy.shape.orphanDeadlineDays,
    systemClassifications: z
      .record(z.string(), ZSystemClassification)
      .optional()
      .describe("Connected system key -> classification, for the systems to reclassify"),
  })
  .partial()
  .strict()
  .meta({ id: "UpdateOrgPolicyRequest" });
export type TUpdateOrgPolicyRequest = z.infer<typeof ZUpdateOrgPolicyRequest>;

export const ZSystemKey = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "use lowercase letters, digits, '.', '_' or '-'");

export const ZConnectedSystem = z
  .object({
    id: z.uuid(),
    key: z.string(),
    name: z.string(),
    classification: ZSystemClassification,
    description: z.string().nullable(),
  })
  .meta({ id: "ConnectedSystem" });
export type TConnectedSystem = z.infer<typeof ZConnectedSystem>;

export const ZPolicyResponse = z
  .object({ policy: ZOrgPolicy, systems: z.array(ZConnectedSystem) })
  .meta({ id: "PolicyResponse" });
export type TPolicyResponse = z.infer<typeof ZPolicyResponse>;

export { ZChannelKey };

/** One kept version of the org policy (GET /policy/versions). */
export const ZPolicyVersionSummary = z
  .object({
    version: z.number().int(),
    changedBy: z.string().nullable().describe("email of who saved it; null for the baseline (the version in force when versions were first kept)"),
    changedAt: ZTimestamp,
    source: z.enum(["baseline", "update", "rollback"]),
    restoredFrom: z.number().int().nullable().describe("for a rollback: the version whose content it restored"),
  })
  .meta({ id: "PolicyVersionSummary" });
export type TPolicyVersionSummary = z.infer<typeof ZPolicyVersionSummary>;

/** One version in full, and what changed from the version kept before it (`{ field: { before, after } }`). */
export const ZPolicyVersionDetail = ZPolicyVersionSummary.extend({
  content: z.record(z.string(), z.unknown()).describe("the org policy's fields at this version"),
  previousVersion: z.number().int().nullable(),
  diff: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).describe("fields that differ from `previousVersion` (empty for the first kept version)"),
}).meta({ id: "PolicyVersionDetail" });
export type TPolicyVersionDetail = z.infer<typeof ZPolicyVersionDetail>;

/** One kept version of the org's gated-action rules (GET /gated-actions/versions); numbered on its own. */
export const ZGatedActionVersionSummary = ZPolicyVersionSummary.extend({
  policyVersion: z.number().int().nullable().describe("the org policy version this change produced"),
}).meta({ id: "GatedActionVersionSummary" });
export type TGatedActionVersionSummary = z.infer<typeof ZGatedActionVersionSummary>;

/** One version of the gated-action rules in full (action -> rule), with the diff against the one before (keyed by action). */
export const ZGatedActionVersionDetail = ZGatedActionVersionSummary.extend({
  content: z.record(z.string(), z.unknown()),
  previousVersion: z.number().int().nullable(),
  diff: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
}).meta({ id: "GatedActionVersionDetail" });
export type TGatedActionVersionDetail = z.infer<typeof ZGatedActionVersionDetail>;
