import { z } from "zod";

/**
 * What a notification is about. Every reminder and alert Bridle sends goes through the
 * notifications module with one of these kinds; a person chooses their channels per kind.
 */
export const NOTIFICATION_KINDS = [
  "offboarding_case_opened",
  "ownership_transfer_offered",
  "orphan_pause_warning",
  "rotation_due",
  "leak_playbook_started",
  "access_review_assigned",
  "access_review_reminder",
  "skill_review_needed",
  "instruction_review_needed",
  /** a person's own "send me a test notification" */
  "test",
] as const;
export const ZNotificationKind = z.enum(NOTIFICATION_KINDS);
export type TNotificationKind = z.infer<typeof ZNotificationKind>;
/** The same type under the name the notify command documents. */
export type NotificationKind = TNotificationKind;

/** How each kind reads in the console (the preferences page, the list). */
export const NOTIFICATION_KIND_LABELS: Record<TNotificationKind, string> = {
  offboarding_case_opened: "Offboarding case opened",
  ownership_transfer_offered: "Bot ownership offered to you",
  orphan_pause_warning: "Orphaned bot about to be paused",
  rotation_due: "Credential rotation due",
  leak_playbook_started: "Suspected credential leak",
  access_review_assigned: "Access review assigned",
  access_review_reminder: "Access review reminder",
  skill_review_needed: "Skill review needed",
  instruction_review_needed: "Instruction review needed",
  test: "Test notification",
};

/** Limits of a notification's text (characters), enforced by the notify command. */
export const NOTIFICATION_TITLE_MAX = 200;
export const NOTIFICATION_BODY_MAX = 4000;
