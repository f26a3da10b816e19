import { GATED_ACTIONS, type TGatedAction, type TSystemClassification } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { effectiveRule, type ChannelPolicy, type DecisionContext, type EngagedSwitch, type ExhaustedBudget, type GatedActionRule } from "@bridle/policy";
import { hashToken } from "../../lib/crypto.ts";
import { onLocalNotice, type ChangeNotice } from "../../lib/domain-events.ts";
import * as repo from "./snapshot.repo.ts";

/**
 * The in-memory policy snapshot that `POST /decisions` evaluates against (DESIGN.md: "a decision
 * costs no database round trip beyond what its audit write needs"): org policy and its version,
 * system classifications, gated-action rules, and per bot its status, owner (email, name, status),
 * channels, grants, Golden Rule exception, effective rules (org rule + override), whether a leak
 * playbook holds its gated actions, the budget caps (its own, its team's) whose period's spend
 * reached them, and live token hashes; and the engaged kill switches.
 *
 * It follows domain events (lib/domain-events.ts): a change notice on POLICY_CHANNEL (every
 * replica LISTENs) that names bots refreshes those bots only; "all" (org policy, systems, an
 * org gated-action rule, a reconnect) rebuilds everything. Refreshes run one at a time and
 * coalesce: notices that arrive during a refresh are applied by the next one.
 */

export type Rules = Readonly<Record<TGatedAction, GatedActionRule>>;
export type BotEntry = DecisionContext["bot"] & {
  id: string;
  name: string;
  /** what a kill switch's scope matches (with `channels`) */
  teamId: string | null;
  allowedTools: string[];
  rules: Rules;
  tokenHashes: string[];
};
export type TokenEntry = { tokenId: string; botId: string; tokenHash: string; expiresAtMs: number | null; lastTouchMs: number };

export type PolicySnapshot = {
  version: number;
  channelPolicy: ChannelPolicy;
  systems: ReadonlyMap<string, TSystemClassification>;
  orgRules: Rules;
  bots: Map<string, BotEntry>;
  /** engaged kill switches, matched against each bot at decision time (`haltingSwitch`) */
  switches: EngagedSwitch[];
  /** SHA-256 of the token -> token */
  tokens: Map<string, TokenEntry>;
};

/** A gated action with no row in gated_action_policies is denied (deny when unsure). */
const MISSING_RULE: GatedActionRule = { mode: "deny", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 };
/** Remembered revoked / unknown token hashes (FIFO-bounded), so they never cost a DB lookup twice. */
const MAX_REJECTED = 10_000;
const RETRY_MS = 1_000;
const READ_SNAPSHOT = { isolationLevel: "repeatable read", accessMode: "read only" } as const;

function orgRulesOf(rows: repo.RuleRow[]): Rules {
  const byAction = new Map(rows.map((r) => [r.action, r]));
  return Object.fromEntries(
    GATED_ACTIONS.map((a) => {
      const r = byAction.get(a);
      return [a, r ? { mode: r.mode, approverRole: r.approverRole, approvalsRequired: r.approvalsRequired, requestTtlMinutes: r.requestTtlMinutes } : MISSING_RULE];
    }),
  ) as Rules;
}

function botRules(org: Rules, overrides: repo.OverrideRow[]): Rules {
  if (overrides.length === 0) return org;
  const rules = { ...org } as Record<TGatedAction, GatedActionRule>;
  for (const o of overrides) {
    if (!(o.action in rules)) continue;
    const a = o.action as TGatedAction;
    rules[a] = effectiveRule(org[a], {
      ...(o.mode ? { mode: o.mode } : {}),
      ...(o.approverRole ? { approverRole: o.approverRole } : {}),
      ...(o.approvalsRequired !== null ? { approvalsRequired: o.approvalsRequired } : {}),
      ...(o.requestTtlMinutes !== null ? { requestTtlMinutes: o.requestTtlMinutes } : {}),
    });
  }
  return rules;
}

const toEntry = (b: repo.BotRuntimeRow, org: Rules, budgets: ReadonlyMap<string, ExhaustedBudget[]>): BotEntry => ({
  id: b.id,
  name: b.name,
  teamId: b.teamId,
  allowedTools: b.allowedTools,
  status: b.status,
  internalDataAccess: b.internalDataAccess,
  channels: b.channels,
  grants: b.grants,
  exception: b.exception,
  owner: b.owner,
  reviewOverdue: b.reviewOverdue,
  leakPlaybookOpen: b.leakPlaybookOpen,
  budgetsExhausted: budgets.get(b.id) ?? [],
  rules: botRules(org, b.overrides),
  tokenHashes: [],
});

const toTokenEntry = (t: repo.TokenRow): TokenEntry => ({
  tokenId: t.id,
  botId: t.botId,
  tokenHash: t.tokenHash,
  expiresAtMs: t.expiresAt ? t.expiresAt.getTime() : null,
  lastTouchMs: t.lastUsedAt ? t.lastUsedAt.getTime() : 0,
});

export type SnapshotStore = ReturnType<typeof createSnapshotStore>;

export function createSnapshotStore(deps: { db: Db; log: { error: (obj: object, msg: string) => void } }) {
  const { db, log } = deps;
  let snap: PolicySnapshot | null = null;
  const rejected = new Map<string, true>();
  let fullPending = false;
  const pendingBots = new Set<string>();
  let running: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  function reject(hash: string) {
    rejected.delete(hash);
    rejected.set(hash, true);
    if (rejected.size > MAX_REJECTED) rejected.delete(rejected.keys().next().value!);
  }

  function putTokens(s: PolicySnapshot, tokens: repo.TokenRow[]) {
    for (const t of tokens) {
      const bot = s.bots.get(t.botId);
      if (!bot || rejected.has(t.tokenHash)) continue;
      s.tokens.set(t.tokenHash, toTokenEntry(t));
      bot.tokenHashes.push(t.tokenHash);
    }
  }

  async function loadFull(): Promise<void> {
    // One consistent read: a change committed in between is either wholly in or wholly out
    // (and then its notification triggers the next refresh).
    const [org, systems, ruleRows, bots, tokens, budgets, switches] = await db.transaction(
      async (tx) =>
        [
          await repo.loadOrg(tx),
          await repo.loadSystems(tx),
          await repo.loadRules(tx),
          await repo.loadBots(tx),
          await repo.loadLiveTokens(tx),
          await repo.loadExhaustedBudgets(tx),
          await repo.loadEngagedSwitches(tx),
        ] as const,
      READ_SNAPSHOT,
    );
    const orgRules = orgRulesOf(ruleRows);
    const next: PolicySnapshot = {
      version: org?.version ?? 0,
      channelPolicy: { channelAllowlist: org?.channelAllowlist ?? [], channelBlocklist: org?.channelBlocklist ?? [] },
      systems,
      orgRules,
      bots: new Map(bots.map((b) => [b.id, toEntry(b, orgRules, budgets)])),
      switches,
      tokens: new Map(),
    };
    putTokens(next, tokens);
    // Keep the throttle of last-used writes across rebuilds.
    if (snap) for (const [hash, t] of next.tokens) t.lastTouchMs = Math.max(t.lastTouchMs, snap.tokens.get(hash)?.lastTouchMs ?? 0);
    snap = next;
  }

  async function loadBots(ids: string[]): Promise<void> {
    const s = snap;
    if (!s) return loadFull();
    // The engaged switches are re-read with every refresh (a handful of rows): engaging one
    // notifies only the bots in its scope, and a bot that joins a scope later is refreshed by its own change.
    const [org, bots, tokens, budgets, switches] = await db.transaction(
      async (tx) =>
        [await repo.loadOrg(tx), await repo.loadBots(tx, ids), await repo.loadLiveTokens(tx, ids), await repo.loadExhaustedBudgets(tx, ids), await repo.loadEngagedSwitches(tx)] as const,
      READ_SNAPSHOT,
    );
    if (snap !== s) return; // a full rebuild replaced the snapshot meanwhile and read newer data
    s.switches = switches;
    // Per-bot changes (an override) bump the org's policy version too.
    if (org) s.version = org.version;
    for (const id of ids) {
      for (const hash of s.bots.get(id)?.tokenHashes ?? []) s.tokens.delete(hash);
      s.bots.delete(id);
    }
    for (const b of bots) s.bots.set(b.id, toEntry(b, s.orgRules, budgets));
    putTokens(s, tokens);
  }

  async function drain(): Promise<void> {
    while (!stopped && (fullPending || pendingBots.size > 0)) {
      try {
        if (fullPending || !snap) {
          fullPending = false;
          pendingBots.clear();
          await loadFull();
        } else {
          const ids = [...pendingBots];
          pendingBots.clear();
          await loadBots(ids);
        }
      } catch (err) {
        log.error({ err }, "decision snapshot refresh failed; retrying");
        fullPending = true;
        if (!retryTimer && !stopped) {
          retryTimer = setTimeout(() => {
            retryTimer = null;
            schedule();
          }, RETRY_MS);
          retryTimer.unref();
        }
        return;
      }
    }
  }

  function schedule(): Promise<void> {
    if (!running)
      running = drain().finally(() => {
        running = null;
        if (!stopped && !retryTimer && (fullPending || pendingBots.size > 0)) void schedule();
      });
    return running;
  }

  /** Refreshes the given bots, or everything (a change notice from POLICY_CHANNEL, a reconnect). */
  function invalidate(bots: ChangeNotice["bots"]): Promise<void> {
    if (bots === "all") fullPending = true;
    else for (const id of bots) pendingBots.add(id.toLowerCase());
    return schedule();
  }

  // Changes made by this process: applied before the next decision (see onLocalNotice).
  const localPending: ChangeNotice["bots"][] = [];
  let unsubscribe: (() => void) | null = null;

  return {
    /** Loads the first snapshot (call before serving). */
    load: async () => {
      stopped = false;
      unsubscribe ??= onLocalNotice((notice) => localPending.push(notice.bots));
      fullPending = true;
      await schedule();
      if (!snap) throw new Error("The decision snapshot could not be loaded");
    },
    /**
     * Applies policy changes this process made since the last decision, and any refresh under way
     * for a notification already heard. By the time a later request asks, the change's
     * transaction has committed, so the refresh reads it.
     */
    catchUp: async (): Promise<void> => {
      // A change heard from another replica (NOTIFY) and not applied yet is applied first too:
      // once this replica has heard of a deactivation, no decision uses the old owner status.
      if (localPending.length === 0 && !running && !fullPending && pendingBots.size === 0) return;
      for (const bots of localPending.splice(0)) void invalidate(bots);
      // A refresh already running may have read the data before the change committed: keep
      // going until nothing is pending.
      while (!stopped && !retryTimer && (running || fullPending || pendingBots.size > 0)) await schedule();
    },
    stop: () => {
      unsubscribe?.();
      unsubscribe = null;
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
    },
    invalidate,
    /** The current snapshot, or null before the first load. */
    current: (): PolicySnapshot | null => snap,
    /**
     * The live token for a raw bot token. From memory; a token missing from the snapshot (created
     * on another replica a moment ago) is looked up once in the database. Null when unknown,
     * revoked or expired.
     */
    async authenticate(token: string, nowMs: number): Promise<TokenEntry | null> {
      const hash = hashToken(token);
      if (rejected.has(hash)) return null;
      const s = snap;
      let entry = s?.tokens.get(hash);
      if (!entry) {
        const row = await repo.findLiveToken(db, hash);
        if (!row) {
          reject(hash);
          return null;
        }
        if (!snap?.bots.has(row.botId)) await invalidate([row.botId]);
        const cur = snap;
        if (!cur || !cur.bots.has(row.botId)) return null;
        entry = cur.tokens.get(hash);
        if (!entry) {
          entry = toTokenEntry(row);
          cur.tokens.set(hash, entry);
          cur.bots.get(row.botId)!.tokenHashes.push(hash);
        }
      }
      if (entry.expiresAtMs !== null && entry.expiresAtMs <= nowMs) return null;
      return entry;
    },
    /** Makes a just-created token usable on this replica at once. */
    addToken(t: repo.TokenRow) {
      const s = snap;
      const bot = s?.bots.get(t.botId);
      if (!s || !bot || s.tokens.has(t.tokenHash)) return;
      s.tokens.set(t.tokenHash, toTokenEntry(t));
      bot.tokenHashes.push(t.tokenHash);
    },
    /**
     * Revokes a token on this replica at once (before the NOTIFY round trip), and for good: a
     * rebuild that read the row just before the revocation committed cannot bring it back.
     */
    forgetToken(tokenHash: string) {
      reject(tokenHash);
      const s = snap;
      const t = s?.tokens.get(tokenHash);
      if (!s || !t) return;
      s.tokens.delete(tokenHash);
      const bot = s.bots.get(t.botId);
      if (bot) bot.tokenHashes = bot.tokenHashes.filter((h) => h !== tokenHash);
    },
  };
}
