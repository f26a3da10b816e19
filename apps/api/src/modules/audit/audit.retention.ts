import type { DbHandle, DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";
import type { DecisionSigner } from "../../lib/signing.ts";
import { GENESIS_HASH } from "./audit.chain.ts";
import * as chain from "./audit.chain.repo.ts";
import { sealRun, withSealLock, writeCheckpoint, type SealerOptions } from "./audit.sealer.ts";

/** Months of partitions kept ready ahead of the current one (rows never land in the default partition). */
export const MONTHS_AHEAD = 2;

/**
 * Creates the monthly partitions of the audit tables from `from`'s month through `MONTHS_AHEAD`
 * months after `now` (SQL function bridle_audit_ensure_partitions, migrations 0007 and 0008: at most 36 months at a time).
 * @returns how many partitions were created
 */
export async function ensurePartitions(db: DbOrTx, o: { from?: Date; now?: Date } = {}): Promise<number> {
  const now = o.now ?? new Date();
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + MONTHS_AHEAD, 1));
  const [r] = rowsOf<{ n: number }>(
    await db.execute(sql`select bridle_audit_ensure_partitions(${(o.from ?? now).toISOString()}::timestamptz, ${to.toISOString()}::timestamptz) as n`),
  );
  return Number(r?.n ?? 0);
}

/** `YYYYMM` months that have a partition of any audit table, oldest first. */
async function partitionMonths(tx: DbOrTx): Promise<string[]> {
  const rows = rowsOf<{ m: string }>(
    await tx.execute(sql`select distinct substring(c.relname from '_p([0-9]{6})$') as m
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent in ('audit_events'::regclass, 'audit_chain'::regclass, 'audit_seal_runs'::regclass) and c.relname ~ '_p[0-9]{6}$'
      order by 1`),
  );
  return rows.map((r) => r.m);
}

export type RetentionResult = { droppedMonths: string[]; cut: { position: number; checkpoint: number } | null };

/**
 * Retention (docs/AUDIT.md "Retention"): drops whole months of audit events older than
 * `retentionDays` (the org setting). Under the seal lock, in one transaction: seals what is
 * pending, writes a signed `retention_cut` checkpoint naming the position and chain hash of the
 * last dropped event (and the last dropped seal run), then detaches and drops the month partitions
 * through bridle_audit_drop_month, which refuses months inside the retention period. Verification
 * then starts after the cut. Returns null when another replica holds the seal lock.
 */
export async function applyRetention(
  database: DbHandle,
  o: Omit<SealerOptions, "database"> & { retentionDays: number; now?: Date },
): Promise<RetentionResult | null> {
  const now = o.now ?? new Date();
  const cutoff = now.getTime() - o.retentionDays * 86_400_000;
  return withSealLock(database, async (tx) => {
    const months = (await partitionMonths(tx)).filter((m) => Date.UTC(Number(m.slice(0, 4)), Number(m.slice(4, 6)), 1) <= cutoff);
    if (!months.length) return { droppedMonths: [], cut: null };
    const signer = o.signer();
    if (!signer) throw new Error("audit retention needs the signing key (not loaded yet)");
    await sealRun(tx, o);
    await tx.execute(sql`set local lock_timeout = '5s'`);
    const upTo = months.at(-1)!;
    const before = new Date(Date.UTC(Number(upTo.slice(0, 4)), Number(upTo.slice(4, 6)), 1));
    // The last dropped position and run (the chain and the runs are cut after them).
    const [last] = rowsOf<{ position: string | null; run: string | null }>(
      await tx.execute(sql`select (select max(position) from audit_chain where event_at < ${before.toISOString()}::timestamptz)::text as position,
        (select max(run) from audit_seal_runs where sealed_at < ${before.toISOString()}::timestamptz)::text as run`),
    );
    const previous = await chain.chainStart(tx);
    const position = Math.max(Number(last?.position ?? 0), previous.position);
    const run = Math.max(Number(last?.run ?? 0), previous.run);
    const head = position === previous.position ? previous.hash : await chain.chainHashAt(tx, position);
    const [runRow] = rowsOf<{ h: string }>(await tx.execute(sql`select encode(run_hash, 'hex') as h from audit_seal_runs where run = ${run} limit 1`));
    const runHashAt = run === previous.run ? previous.runHash : (runRow?.h ?? null);
    if (!head || !runHashAt) throw new Error(`audit retention: no chain hash at position ${position} or run ${run}`);
    const cp = await writeCheckpoint(tx, signer, { kind: "retention_cut", position, head: head ?? GENESIS_HASH, run, runHash: runHashAt, droppedBefore: before.toISOString() });
    for (const m of months) await tx.execute(sql`select bridle_audit_drop_month(${`${m.slice(0, 4)}-${m.slice(4, 6)}-01T00:00:00Z`}::timestamptz)`);
    return { droppedMonths: months, cut: { position, checkpoint: cp.number } };
  });
}

export type { DecisionSigner };
