import type { APPROVAL_KINDS, TGatedAction } from "@bridle/contracts";
import type { DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";

/**
 * Typed domain events (STYLE.md 5): every write that changes what governs a bot emits one inside
 * its transaction, carrying the ids it affects. Side effects follow from them, never from hand calls:
 * - in-transaction subscribers, registered by modules at startup with `subscribe` (the findings
 *   module recomputes the affected bots' findings), run at once inside the emitting transaction;
 * - after commit, every replica hears a notice on POLICY_CHANNEL naming the affected bots (or
 *   "all") and refreshes its decision snapshot for those bots; this replica also hears it at
 *   once, before commit, through `onLocalNotice`.
 *
 * This file imports no module (lib/ never does): modules depend on it, not the reverse.
 */
export type DomainEvent =
  /** A bot was registered (POST /bots). */
  | { type: "bot.created"; botId: string }
  /** A bot's fields, grants, channels, service accounts or exception were changed directly (PATCH /bots/{id}). */
  | { type: "bot.changed"; botId: string; fields: readonly string[] }
  /**
   * Several bots' fields changed in one transaction (offboarding's bulk plan: paused, tokens and
   * references revoked, grants and channels removed): one event, so the bots' findings are
   * recomputed and their snapshot entries refreshed once for all of them.
   */
  | { type: "bots.changed"; botIds: readonly string[]; fields: readonly string[] }
  /** A bot got a new owner directly (POST /bots/{id}/transfer); approved transfers are `approval.applied`. */
  | { type: "bot.owner_changed"; botId: string; fromOwnerId: string | null; toOwnerId: string }
  /** An approved request changed its bot: a grant, an exception, or the owner (not gated actions: nothing changes). */
  | { type: "approval.applied"; requestId: string; kind: (typeof APPROVAL_KINDS)[number]; botId: string }
  /** The org's rule for a gated action changed: every bot's effective rules may change. */
  | { type: "gated_action.changed"; action: TGatedAction }
  /** One bot's override of a gated action was set or removed. */
  | { type: "gated_action.override_changed"; botId: string; action: TGatedAction }
  /**
   * Credential references of these bots changed status (revoked, due for rotation, rotated) or were
   * added, edited or removed through the credentials module's routes (findings: rotation due).
   */
  | { type: "credential_reference.changed"; botIds: readonly string[] }
  /**
   * Access review items of these bots were paused (missed past their due date) or lifted (decided):
   * the decision snapshot re-reads whether their gated actions are paused. Not a findings input
   * (the review date itself changes through `bot.changed`).
   */
  | { type: "access_review.changed"; botIds: readonly string[] }
  /** A leak playbook opened or closed on one of the bot's credential references: its gated actions are held, or released. */
  | { type: "leak_playbook.changed"; botId: string; playbookId: string; open: boolean }
  | { type: "bot_token.created"; botId: string; tokenId: string }
  | { type: "bot_token.revoked"; botId: string; tokenId: string }
  /** A person left (SCIM `active: false` or DELETE): the bots they own are orphaned, read-only from now. */
  | { type: "person.deactivated"; personId: string; botIds: readonly string[] }
  | { type: "person.reactivated"; personId: string; botIds: readonly string[] }
  /** A person's email or display name changed (SCIM): the bots they own name them (findings, refusals). */
  | { type: "person.changed"; personId: string; botIds: readonly string[] }
  /** Org policy (naming, email domain, channels, review interval, classifications) changed: every bot. */
  | { type: "org_policy.changed"; version: number }
  /** A connected system was added, reclassified or removed: every bot (classifications and channel keys). */
  | { type: "system.changed"; systemId: string; key: string; change: "created" | "reclassified" | "removed" }
  /**
   * An inventory import wrote bots (`botIds`: created or updated) and maybe connected systems
   * (`systemKeys`: created or updated); with any system written, every bot is affected. Of the
   * updated bots, `ownerChanged` got another owner and `scopeChanged` other grants or channels
   * (their credential references become due for rotation).
   */
  | { type: "inventory.imported"; botIds: readonly string[]; systemKeys: readonly string[]; ownerChanged?: readonly string[]; scopeChanged?: readonly string[] }
  /**
   * A skills registry entry (one version of a skill) was registered, reviewed, or sent back to
   * review: `botIds` are the bots whose allowed tools name that version (their findings change).
   */
  | { type: "skill.changed"; skillId: string; change: "created" | "reviewed" | "reset"; botIds: readonly string[] }
  /**
   * A version of a bot's persistent instruction file was uploaded, reviewed or superseded, or a
   * file's review setting changed. No finding or decision reads instructions yet: the event is for
   * subscribers to come (notifications of a version waiting for review, incidents).
   */
  | { type: "instructions.changed"; botId: string; file: string; change: "uploaded" | "approved" | "rejected" | "settings"; version: number | null }
  /**
   * What these bots' runtimes report changed their runtime status (events module): a gateway
   * reported for the first time, its versions changed, it came back after being silent, or a new
   * enforcement gap was seen. Not emitted for every event (heartbeats that change nothing emit none).
   */
  | { type: "bot.runtime_changed"; botIds: readonly string[]; change: "heartbeat" | "gap" }
  /**
   * A budget cap of these bots (theirs or their team's) was set, changed or removed, or their
   * spend reached one (usage module): the decision snapshot re-reads which caps are spent.
   */
  | { type: "budget.changed"; botIds: readonly string[]; change: "set" | "removed" | "exhausted" }
  /**
   * A kill switch was engaged or resumed (kill-switch module): `botIds` are the bots in its scope
   * now ("all" for the `all` scope). The decision snapshot re-reads the engaged switches with any
   * refresh, so a bot that joins the scope later is halted when its own change refreshes it.
   */
  | { type: "kill_switch.changed"; switchId: string; change: "engaged" | "resumed"; botIds: readonly string[] | "all" };

export type DomainEventType = DomainEvent["type"];

/**
 * The bots whose decision snapshot entry an event may change, or "all" for org-wide changes: the
 * change notice (NOTIFY) names them. Findings follow their own scope (findings.subscriber.ts),
 * and the identity sharers of these bots are the findings module's business (see recomputeFindingsFor).
 */
export function affectedBots(event: DomainEvent): readonly string[] | "all" {
  switch (event.type) {
    case "bot.created":
    case "bot.changed":
    case "bot.owner_changed":
    case "approval.applied":
    case "gated_action.override_changed":
    case "bot_token.created":
    case "bot_token.revoked":
    case "leak_playbook.changed":
      return [event.botId];
    case "bots.changed":
    case "person.deactivated":
    case "person.reactivated":
    case "person.changed":
    case "credential_reference.changed":
    case "access_review.changed":
    case "budget.changed":
    case "kill_switch.changed":
      return event.botIds;
    case "inventory.imported":
      return event.systemKeys.length ? "all" : event.botIds;
    // The decision snapshot reads neither the skills registry nor persistent instructions: no
    // refresh (the findings subscriber recomputes the skill's bots, see findingsScope).
    case "skill.changed":
    case "instructions.changed":
    case "bot.runtime_changed": // runtime status and gaps are findings inputs, not decision inputs
      return [];
    case "org_policy.changed":
    case "system.changed":
    case "gated_action.changed":
      return "all";
    default:
      return event satisfies never;
  }
}

/** What the in-transaction subscribers did, for callers that report it (`recomputed` in responses). */
export type EmitReport = { findingsChanged: number };

/**
 * Runs inside the emitting transaction, after its writes: what it writes commits with them, and
 * an error it throws rolls the whole change back.
 */
export type Subscriber = (tx: DbOrTx, event: DomainEvent) => Promise<Partial<EmitReport> | void>;

const subscribers = new Map<string, Subscriber>();

/**
 * Registers an in-transaction subscriber under a name (a module registers its own at startup).
 * Registering a name again replaces it, so building the app twice in one process (replicas in
 * tests, benches) never runs a side effect twice.
 */
export function subscribe(name: string, subscriber: Subscriber): void {
  subscribers.set(name, subscriber);
}

/** The Postgres channel on which every replica hears which bots changed (kept from before events, see below). */
export const POLICY_CHANNEL = "bridle_policy_changed";

/**
 * A change notice as the decision snapshot reads it: the event's type and the bots to refresh.
 * Payload: JSON `{ "e": type, "bots": [ids] | "all" }`. The channel name and a payload that is not
 * `bot:<uuid>` mean "rebuild everything" to a replica of the previous version, so a rolling
 * deploy stays correct (it just rebuilds more).
 */
export type ChangeNotice = { event: DomainEventType | null; bots: readonly string[] | "all" };

/** NOTIFY payloads must stay under 8000 bytes: 150 ids of 38 JSON bytes each is about 5.7 kB. */
const BOTS_PER_NOTICE = 150;
/** Past this many bots, one "all" notice (a full rebuild) costs less than many per-bot refreshes. */
const ALL_ABOVE = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The bots a notice names: each once, or "all" past ALL_ABOVE. */
function noticeBots(bots: readonly string[] | "all"): readonly string[] | "all" {
  if (bots === "all") return "all";
  const unique = [...new Set(bots)];
  return unique.length > ALL_ABOVE ? "all" : unique;
}

/** The NOTIFY payloads for a set of bots, each under the 8000-byte limit. */
export function noticePayloads(event: DomainEventType, bots: readonly string[] | "all"): string[] {
  const unique = noticeBots(bots);
  if (unique === "all") return [JSON.stringify({ e: event, bots: "all" })];
  const out: string[] = [];
  for (let i = 0; i < unique.length; i += BOTS_PER_NOTICE) out.push(JSON.stringify({ e: event, bots: unique.slice(i, i + BOTS_PER_NOTICE) }));
  return out;
}

/** Reads a POLICY_CHANNEL payload; anything unreadable means "refresh everything" (deny stale when unsure). */
export function parseChangeNotice(payload: string): ChangeNotice {
  try {
    const v = JSON.parse(payload) as { e?: unknown; bots?: unknown };
    const event = typeof v.e === "string" ? (v.e as DomainEventType) : null;
    if (Array.isArray(v.bots) && v.bots.every((id) => typeof id === "string" && UUID.test(id)))
      return { event, bots: (v.bots as string[]).map((id) => id.toLowerCase()) };
    return { event, bots: "all" };
  } catch {
    return { event: null, bots: "all" };
  }
}

type LocalListener = (notice: ChangeNotice) => void;
const localListeners = new Set<LocalListener>();

/**
 * In-process listeners to changes emitted by THIS process, told at once (before commit). NOTIFY
 * arrives only after commit and a moment later; a local listener marks its snapshot stale now,
 * so a decision asked after the change's answer was sent never uses the old policy here.
 * @returns a function that unsubscribes
 */
export function onLocalNotice(listener: LocalListener): () => void {
  localListeners.add(listener);
  return () => localListeners.delete(listener);
}

/**
 * Emits a domain event inside `tx`, after the writes it describes: runs every in-transaction
 * subscriber at once, in registration order, then queues the change notices (NOTIFY is sent by
 * Postgres only if and when `tx` commits) and tells this process's local listeners.
 *
 * Subscribers run at once rather than being collected for a pre-commit flush: neither driver
 * offers a before-commit hook, so a flush would need a wrapper around every transaction (and a
 * forgotten one would silently skip findings); running at once also lets the caller report what
 * changed (`recomputed`) and read fresh findings later in the same transaction. A write touching
 * many bots emits one event naming them all, so it still recomputes once.
 * @throws when no subscriber is registered: a process that writes without them would leave
 *   findings stale, so the write is refused instead (register with the modules' `register*` at startup)
 */
export async function emit(tx: DbOrTx, event: DomainEvent): Promise<EmitReport> {
  if (subscribers.size === 0) throw new Error(`domain event ${event.type} emitted before any subscriber was registered`);
  const report: EmitReport = { findingsChanged: 0 };
  for (const subscriber of subscribers.values()) {
    const r = await subscriber(tx, event);
    if (r?.findingsChanged) report.findingsChanged += r.findingsChanged;
  }
  const bots = affectedBots(event);
  if (bots !== "all" && bots.length === 0) return report;
  for (const payload of noticePayloads(event.type, bots)) await tx.execute(sql`select pg_notify(${POLICY_CHANNEL}, ${payload})`);
  const notice: ChangeNotice = { event: event.type, bots: noticeBots(bots) };
  for (const listener of localListeners) listener(notice);
  return report;
}
