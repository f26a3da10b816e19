import { z } from "zod";

/**
 * Offboarding (DESIGN.md "Offboarding"): when a person leaves, each bot they own gets an
 * offboarding case; IT transfers the bot to a new owner (who accepts) or offboards it, step by
 * step, and the case closes only when every step is done.
 */

/** Why a case opened: the owner left (SCIM or IT's "Offboard person"), an access review said "offboard", or someone opened it by hand. */
export const OFFBOARDING_TRIGGERS = ["owner_departed", "access_review", "manual"] as const;
export const ZOffboardingTrigger = z.enum(OFFBOARDING_TRIGGERS);
export type TOffboardingTrigger = z.infer<typeof ZOffboardingTrigger>;

/** An open case waits for IT; a closed one ended (`outcome`). */
export const OFFBOARDING_CASE_STATUSES = ["open", "closed"] as const;
export const ZOffboardingCaseStatus = z.enum(OFFBOARDING_CASE_STATUSES);
export type TOffboardingCaseStatus = z.infer<typeof ZOffboardingCaseStatus>;

/** IT's choice for the bot: hand it to a new owner, or offboard it. */
export const OFFBOARDING_PLANS = ["transfer", "offboard"] as const;
export const ZOffboardingPlan = z.enum(OFFBOARDING_PLANS);
export type TOffboardingPlan = z.infer<typeof ZOffboardingPlan>;

/** How a closed case ended: the new owner accepted, the bot was offboarded, or the case was no longer needed (the owner came back). */
export const OFFBOARDING_OUTCOMES = ["transferred", "offboarded", "cancelled"] as const;
export const ZOffboardingOutcome = z.enum(OFFBOARDING_OUTCOMES);
export type TOffboardingOutcome = z.infer<typeof ZOffboardingOutcome>;

/**
 * The steps of each plan, in order. Transfer: IT offers the bot, the new owner accepts, every
 * credential reference of the bot becomes due for rotation. Offboard: pause the bot, revoke its
 * runtime tokens, revoke its credential references (each listed for rotation in its vault),
 * remove its grants and channels (all automatic), then IT records the destruction of its runtime
 * and the archival of its workspace (manual), and Bridle marks it `offboarded`.
 */
export const OFFBOARDING_STEP_KINDS = [
  "offer_transfer",
  "accept_transfer",
  "rotation_due",
  "pause",
  "revoke_tokens",
  "revoke_credentials",
  "remove_access",
  "destroy_runtime",
  "archive_workspace",
  "mark_offboarded",
] as const;
export const ZOffboardingStepKind = z.enum(OFFBOARDING_STEP_KINDS);
export type TOffboardingStepKind = z.infer<typeof ZOffboardingStepKind>;

/** A step is pending until done; `cancelled` when the plan changed before it was done. */
export const OFFBOARDING_STEP_STATUSES = ["pending", "done", "cancelled"] as const;
export const ZOffboardingStepStatus = z.enum(OFFBOARDING_STEP_STATUSES);
export type TOffboardingStepStatus = z.infer<typeof ZOffboardingStepStatus>;

/** The steps of each plan, in order (their `position`); automatic steps are Bridle's, manual ones a person's. */
export const TRANSFER_STEPS = ["offer_transfer", "accept_transfer", "rotation_due"] as const satisfies readonly TOffboardingStepKind[];
export const OFFBOARD_STEPS = ["pause", "revoke_tokens", "revoke_credentials", "remove_access", "destroy_runtime", "archive_workspace", "mark_offboarded"] as const satisfies readonly TOffboardingStepKind[];
/** Steps a person records by hand (IT: the runtime destroyed, the workspace archived; the new owner: accepting). */
export const MANUAL_OFFBOARDING_STEPS = ["accept_transfer", "destroy_runtime", "archive_workspace"] as const satisfies readonly TOffboardingStepKind[];
/** Steps IT records by hand on the case (`POST /offboarding-cases/{id}/steps/{kind}`). */
export const RECORDABLE_OFFBOARDING_STEPS = ["destroy_runtime", "archive_workspace"] as const;
export const ZRecordableOffboardingStep = z.enum(RECORDABLE_OFFBOARDING_STEPS);

/** How each step reads in the console's checklist. */
export const OFFBOARDING_STEP_LABELS: Record<TOffboardingStepKind, string> = {
  offer_transfer: "Offer the bot to its new owner",
  accept_transfer: "New owner accepts the bot",
  rotation_due: "Every credential reference due for rotation",
  pause: "Pause the bot (every decision denied)",
  revoke_tokens: "Revoke its runtime tokens",
  revoke_credentials: "Revoke its credential references (rotate each in its vault)",
  remove_access: "Remove its grants and channels",
  destroy_runtime: "Destroy its runtime",
  archive_workspace: "Archive its workspace",
  mark_offboarded: "Mark the bot offboarded",
};

/** A person as a case names them (server's view). */
export const ZOffboardingPerson = z.object({ id: z.string(), email: z.string(), displayName: z.string(), status: z.string() }).meta({ id: "OffboardingPerson" });

/** Who did something, as the server saw it: a person's email, or `system` for Bridle itself. */
export const ZOffboardingActor = z.object({ type: z.string(), label: z.string().nullable() }).meta({ id: "OffboardingActor" });

export const ZOffboardingStep = z
  .object({
    id: z.string(),
    kind: ZOffboardingStepKind,
    label: z.string(),
    position: z.number().int(),
    automatic: z.boolean(),
    status: ZOffboardingStepStatus,
    doneAt: z.string().nullable().describe("ISO-8601, when the step was done (server time)"),
    doneBy: ZOffboardingActor.nullable(),
    note: z.string().nullable(),
    link: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).describe("What an automatic step did: tokens revoked, credential references to rotate (system, vault reference), grants and channels removed"),
  })
  .meta({ id: "OffboardingStep" });
export type TOffboardingStep = z.infer<typeof ZOffboardingStep>;

export const ZOffboardingCaseSummary = z
  .object({
    id: z.string(),
    botId: z.string(),
    bot: z.string().describe("The bot's name"),
    botStatus: z.string(),
    trigger: ZOffboardingTrigger,
    reason: z.string(),
    status: ZOffboardingCaseStatus,
    plan: ZOffboardingPlan.nullable(),
    outcome: ZOffboardingOutcome.nullable(),
    formerOwner: ZOffboardingPerson.nullable().describe("The bot's owner when the case opened"),
    proposedOwner: ZOffboardingPerson.nullable().describe("The former owner's manager, proposed as the new owner (when active)"),
    transferTo: ZOffboardingPerson.nullable().describe("The new owner IT chose (plan transfer)"),
    orphanedSince: z.string().nullable(),
    orphanDeadline: z.string().nullable().describe("When the orphan job pauses the bot if the case is still open (orphanedSince + the org's orphan deadline)"),
    orphanPausedAt: z.string().nullable(),
    openedAt: z.string(),
    openedBy: ZOffboardingActor,
    closedAt: z.string().nullable(),
    closedBy: ZOffboardingActor.nullable(),
    stepsDone: z.number().int(),
    stepsTotal: z.number().int(),
  })
  .meta({ id: "OffboardingCaseSummary" });
export type TOffboardingCaseSummary = z.infer<typeof ZOffboardingCaseSummary>;

export const ZOffboardingCase = ZOffboardingCaseSummary.extend({
  steps: z.array(ZOffboardingStep),
  mayAccept: z.boolean().describe("The caller is the chosen new owner and the transfer waits for them"),
  mayManage: z.boolean().describe("The caller may choose the plan and record manual steps (IT, admins)"),
}).meta({ id: "OffboardingCase" });
export type TOffboardingCase = z.infer<typeof ZOffboardingCase>;

export const ZListOffboardingCasesQuery = z
  .object({
    status: ZOffboardingCaseStatus.optional(),
    personId: z.uuid().optional().describe("Cases of the bots this person owned when the case opened"),
    botId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type TListOffboardingCasesQuery = z.infer<typeof ZListOffboardingCasesQuery>;

export const ZOffboardingCasePage = z
  .object({ items: z.array(ZOffboardingCaseSummary), nextCursor: z.string().nullable() })
  .meta({ id: "OffboardingCasePage" });

/** IT's "Offboard person": deactivates them (ends sessions, revokes their tokens) and opens a case per bot they own. */
export const ZOffboardPersonRequest = z
  .object({
    confirm: z.literal(true).describe("The console's confirmation dialog: must be true"),
    reason: z.string().trim().min(3).max(500).describe("Why the person leaves (shown on each case and in the audit log)"),
  })
  .strict()
  .meta({ id: "OffboardPersonRequest" });
export type TOffboardPersonRequest = z.infer<typeof ZOffboardPersonRequest>;

export const ZOffboardPersonResponse = z
  .object({ personId: z.string(), deactivated: z.boolean().describe("false when the person was already inactive"), cases: z.array(ZOffboardingCaseSummary) })
  .meta({ id: "OffboardPersonResponse" });

/** IT's choice for one case, or for every open case of a person (bulk). */
export const ZOffboardingPlanRequest = z
  .object({
    plan: ZOffboardingPlan,
    toPersonId: z.uuid().optional().describe("transfer: the new owner (an active person); defaults to the case's proposed owner"),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .meta({ id: "OffboardingPlanRequest" });
export type TOffboardingPlanRequest = z.infer<typeof ZOffboardingPlanRequest>;

export const ZOffboardingBulkResponse = z.object({ cases: z.array(ZOffboardingCase) }).meta({ id: "OffboardingBulkResponse" });

/** A manual step recorded by IT: who and when are the server's; a note or a link (or both) says what was done. */
export const ZRecordOffboardingStepRequest = z
  .object({
    note: z.string().trim().max(2000).optional(),
    link: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  })
  .strict()
  .refine((v) => !!v.note || !!v.link, { message: "give a note or a link saying what was done", path: ["note"] })
  .meta({ id: "RecordOffboardingStepRequest" });
export type TRecordOffboardingStepRequest = z.infer<typeof ZRecordOffboardingStepRequest>;

/** Orphans (bots without an active owner, not offboarded) and open cases: the dashboard's and inventory's card. */
export const ZOffboardingOverview = z
  .object({
    orphans: z.number().int().describe("Bots (not offboarded) whose owner is missing or inactive: the goal is zero"),
    orphansPastDeadline: z.number().int(),
    openCases: z.number().int(),
    awaitingAcceptance: z.number().int(),
    orphanDeadlineDays: z.number().int(),
  })
  .meta({ id: "OffboardingOverview" });
export type TOffboardingOverview = z.infer<typeof ZOffboardingOverview>;
