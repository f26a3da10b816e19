import type { TRole } from "@bridle/contracts";

/**
 * Who may review (approve or reject) a version of a bot's persistent instructions that waits for
 * review (packages/contracts instructions.ts). One rule for the API, which enforces it, and the
 * console, which offers the buttons only when they would work:
 * - only a pending version is reviewed (`not_pending`);
 * - only humans review: bot tokens never reach the review route, and a person record carrying a
 *   bot mailbox is refused (`bot_identity`);
 * - nobody reviews their own upload (`own_upload`): a person's upload needs another person; a
 *   bot's upload needs a human anyway;
 * - the reviewer is the bot's owner, or holds `instructions.review` (security) (`not_reviewer`).
 *   Admins and IT upload for any bot, but review only as the owner or as security.
 */
export const INSTRUCTION_REVIEW_REFUSALS = ["not_pending", "bot_identity", "own_upload", "not_reviewer"] as const;
export type InstructionReviewRefusal = (typeof INSTRUCTION_REVIEW_REFUSALS)[number];

export type InstructionReviewerFacts = { personId: string; roles: readonly TRole[]; mayReviewAny: boolean; isBotIdentity: boolean };
export type InstructionVersionFacts = {
  status: string;
  botOwnerId: string | null;
  /** the person who uploaded it; null when the bot's runtime did */
  uploadedByPersonId: string | null;
};

export function instructionReviewRefusal(reviewer: InstructionReviewerFacts, version: InstructionVersionFacts): InstructionReviewRefusal | null {
  if (version.status !== "pending_review") return "not_pending";
  if (reviewer.isBotIdentity) return "bot_identity";
  if (version.uploadedByPersonId !== null && version.uploadedByPersonId === reviewer.personId) return "own_upload";
  const isOwner = version.botOwnerId !== null && version.botOwnerId === reviewer.personId;
  if (!isOwner && !reviewer.mayReviewAny) return "not_reviewer";
  return null;
}

/** The refusals in words (the console shows them beside the disabled buttons; the API answers them). */
export const INSTRUCTION_REVIEW_REFUSAL_TEXT: Record<InstructionReviewRefusal, string> = {
  not_pending: "Only a version waiting for review can be approved or rejected",
  bot_identity: "Only people review instructions; a bot identity cannot",
  own_upload: "You uploaded this version: another person (the bot's owner or security) reviews it",
  not_reviewer: "Only the bot's owner or security reviews this bot's instructions",
};

/**
 * Who may review a skill version in the registry: security (`skills.review`), never the person who
 * registered the version nor the skill's owner (four eyes on what bots may run).
 */
export const SKILL_REVIEW_REFUSALS = ["not_reviewer", "own_entry", "own_skill"] as const;
export type SkillReviewRefusal = (typeof SKILL_REVIEW_REFUSALS)[number];

export function skillReviewRefusal(
  reviewer: { personId: string; mayReview: boolean },
  skill: { createdById: string | null; ownerId: string | null },
): SkillReviewRefusal | null {
  if (!reviewer.mayReview) return "not_reviewer";
  if (skill.createdById !== null && skill.createdById === reviewer.personId) return "own_entry";
  if (skill.ownerId !== null && skill.ownerId === reviewer.personId) return "own_skill";
  return null;
}

export const SKILL_REVIEW_REFUSAL_TEXT: Record<SkillReviewRefusal, string> = {
  not_reviewer: "Only security reviews skills",
  own_entry: "You registered this version: another security reviewer approves or rejects it",
  own_skill: "You own this skill: another security reviewer approves or rejects it",
};
