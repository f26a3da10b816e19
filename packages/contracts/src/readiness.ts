import { z } from "zod";

/**
 * The readiness overview (`GET /readiness`): "is this organisation ready for broad production use
 * of agents?", answered control by control from the org's data now. Nothing is stored.
 */
export const READINESS_CONTROLS = [
  "runtime_profile",
  "own_identity",
  "named_owner",
  "credentials_vaulted",
  "gated_actions_defined",
  "runtime_enforced",
  "golden_rule",
  "reviews_current",
  "no_orphans",
  "alerts",
  "incident_process",
] as const;
export const ZReadinessControlId = z.enum(READINESS_CONTROLS);
export type TReadinessControlId = z.infer<typeof ZReadinessControlId>;

/**
 * `pass`: nothing fails it; `warn`: nothing fails it outright, but something Bridle cannot vouch
 * for (named in `detail`); `fail`: at least one thing fails it; `not_applicable`: nothing to check
 * (no bots yet) or this Bridle has no such feature set up.
 */
export const READINESS_STATUSES = ["pass", "warn", "fail", "not_applicable"] as const;
export const ZReadinessStatus = z.enum(READINESS_STATUSES);
export type TReadinessStatus = z.infer<typeof ZReadinessStatus>;

/**
 * `ready`: every applicable control passes; `attention`: some warn and none fails, or there are no
 * bots yet; `not_ready`: one fails, or no control applies.
 */
export const READINESS_VERDICTS = ["ready", "attention", "not_ready"] as const;
export const ZReadinessVerdict = z.enum(READINESS_VERDICTS);
export type TReadinessVerdict = z.infer<typeof ZReadinessVerdict>;

export const ZReadinessLink = z.object({
  label: z.string().describe("What the link shows, e.g. \"3 bots with an incomplete runtime profile\""),
  href: z.string().describe("A console path with its filters, e.g. `/bots?finding=runtime_profile_incomplete`"),
});
export type TReadinessLink = z.infer<typeof ZReadinessLink>;

export const ZReadinessExample = z.object({
  label: z.string().describe("A bot's name (or a gated action, a case) that fails the control"),
  href: z.string().describe("Its console page"),
});

export const ZReadinessControl = z.object({
  id: ZReadinessControlId,
  title: z.string(),
  explanation: z.string().describe("Why it matters, in plain language"),
  source: z.string().describe("Where the rule comes from: BR-* rule ids or DESIGN.md"),
  status: ZReadinessStatus,
  detail: z.string().describe("The counts behind the status, in a sentence, e.g. \"3 of 120 bots have an incomplete runtime profile.\""),
  failing: z
    .number()
    .int()
    .min(0)
    .describe("How many things fail it, or, when it only warns, need attention (bots, unless `detail` says otherwise); 0 when it passes"),
  total: z.number().int().min(0).describe("Out of how many (bots checked, gated actions, ...); 0 when not applicable"),
  examples: z.array(ZReadinessExample).describe("Up to 5 of what fails or warns, each with a link to it"),
  links: z.array(ZReadinessLink).describe("Filtered lists of exactly what fails or warns; empty when it passes"),
});
export type TReadinessControl = z.infer<typeof ZReadinessControl>;

export const ZReadiness = z
  .object({
    verdict: ZReadinessVerdict,
    summary: z.string().describe("The verdict in a sentence"),
    score: z
      .number()
      .int()
      .min(0)
      .max(100)
      .describe("Percent of applicable controls met: a pass counts 1, a warn 1/2, a fail 0; 0 when none applies"),
    counts: z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int(), notApplicable: z.number().int() }),
    bots: z.number().int().describe("Bots checked: every bot that is not offboarded"),
    controls: z.array(ZReadinessControl),
    computedAt: z.iso.datetime(),
  })
  .meta({ id: "Readiness" });
export type TReadiness = z.infer<typeof ZReadiness>;
