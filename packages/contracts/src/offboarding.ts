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
