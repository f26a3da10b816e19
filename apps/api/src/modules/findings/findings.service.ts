import { FINDING_KINDS, type TFinding, type TFindingsOverview } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { buildIdentityIndex, evaluateBot, evaluateInventory, identityKeysOf, nextReviewDue, RULES, sharedIdentityKeysOf } from "@bridle/policy";
import { sql } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can, type Principal } from "../../lib/permissions.ts";
import { stableJson } from "../../lib/json.ts";
import { storeFindings } from "../bots/index.ts";
import { loadPolicyInput } from "../policy-settings/index.ts";
import * as repo from "./findings.repo.ts";

/**
 * Serializes recomputations (whole or incremental), so two concurrent changes never write stale
 * findings over fresh ones: held until the transaction ends, so the next one reads this one's writes.
 */
const RECOMPUTE_LOCK = 0x66696e64;

type Recomputed = { evaluated: number; changed: number };

/** Writes the findings (and next review date) of the evaluated bots whose stored ones differ. */
async function saveChanged(tx: DbOrTx, facts: readonly repo.StoredBotFacts[], results: ReadonlyMap<string, TFinding[]>, reviewIntervalDays: number): Promise<number> {
  const changes: { id: string; findings: TFinding[]; nextReviewDue: Date | null }[] = [];
  for (const bot of facts) {
    const findings = results.get(bot.id) ?? [];
    const due = bot.status === "offboarded" ? null : nextReviewDue(bot, reviewIntervalDays);
    const sameDue = (due?.getTime() ?? null) === (bot.storedNextReviewDue?.getTime() ?? null);
    if (sameDue && stableJson(findings) === stableJson(bot.storedFindings)) continue;
    changes.push({ id: bot.id, findings, nextReviewDue: due });
  }
  await storeFindings(tx, changes);
  return changes.length;
}

/**
 * Re-runs every rule over the whole inventory and writes the findings that changed.
 * Runs inside the caller's transaction, so a change and its findings commit together.
 * For org-wide changes (org policy, system classifications), at startup and on the hourly job
 * (findings that depend on the clock); a change to some bots uses recomputeFindingsFor.
 * @returns how many bots were evaluated and how many had their findings change
 */
export async function recomputeFindings(tx: DbOrTx, now = new Date()): Promise<Recomputed> {
  await tx.execute(sql`select pg_advisory_xact_lock(${RECOMPUTE_LOCK})`);
  // Sequential: a transaction is one connection, and pg queues (and deprecates) parallel queries on it.
  const policy = await loadPolicyInput(tx);
  const systems = await repo.loadSystemClassifications(tx);
  const facts = await repo.loadBotFacts(tx);
  if (!policy) return { evaluated: 0, changed: 0 };
  const skills = await repo.loadSkillRegistry(tx);
  const results = evaluateInventory(facts, { policy: policy.policy, systems, skills, now });
  const changed = await saveChanged(tx, facts, results, policy.policy.reviewIntervalDays);
  // A mass rewrite of finding columns leaves the planner's statistics stale (bad plans for
  // `hasFindings` until autovacuum runs), so refresh them now.
  if (changed > 1000) await tx.execute(sql`analyze bots`);
  return { evaluated: facts.length, changed };
}

type Key = ReturnType<typeof identityKeysOf>[number];

/** Every bot (not offboarded) using one of `keys`, exactly as the shared-identity check compares them. */
async function usersOf(tx: DbOrTx, keys: ReadonlyMap<string, Key>): Promise<repo.IdentityRow[]> {
  if (keys.size === 0) return [];
  const values = (kind: Key["kind"]) => [...new Set([...keys.values()].filter((k) => k.kind === kind).map((k) => k.value))];
  const candidates = await repo.loadIdentities(tx, { emails: values("email"), accounts: values("service_account") });
  return candidates.filter((bot) => identityKeysOf(bot).some((k) => keys.has(k.key)));
}

/**
 * Recomputes the findings of `botIds` and of every bot whose findings depend on them: the bots
 * that share an identity (bot email, service account; see checkSharedIdentity) with one of them
 * now, or did when their findings were last computed (read from their stored shared-identity
 * findings, so a bot that stops sharing an identity clears the other bots' findings too).
 * Gives exactly the findings a full recomputeFindings would for those bots, provided the stored
 * findings of every other bot were up to date (every write emits a domain event, so they are;
 * the hourly full run catches the clock). Runs inside the caller's transaction.
 * @returns how many bots were evaluated and how many had their findings change
 */
export async function recomputeFindingsFor(tx: DbOrTx, botIds: readonly string[], now = new Date()): Promise<Recomputed> {
  if (botIds.length === 0) return { evaluated: 0, changed: 0 };
  await tx.execute(sql`select pg_advisory_xact_lock(${RECOMPUTE_LOCK})`);
  const policy = await loadPolicyInput(tx);
  if (!policy) return { evaluated: 0, changed: 0 };
  const systems = await repo.loadSystemClassifications(tx);

  // 1. Who to recompute: the bots, and the users of every identity they use or used.
  const seeds = await repo.loadIdentities(tx, { ids: [...new Set(botIds)] });
  const touched = new Map<string, Key>();
  for (const bot of seeds) for (const k of [...identityKeysOf(bot), ...sharedIdentityKeysOf(bot.storedShared)]) touched.set(k.key, k);
  const ids = new Set([...seeds.map((b) => b.id), ...(await usersOf(tx, touched)).map((b) => b.id)]);
  const facts = await repo.loadBotFacts(tx, [...ids]);

  // 2. The identity index those bots are checked against: every user of every identity they use.
  const used = new Map<string, Key>();
  for (const bot of facts) for (const k of identityKeysOf(bot)) used.set(k.key, k);
  const others = (await usersOf(tx, used)).filter((b) => !ids.has(b.id));
  const index = buildIdentityIndex([...facts, ...others]);

  const skills = await repo.loadSkillRegistry(tx, repo.toolsOf(facts));
  const ctx = { policy: policy.policy, systems, skills, now };
  const results = new Map(facts.map((bot) => [bot.id, evaluateBot(bot, ctx, index)]));
  const changed = await saveChanged(tx, facts, results, policy.policy.reviewIntervalDays);
  return { evaluated: facts.length, changed };
}

export function createFindingsService(deps: { db: Db }) {
  const { db } = deps;
  const scopeOf = (p: Principal) => (can(p, "bots.read_all") ? null : p.personId);

  /** Counts per finding kind over the bots the principal may read. */
  async function overview(principal: Principal): Promise<TFindingsOverview> {
    const counts = await repo.countFindings(db, scopeOf(principal));
    return {
      totalBots: counts.total,
      botsWithFindings: counts.withFindings,
      kinds: FINDING_KINDS.map((kind) => ({
        kind,
        title: RULES[kind].title,
        description: RULES[kind].description,
        rule: RULES[kind].rule,
        bots: counts.perKind.get(kind) ?? 0,
      })),
    };
  }

  async function list(principal: Principal, q: { kind?: string | undefined; limit: number; cursor?: string | undefined }) {
    const c = decodeCursor(q.cursor);
    const rows = await repo.listFindingRows(db, {
      kind: q.kind,
      limit: q.limit,
      after: c && typeof c.k === "string" ? { name: c.k, ord: Number(c.id) || 0 } : null,
      ownerId: scopeOf(principal),
    });
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => ({ ...r.finding, botId: r.id, botName: r.name })),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.name, id: String(last.ord) }) : null,
    };
  }

  return { overview, list };
}
export type FindingsService = ReturnType<typeof createFindingsService>;
