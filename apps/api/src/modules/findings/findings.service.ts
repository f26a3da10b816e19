import { FINDING_KINDS, type TFinding, type TFindingsOverview } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { evaluateInventory, nextReviewDue, RULES } from "@bridle/policy";
import { sql } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can, type Principal } from "../../lib/permissions.ts";
import { stableJson } from "../../lib/json.ts";
import { storeFindings } from "../bots/index.ts";
import { loadPolicyInput } from "../policy-settings/index.ts";
import * as repo from "./findings.repo.ts";

/** Serializes recomputations, so two concurrent changes never write stale findings over fresh ones. */
const RECOMPUTE_LOCK = 0x66696e64;

/**
 * Re-runs every rule over the whole inventory and writes the findings that changed.
 * Runs inside the caller's transaction, so a change and its findings commit together.
 * Shared-identity findings depend on other bots, which is why it always evaluates every bot.
 * @returns how many bots were evaluated and how many had their findings change
 */
export async function recomputeFindings(tx: DbOrTx, now = new Date()): Promise<{ evaluated: number; changed: number }> {
  await tx.execute(sql`select pg_advisory_xact_lock(${RECOMPUTE_LOCK})`);
  // Sequential: a transaction is one connection, and pg queues (and deprecates) parallel queries on it.
  const policy = await loadPolicyInput(tx);
  const systems = await repo.loadSystemClassifications(tx);
  const facts = await repo.loadAllBotFacts(tx);
  if (!policy) return { evaluated: 0, changed: 0 };
  const results = evaluateInventory(facts, { policy: policy.policy, systems, now });
  const changes: { id: string; findings: TFinding[]; nextReviewDue: Date | null }[] = [];
  for (const bot of facts) {
    const findings = results.get(bot.id) ?? [];
    const due = bot.status === "offboarded" ? null : nextReviewDue(bot, policy.policy.reviewIntervalDays);
    const sameDue = (due?.getTime() ?? null) === (bot.storedNextReviewDue?.getTime() ?? null);
    if (sameDue && stableJson(findings) === stableJson(bot.storedFindings)) continue;
    changes.push({ id: bot.id, findings, nextReviewDue: due });
  }
  await storeFindings(tx, changes);
  // A mass rewrite of finding columns leaves the planner's statistics stale (bad plans for
  // `hasFindings` until autovacuum runs), so refresh them now.
  if (changes.length > 1000) await tx.execute(sql`analyze bots`);
  return { evaluated: facts.length, changed: changes.length };
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
