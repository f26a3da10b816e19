import type { TFinding } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { BotFacts } from "./types.ts";

/**
 * BR-OFFBOARDING: a bot marked `offboarded` holds nothing any more. One finding naming what
 * remains (grants, live runtime tokens, credential references not revoked); null when nothing
 * does, or the bot is not offboarded.
 */
export function checkOffboardingComplete(bot: Pick<BotFacts, "status" | "grants" | "liveTokens" | "credentialReferences">): TFinding | null {
  if (bot.status !== "offboarded") return null;
  const refs = bot.credentialReferences.filter((r) => r.status !== "revoked");
  const left = [
    bot.grants.length ? `${bot.grants.length} grant${bot.grants.length === 1 ? "" : "s"}` : null,
    bot.liveTokens ? `${bot.liveTokens} live runtime token${bot.liveTokens === 1 ? "" : "s"}` : null,
    refs.length ? `${refs.length} unrevoked credential reference${refs.length === 1 ? "" : "s"}` : null,
  ].filter((x): x is string => x !== null);
  if (!left.length) return null;
  return makeFinding("offboarding_incomplete", `The bot is marked offboarded but still holds ${left.join(", ")}.`, {
    grants: bot.grants.map((g) => `${g.system} ${g.scope}`),
    liveTokens: bot.liveTokens,
    credentialReferences: refs.map((r) => ({ id: r.id, system: r.system, reference: r.reference })),
  });
}
