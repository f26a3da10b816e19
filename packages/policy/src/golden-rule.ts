import type { TExceptionStatus, TFinding, TSystemClassification } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { BotFacts } from "./types.ts";
import { isoDate, listText, normalizeKey } from "./util.ts";

export type CapabilityFacts = Pick<BotFacts, "internalDataAccess" | "channels" | "grants">;

export type Capabilities = {
  internalData: boolean;
  externalCommunication: boolean;
  /** Human-readable reasons, e.g. `data access level confidential`, `grant github:issues:read`. */
  internalSources: string[];
  /** Human-readable reasons, e.g. `channel telegram`, `grant gmail:send`. */
  externalSources: string[];
  /** System and channel keys that give external communication; an exception must cover all of them. */
  externalSystems: string[];
};

function grantLabel(system: string, scope: string, classified: boolean): string {
  // Scopes are conventionally `<system>:<resource>:<access>`; qualify the ones that are not.
  const qualified = scope.toLowerCase().startsWith(`${system}:`) ? scope : `${system}:${scope}`;
  return classified ? `grant ${qualified}` : `grant ${qualified} (unclassified system)`;
}

/**
 * What a bot can reach, for the Golden Rule. Anything not in the system catalog is assumed to
 * give the most access (deny when unsure): an unknown channel is external, an unknown system is `both`.
 */
export function capabilities(
  bot: CapabilityFacts,
  systems: ReadonlyMap<string, TSystemClassification>,
  now: Date,
): Capabilities {
  // Sets: several grants can share a scope, and one system can be both a grant and a channel.
  const internalSources = new Set<string>();
  const externalSources = new Set<string>();
  const externalSystems = new Set<string>();
  const nowMs = now.getTime();

  if (bot.internalDataAccess !== "none") internalSources.add(`data access level ${bot.internalDataAccess}`);

  for (const grant of bot.grants) {
    // An expired grant no longer gives access. An unparseable date compares false and so still counts.
    if (grant.expiresAt && grant.expiresAt.getTime() <= nowMs) continue;
    const system = normalizeKey(grant.system);
    const known = systems.get(system);
    const classification = known ?? "both";
    const label = grantLabel(system, grant.scope, known !== undefined);
    if (classification === "internal_data" || classification === "both") internalSources.add(label);
    // For `both`, reading gives internal data only; writing (sending, posting) also talks outside.
    if (classification === "external_communication" || (classification === "both" && grant.access === "write")) {
      externalSources.add(label);
      externalSystems.add(system);
    }
  }

  for (const channel of bot.channels) {
    const key = normalizeKey(channel);
    const known = systems.get(key);
    if (known === "internal_data" || known === "neither") continue;
    externalSources.add(known === undefined ? `channel ${key} (unclassified)` : `channel ${key}`);
    externalSystems.add(key);
  }

  return {
    internalData: internalSources.size > 0,
    externalCommunication: externalSources.size > 0,
    internalSources: [...internalSources],
    externalSources: [...externalSources],
    externalSystems: [...externalSystems],
  };
}

export type ExceptionVerdict = {
  valid: boolean;
  /**
   * What the console shows: `none` when there is no exception, `expired` for an approved one past
   * its expiry, otherwise the stored status (`approved` with `uncovered` keys when it does not cover).
   */
  status: "none" | "expired" | TExceptionStatus;
  /** External system / channel keys the exception does not list. */
  uncovered: string[];
};

/** Whether a Golden Rule exception makes the bot's external systems acceptable at `now`. */
export function exceptionVerdict(
  exception: BotFacts["exception"],
  externalSystems: readonly string[],
  now: Date,
): ExceptionVerdict {
  if (exception === null) return { valid: false, status: "none", uncovered: [] };
  if (exception.status !== "approved") return { valid: false, status: exception.status, uncovered: [] };
  if (exception.expiresAt && exception.expiresAt.getTime() <= now.getTime()) {
    return { valid: false, status: "expired", uncovered: [] };
  }
  const covered = new Set([...exception.allowedSystems, ...exception.allowedChannels].map(normalizeKey));
  const uncovered = externalSystems.filter((key) => !covered.has(normalizeKey(key)));
  return { valid: uncovered.length === 0, status: "approved", uncovered };
}

const FIX_EITHER = "remove either the bot's internal data access or its external communication";

/**
 * The booleans of `capabilities` without building any labels: most bots pass the Golden Rule, and
 * this keeps the inventory-wide check cheap. Must agree with `capabilities` (tested).
 */
export function hasBothCapabilities(
  bot: CapabilityFacts,
  systems: ReadonlyMap<string, TSystemClassification>,
  now: Date,
): boolean {
  let internal = bot.internalDataAccess !== "none";
  let external = false;
  const nowMs = now.getTime();
  for (const grant of bot.grants) {
    if (grant.expiresAt && grant.expiresAt.getTime() <= nowMs) continue;
    const classification = systems.get(normalizeKey(grant.system)) ?? "both";
    if (classification === "internal_data" || classification === "both") internal = true;
    if (classification === "external_communication" || (classification === "both" && grant.access === "write")) external = true;
    if (internal && external) return true;
  }
  if (!internal) return false;
  for (const channel of bot.channels) {
    const known = systems.get(normalizeKey(channel));
    if (known !== "internal_data" && known !== "neither") return true;
  }
  return false;
}

/** The Golden Rule: internal data access OR external communication, never both without a valid exception. */
export function checkGoldenRule(
  bot: Pick<BotFacts, "internalDataAccess" | "channels" | "grants" | "exception">,
  systems: ReadonlyMap<string, TSystemClassification>,
  now: Date,
): TFinding | null {
  if (!hasBothCapabilities(bot, systems, now)) return null;
  const caps = capabilities(bot, systems, now);
  if (!caps.internalData || !caps.externalCommunication) return null;
  const verdict = exceptionVerdict(bot.exception, caps.externalSystems, now);
  if (verdict.valid) return null;

  const base =
    `The bot has internal data access (${caps.internalSources.join(", ")}) ` +
    `and external communication (${caps.externalSources.join(", ")})`;
  const details: Record<string, unknown> = {
    internalSources: caps.internalSources,
    externalSources: caps.externalSources,
    exceptionStatus: verdict.status,
  };

  switch (verdict.status) {
    case "none":
      return makeFinding(
        "golden_rule",
        `${base} without a Golden Rule exception.`,
        details,
        `${capitalize(FIX_EITHER)}, or request a Golden Rule exception covering ${listText(caps.externalSystems)} and have security approve it.`,
      );
    case "pending":
      return makeFinding(
        "golden_rule",
        `${base}; its Golden Rule exception is still pending approval.`,
        details,
        `Have security decide on the pending exception, or ${FIX_EITHER}.`,
      );
    case "denied":
    case "revoked":
      return makeFinding(
        "golden_rule",
        `${base}; its Golden Rule exception was ${verdict.status}.`,
        details,
        `${capitalize(FIX_EITHER)}.`,
      );
    case "expired": {
      // exceptionVerdict only reports `expired` when expiresAt is set.
      const expiredOn = isoDate(bot.exception?.expiresAt ?? now);
      details.exceptionExpiredAt = expiredOn;
      return makeFinding(
        "golden_rule",
        `${base}; its Golden Rule exception expired on ${expiredOn}.`,
        details,
        `Request a renewal of the exception and have security approve it, or ${FIX_EITHER}.`,
      );
    }
    case "approved":
      details.uncovered = verdict.uncovered;
      return makeFinding(
        "golden_rule",
        `${base}; its approved Golden Rule exception does not cover ${listText(verdict.uncovered)}.`,
        details,
        `Add ${listText(verdict.uncovered)} to the exception's allowed systems or channels and have it approved again, or remove the bot's access to ${verdict.uncovered.length === 1 ? "it" : "them"}.`,
      );
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
