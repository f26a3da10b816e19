import type { TFinding, TNamingRule } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import { listText, quoteAll } from "./util.ts";

type EffectiveRule = { tokens: readonly string[]; prefix: string };

// Normalised once per rule object: an inventory evaluation checks every bot against the same rule.
const ruleCache = new WeakMap<TNamingRule, EffectiveRule>();

function effectiveRule(rule: TNamingRule): EffectiveRule {
  const cached = ruleCache.get(rule);
  if (cached) return cached;
  // Blank tokens would match every name, so they count as absent rather than as "anything goes".
  const tokens = rule.requiredTokens.map((token) => token.trim().toLowerCase()).filter((token) => token !== "");
  const prefix = (rule.orgPrefix ?? "").trim().toLowerCase();
  const effective = { tokens, prefix };
  ruleCache.set(rule, effective);
  return effective;
}

/**
 * True when the (lowercased) name contains one of the required tokens or starts with the org
 * prefix. A rule with no tokens and no prefix imposes nothing.
 */
export function checkNaming(name: string, rule: TNamingRule): boolean {
  const { tokens, prefix } = effectiveRule(rule);
  if (tokens.length === 0 && prefix === "") return true;
  const lower = name.toLowerCase();
  if (prefix !== "" && lower.startsWith(prefix)) return true;
  return tokens.some((token) => lower.includes(token));
}

/** What the rule asks for, as a sentence fragment: `contain "bot" or "agent", or start with "acme-"`. */
export function describeNamingRule(rule: TNamingRule): string {
  const { tokens, prefix } = effectiveRule(rule);
  const parts: string[] = [];
  if (tokens.length === 1) parts.push(`contain "${tokens[0]}"`);
  if (tokens.length > 1) parts.push(`contain ${listText(quoteAll(tokens), "or")}`);
  if (prefix !== "") parts.push(`start with "${prefix}"`);
  return parts.join(", or ");
}

export function checkNamingRule(name: string, rule: TNamingRule): TFinding | null {
  if (checkNaming(name, rule)) return null;
  const requirement = describeNamingRule(rule);
  return makeFinding(
    "naming",
    `The bot name "${name}" does not follow the naming rule: names must ${requirement}.`,
    { name, requiredTokens: [...effectiveRule(rule).tokens], orgPrefix: rule.orgPrefix },
    `Rename the bot; names must ${requirement}.`,
  );
}
