import type { TEnvironment, TFinding } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { BotFacts } from "./types.ts";
import { listText, normalizeKey } from "./util.ts";

/** The bot's own mailbox: `<name>.bot@<domain>`, lowercased. */
export function expectedBotEmail(name: string, domain: string): string {
  return `${name}.bot@${domain}`.toLowerCase();
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkBotEmail(bot: Pick<BotFacts, "name" | "email">, domain: string): TFinding | null {
  const expected = expectedBotEmail(bot.name, domain);
  const actual = bot.email === null ? "" : normalizeEmail(bot.email);
  if (actual === "") {
    return makeFinding(
      "bot_email",
      `The bot has no bot email; it should be ${expected}.`,
      { expected, actual: null },
      `Provision the mailbox ${expected} (read-only by default) and record it on the bot.`,
    );
  }
  if (actual === expected) return null;
  return makeFinding(
    "bot_email",
    `The bot email ${bot.email} does not match the org convention; it should be ${expected}.`,
    { expected, actual: bot.email },
    `Provision the mailbox ${expected} for the bot, record it, and stop using ${bot.email}.`,
  );
}

export type BotRef = { id: string; name: string; environment: TEnvironment };

/** Who uses each identity, built once per inventory so the shared-identity check is linear. */
export type IdentityIndex = {
  /** normalised email -> bots using it */
  readonly emails: ReadonlyMap<string, readonly BotRef[]>;
  /** serviceAccountKey(system, account) -> bots using it */
  readonly serviceAccounts: ReadonlyMap<string, readonly BotRef[]>;
};

export function serviceAccountKey(system: string, account: string): string {
  // NUL cannot occur in either part, so distinct (system, account) pairs never collide.
  return `${normalizeKey(system)}\u0000${account.trim().toLowerCase()}`;
}

function addRef(map: Map<string, BotRef[]>, key: string, ref: BotRef): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [ref]);
    return;
  }
  // A bot listing the same identity twice is not sharing it; its entries are adjacent.
  if (list[list.length - 1]?.id === ref.id) return;
  list.push(ref);
}

function compareRefs(a: BotRef, b: BotRef): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.environment !== b.environment) return a.environment < b.environment ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * Offboarded bots are left out: their identities are revoked, so they no longer share anything,
 * and they get no findings themselves.
 */
export function buildIdentityIndex(
  bots: readonly Pick<BotFacts, "id" | "name" | "environment" | "status" | "email" | "serviceAccounts">[],
): IdentityIndex {
  const emails = new Map<string, BotRef[]>();
  const serviceAccounts = new Map<string, BotRef[]>();
  for (const bot of bots) {
    if (bot.status === "offboarded") continue;
    const ref: BotRef = { id: bot.id, name: bot.name, environment: bot.environment };
    if (bot.email !== null && bot.email.trim() !== "") addRef(emails, normalizeEmail(bot.email), ref);
    for (const account of bot.serviceAccounts) {
      if (account.account.trim() === "") continue;
      addRef(serviceAccounts, serviceAccountKey(account.system, account.account), ref);
    }
  }
  // Sorted once here so every finding lists the other bots in the same order, whatever the input order.
  for (const list of emails.values()) if (list.length > 1) list.sort(compareRefs);
  for (const list of serviceAccounts.values()) if (list.length > 1) list.sort(compareRefs);
  return { emails, serviceAccounts };
}

/** Caps keep a pathological inventory (thousands of bots on one identity) from producing huge findings. */
const MAX_OTHER_BOTS_IN_DETAILS = 50;
const MAX_OTHER_BOTS_IN_MESSAGE = 5;

/** True when someone other than the bot itself uses the identity (the bot need not be in the index). */
function usedByOthers(list: readonly BotRef[] | undefined, selfId: string): list is readonly BotRef[] {
  if (!list || list.length === 0) return false;
  return list.length > 1 || list[0]?.id !== selfId;
}

type Others = { shown: BotRef[]; count: number; crossEnvironment: boolean };

function otherBots(list: readonly BotRef[], self: Pick<BotFacts, "id" | "environment">): Others {
  const shown: BotRef[] = [];
  let count = 0;
  let crossEnvironment = false;
  for (const ref of list) {
    if (ref.id === self.id) continue;
    count += 1;
    if (ref.environment !== self.environment) crossEnvironment = true;
    if (shown.length < MAX_OTHER_BOTS_IN_DETAILS) shown.push(ref);
  }
  return { shown, count, crossEnvironment };
}

function sharedMessage(identity: string, { shown, count, crossEnvironment }: Others): string {
  const named = shown.slice(0, MAX_OTHER_BOTS_IN_MESSAGE).map((ref) => `${ref.environment} bot "${ref.name}"`);
  const rest = count - named.length;
  if (rest > 0) named.push(rest === 1 ? "1 other bot" : `${rest} other bots`);
  const why = crossEnvironment
    ? "one identity per environment, never shared across environments"
    : "every bot needs its own identity";
  return `${identity} is shared with ${listText(named)}: ${why}.`;
}

/** One finding per identity (the bot email, each service account) that another bot also uses. */
export function checkSharedIdentity(
  bot: Pick<BotFacts, "id" | "environment" | "email" | "serviceAccounts">,
  index: IdentityIndex,
): TFinding[] {
  const findings: TFinding[] = [];

  if (bot.email !== null && bot.email.trim() !== "") {
    const email = normalizeEmail(bot.email);
    const list = index.emails.get(email);
    const others = usedByOthers(list, bot.id) ? otherBots(list, bot) : null;
    if (others && others.count > 0) {
      findings.push(
        makeFinding(
          "shared_identity",
          sharedMessage(`The bot email ${email}`, others),
          { identity: email, kind: "email", otherBots: others.shown, otherBotCount: others.count },
          `Give this bot its own mailbox for the ${bot.environment} environment and stop sharing ${email}.`,
        ),
      );
    }
  }

  if (bot.serviceAccounts.length === 0) return findings;
  // Most bots share nothing: look up first, and only sort and de-duplicate the few hits.
  let hits: { key: string; system: string; account: string; list: readonly BotRef[] }[] | null = null;
  for (const sa of bot.serviceAccounts) {
    const account = sa.account.trim();
    if (account === "") continue;
    const key = serviceAccountKey(sa.system, account);
    const list = index.serviceAccounts.get(key);
    if (!usedByOthers(list, bot.id)) continue;
    if (hits?.some((hit) => hit.key === key)) continue;
    (hits ??= []).push({ key, system: normalizeKey(sa.system), account, list });
  }
  if (hits === null) return findings;
  // Sorted by key (system, then account) so the findings come out in a stable order.
  hits.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { system, account, list } of hits) {
    const others = otherBots(list, bot);
    if (others.count === 0) continue;
    findings.push(
      makeFinding(
        "shared_identity",
        sharedMessage(`The ${system} service account ${account}`, others),
        { identity: account, kind: "service_account", system, otherBots: others.shown, otherBotCount: others.count },
        `Create a separate ${system} service account for this bot in ${bot.environment}, then revoke its use of ${account}.`,
      ),
    );
  }
  return findings;
}

/**
 * The identities a bot uses, as keys comparable across bots (`email:<normalised email>`,
 * `sa:<serviceAccountKey>`), with the normalised value a database lookup can pre-filter on.
 * Offboarded bots use none, as in buildIdentityIndex.
 */
export function identityKeysOf(
  bot: Pick<BotFacts, "status" | "email" | "serviceAccounts">,
): { key: string; kind: "email" | "service_account"; value: string }[] {
  if (bot.status === "offboarded") return [];
  const keys: { key: string; kind: "email" | "service_account"; value: string }[] = [];
  if (bot.email !== null && bot.email.trim() !== "") {
    const email = normalizeEmail(bot.email);
    keys.push({ key: `email:${email}`, kind: "email", value: email });
  }
  for (const sa of bot.serviceAccounts) {
    const account = sa.account.trim();
    if (account === "") continue;
    keys.push({ key: `sa:${serviceAccountKey(sa.system, account)}`, kind: "service_account", value: account.toLowerCase() });
  }
  return keys;
}

/**
 * The identities that a bot's `shared_identity` findings name, as identityKeysOf keys: the
 * identities it shared when its findings were last computed. When the bot changes, the other
 * users of these may need new findings too (the bot may have stopped sharing them).
 */
export function sharedIdentityKeysOf(findings: readonly TFinding[]): { key: string; kind: "email" | "service_account"; value: string }[] {
  const keys: { key: string; kind: "email" | "service_account"; value: string }[] = [];
  for (const f of findings) {
    if (f.kind !== "shared_identity") continue;
    const d = (f.details ?? {}) as { kind?: unknown; identity?: unknown; system?: unknown };
    if (typeof d.identity !== "string") continue;
    if (d.kind === "email") keys.push({ key: `email:${normalizeEmail(d.identity)}`, kind: "email", value: normalizeEmail(d.identity) });
    else if (d.kind === "service_account" && typeof d.system === "string") {
      const account = d.identity.trim();
      keys.push({ key: `sa:${serviceAccountKey(d.system, account)}`, kind: "service_account", value: account.toLowerCase() });
    }
  }
  return keys;
}
