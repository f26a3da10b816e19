import { FINDING_KINDS } from "@bridle/contracts";
import type { TFinding, TFindingKind } from "@bridle/contracts";
import { checkChannels } from "./channels.ts";
import { checkGoldenRule } from "./golden-rule.ts";
import { buildIdentityIndex, checkBotEmail, checkSharedIdentity } from "./identity.ts";
import type { IdentityIndex } from "./identity.ts";
import { checkNamingRule } from "./naming.ts";
import { checkOffboardingComplete } from "./offboarding.ts";
import { checkEnforcementGap, checkRuntimeSilent } from "./runtime.ts";
import { checkOwner } from "./ownership.ts";
import { checkReview } from "./review.ts";
import { checkCredentialRotation } from "./rotation.ts";
import { checkRuntimeProfile } from "./runtime-profile.ts";
import { checkSkills } from "./skills.ts";
import type { BotFacts, EvaluationContext } from "./types.ts";

type Check = (bot: BotFacts, ctx: EvaluationContext, index: IdentityIndex) => TFinding | readonly TFinding[] | null;

/*
 * One check per finding kind. The Record makes the compiler insist on a check for every kind, and
 * evaluateBot walks FINDING_KINDS, so findings come out in catalog order without a sort.
 */
const CHECKS: Record<TFindingKind, Check> = {
  golden_rule: (bot, ctx) => checkGoldenRule(bot, ctx.systems, ctx.now),
  orphaned: (bot) => checkOwner(bot.owner),
  disallowed_channel: (bot, ctx) => checkChannels(bot.channels, ctx.policy),
  naming: (bot, ctx) => checkNamingRule(bot.name, ctx.policy.namingRule),
  bot_email: (bot, ctx) => checkBotEmail(bot, ctx.policy.botEmailDomain),
  shared_identity: (bot, _ctx, index) => checkSharedIdentity(bot, index),
  review_overdue: (bot, ctx) => checkReview(bot, ctx.policy.reviewIntervalDays, ctx.now),
  runtime_profile_incomplete: (bot) => checkRuntimeProfile(bot.runtimeProfile),
  unapproved_skill: (bot, ctx) => checkSkills(bot.runtimeProfile?.allowedTools, ctx.skills),
  credential_rotation_due: (bot, ctx) => checkCredentialRotation(bot, ctx.now),
  offboarding_incomplete: (bot) => checkOffboardingComplete(bot),
  runtime_silent: (bot, ctx) => checkRuntimeSilent(bot, ctx.now),
  enforcement_gap: (bot, ctx) => checkEnforcementGap(bot, ctx.now),
};

/** All findings for one bot, ordered by FINDING_KINDS. `index` comes from buildIdentityIndex over the whole inventory. */
export function evaluateBot(bot: BotFacts, ctx: EvaluationContext, index: IdentityIndex): TFinding[] {
  // An offboarded bot is governed by one rule only: it holds nothing any more (BR-OFFBOARDING).
  if (bot.status === "offboarded") {
    const left = checkOffboardingComplete(bot);
    return left ? [left] : [];
  }
  const findings: TFinding[] = [];
  for (const kind of FINDING_KINDS) {
    const result = CHECKS[kind](bot, ctx, index);
    if (result === null) continue;
    // Array.isArray does not narrow readonly arrays, hence the casts.
    if (Array.isArray(result)) findings.push(...(result as readonly TFinding[]));
    else findings.push(result as TFinding);
  }
  return findings;
}

/** Findings for every bot, keyed by bot id (every bot has an entry, possibly empty). */
export function evaluateInventory(bots: readonly BotFacts[], ctx: EvaluationContext): Map<string, TFinding[]> {
  const index = buildIdentityIndex(bots);
  const result = new Map<string, TFinding[]>();
  for (const bot of bots) result.set(bot.id, evaluateBot(bot, ctx, index));
  return result;
}
