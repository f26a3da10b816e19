import { z } from "zod";
import { page, ZPageQuery, ZTimestamp } from "./common.ts";

/**
 * Alerts (README "Alerts"): rules, on by default, that watch the audit log (decisions, runtime
 * events, enforcement gaps, budget events) and raise one alert per rule and subject. Owned by the
 * API's alerts module; security edits the rules and acknowledges, snoozes or resolves alerts.
 */

/** The rule kinds, one row each in `alert_rules`. */
export const ALERT_RULE_KINDS = ["call_rate", "skill_errors", "sensitive_access", "denied_burst", "enforcement_gap", "budget", "new_shape"] as const;
export const ZAlertRuleKind = z.enum(ALERT_RULE_KINDS);
export type TAlertRuleKind = z.infer<typeof ZAlertRuleKind>;

/**
 * What each rule watches and which of a rule's settings it uses (the console shows only those).
 * `new_shape` is a heuristic for a person to review, not a claim that something is an attack.
 */
export const ALERT_RULE_INFO: Record<TAlertRuleKind, { label: string; meaning: string; uses: readonly ("threshold" | "windowMinutes" | "factor" | "baselineDays" | "autoPause")[] }> = {
  call_rate: {
    label: "Call rate far above the bot's baseline",
    meaning:
      "A bot's decision requests in the window reach both the threshold and `factor` times its own average for such a window over the last `baselineDays` days (it needs a day of history first).",
    uses: ["threshold", "windowMinutes", "factor", "baselineDays"],
  },
  skill_errors: {
    label: "Error or timeout spike in one skill",
    meaning: "Failed tool results (errors and timeouts) of one skill, across bots, reach the threshold within the window.",
    uses: ["threshold", "windowMinutes"],
  },
  sensitive_access: {
    label: "One identity hammering sensitive systems",
    meaning: "One bot's decision requests naming a system classified internal data (or both) reach the threshold within the window.",
    uses: ["threshold", "windowMinutes"],
  },
  denied_burst: {
    label: "Repeated denied decisions",
    meaning: "One bot's denied decisions reach the threshold within the window: a possible bypass attempt. With auto-pause on, Bridle pauses the bot when the alert opens.",
    uses: ["threshold", "windowMinutes", "autoPause"],
  },
  enforcement_gap: {
    label: "Enforcement gap",
    meaning: "A bot's runtime ran a tool without a matching Bridle decision, or reported a path Bridle cannot gate.",
    uses: [],
  },
  budget: {
    label: "Budget threshold",
    meaning: "A bot's or team's spend reached a budget threshold or its cap (`budget.threshold_reached`, `budget.exhausted`).",
    uses: [],
  },
  new_shape: {
    label: "Tool-call shape never seen before (heuristic)",
    meaning:
      "A bot asked for an (action, target system or channel) it had never asked for, after its first `baselineDays` days of history. A simple heuristic for a person to review, not a detection.",
    uses: ["baselineDays"],
  },
};

export const ZAlertRule = z
  .object({
    kind: ZAlertRuleKind,
    label: z.string(),
    meaning: z.string(),
    enabled: z.boolean(),
    threshold: z.number().int().min(1).max(1_000_000).describe("The count within the window that fires the rule"),
    windowMinutes: z.number().int().min(1).max(1440).describe("The window the threshold counts over, in minutes"),
    factor: z.number().int().min(1).max(1000).describe("call_rate: how many times its baseline the bot's count must reach"),
    baselineDays: z.number().int().min(0).max(30).describe("call_rate: days of baseline; new_shape: days of a bot's history before a shape counts as new"),
    autoPause: z.boolean().describe("denied_burst: pause the bot when the alert opens"),
    updatedAt: ZTimestamp,
    updatedBy: z.string().nullable().describe("Who last changed it (email); null for the defaults"),
  })
  .meta({ id: "AlertRule" });
export type TAlertRule = z.infer<typeof ZAlertRule>;

export const ZUpdateAlertRule = z
  .object({
    kind: ZAlertRuleKind,
    enabled: z.boolean().optional(),
    threshold: z.number().int().min(1).max(1_000_000).optional(),
    windowMinutes: z.number().int().min(1).max(1440).optional(),
    factor: z.number().int().min(1).max(1000).optional(),
    baselineDays: z.number().int().min(0).max(30).optional(),
    autoPause: z.boolean().optional(),
  })
  .strict()
  .meta({ id: "UpdateAlertRule" });
export const ZUpdateAlertRulesRequest = z
  .object({ rules: z.array(ZUpdateAlertRule).min(1).max(ALERT_RULE_KINDS.length) })
  .strict()
  .meta({ id: "UpdateAlertRulesRequest" });
export type TUpdateAlertRulesRequest = z.infer<typeof ZUpdateAlertRulesRequest>;

export const ALERT_STATUSES = ["open", "acknowledged", "snoozed", "resolved"] as const;
export const ZAlertStatus = z.enum(ALERT_STATUSES);
export type TAlertStatus = z.infer<typeof ZAlertStatus>;

/** The latest matching audit events an alert keeps as evidence. */
export const ALERT_EVIDENCE_MAX = 20;
/** The longest snooze, in hours (a week). */
export const ALERT_SNOOZE_MAX_HOURS = 168;

export const ZAlertHistoryEntry = z
  .object({
    at: ZTimestamp,
    change: z.enum(["opened", "reopened", "acknowledged", "snoozed", "snooze_ended", "resolved", "bot_paused"]),
    status: ZAlertStatus.describe("The alert's status after the change"),
    actor: z.object({ type: z.enum(["person", "token", "bot", "system"]), label: z.string().nullable() }),
    reason: z.string().nullable(),
    snoozedUntil: ZTimestamp.nullable(),
  })
  .meta({ id: "AlertHistoryEntry" });

export const ZAlert = z
  .object({
    id: z.uuid(),
    rule: ZAlertRuleKind,
    ruleLabel: z.string(),
    subject: z.object({ type: z.enum(["bot", "skill", "team"]), id: z.string(), label: z.string() }),
    botId: z.uuid().nullable().describe("The bot it is about, when there is one"),
    status: ZAlertStatus,
    title: z.string(),
    summary: z.string(),
    count: z.number().int().describe("Matching events seen since the alert opened"),
    firstSeenAt: ZTimestamp,
    lastSeenAt: ZTimestamp,
    snoozedUntil: ZTimestamp.nullable(),
    evidence: z.object({
      eventIds: z.array(z.uuid()).describe(`The latest matching audit events (at most ${ALERT_EVIDENCE_MAX}); the console links each to /audit/{id}`),
      sessionId: z.string().nullable().describe("The runtime session of the latest one, when it had one (/bots/{botId}/sessions/{sessionId})"),
    }),
    botPaused: z.boolean().describe("Bridle paused the bot when this alert opened (denied_burst with auto-pause)"),
    actedBy: z.string().nullable().describe("Who last acknowledged, snoozed or resolved it (email)"),
    actedAt: ZTimestamp.nullable(),
  })
  .meta({ id: "Alert" });
export type TAlert = z.infer<typeof ZAlert>;

export const ZAlertDetail = ZAlert.extend({ history: z.array(ZAlertHistoryEntry).describe("Oldest first") }).meta({ id: "AlertDetail" });
export type TAlertDetail = z.infer<typeof ZAlertDetail>;

export const ZAlertListQuery = ZPageQuery.extend({
  status: z
    .union([ZAlertStatus, z.literal("active")])
    .optional()
    .describe("`active`: open, acknowledged or snoozed"),
  rule: ZAlertRuleKind.optional(),
  botId: z.uuid().optional(),
});
export type TAlertListQuery = z.infer<typeof ZAlertListQuery>;
export const ZAlertPage = page(ZAlert).meta({ id: "AlertPage" });

export const ZAlertsSummary = z
  .object({
    open: z.number().int().describe("Open alerts (the console's badge)"),
    acknowledged: z.number().int(),
    snoozed: z.number().int(),
  })
  .meta({ id: "AlertsSummary" });
export type TAlertsSummary = z.infer<typeof ZAlertsSummary>;

export const ZAlertActionRequest = z
  .object({ reason: z.string().trim().max(1000).optional() })
  .strict()
  .meta({ id: "AlertActionRequest" });
export const ZSnoozeAlertRequest = z
  .object({
    hours: z.number().int().min(1).max(ALERT_SNOOZE_MAX_HOURS).describe(`How long to stay quiet, in hours (1-${ALERT_SNOOZE_MAX_HOURS})`),
    reason: z.string().trim().max(1000).optional(),
  })
  .strict()
  .meta({ id: "SnoozeAlertRequest" });
