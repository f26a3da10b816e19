import { setImmediate as yieldToRequests } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import type { Db, DbHandle, DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";
import type { DecisionSigner } from "../../lib/signing.ts";
import { checkpointHash, eventHash, GENESIS_HASH, linkHash, parseSnapshot, runHash, type CheckpointPayload, type CheckpointRecord, type RunForm } from "./audit.chain.ts";
import * as chain from "./audit.chain.repo.ts";

/** Advisory lock held by the one sealer at work ("audit" in ASCII); every replica tries it, one wins. */
export const SEAL_LOCK = 0x6175646974;
/** Events sealed per page inside one run (memory stays bounded; the run still seals all it sees). */
const PAGE = 2000;
/** Events hashed between two turns of the event loop (about 0.5 ms of CPU, so a decision arriving meanwhile waits little). */
const HASH_SLICE = 25;

export type SealResult = { sealed: number; firstPosition: number | null; lastPosition: number | null; run: number | null; checkpoint: number | null };

export type SealerOptions = {
  database: DbHandle;
  /** signs checkpoints (JWS typ `bridle-audit-checkpoint+jws`); until it is there, no checkpoint is written */
  signer: () => DecisionSigner | null;
  /** a checkpoint at least every this many sealed events */
  checkpointEvery: number;
  /** and at least every this many milliseconds while something new was sealed */
  checkpointIntervalMs: number;
  /** a checkpoint now, whenever anything is not covered yet (an export that must verify at once) */
  forceCheckpoint?: boolean;
};

/**
 * Runs `fn` holding the seal lock on one connection, in a REPEATABLE READ transaction (so every
 * statement sees the snapshot the run records). The lock is taken before the transaction begins,
 * so the snapshot sees everything the previous holder committed. Null when another sealer holds it.
 */
export async function withSealLock<T>(database: DbHandle, fn: (tx: DbOrTx) => Promise<T>): Promise<T | null> {
  return database.withConnection(async (db: Db) => {
    const [got] = rowsOf<{ ok: boolean }>(await db.execute(sql`select pg_try_advisory_lock(${SEAL_LOCK}) as ok`));
    if (!got?.ok) return null;
    try {
      return await db.transaction(
        async (tx) => {
          // A run reads about a second of events: PostgreSQL would start parallel workers (new
          // processes) for it every time, which costs more CPU than they save.
          await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
          return fn(tx);
        },
        { isolationLevel: "repeatable read" },
      );
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${SEAL_LOCK})`);
    }
  });
}

/** `unsealedFrom`: the last run's snapshot xmax (null after a retention cut or at the genesis): see `unsealedSince`. */
type Head = { position: number; hash: string; run: number; runHash: string; maxSeq: number; scanFrom: string; unsealedFrom: string | null };

/** Where the chain stands: the last seal run, or the latest retention cut when it is further. */
async function headOf(tx: DbOrTx): Promise<Head> {
  const [run, cut] = [await chain.lastRun(tx), await chain.lastCheckpoint(tx, "retention_cut")];
  if (run && (!cut || run.lastPosition >= cut.position)) {
    const snap = parseSnapshot(run.snapshot)!;
    return { position: run.lastPosition, hash: run.headHash, run: run.run, runHash: run.runHash, maxSeq: run.maxSeq, scanFrom: snap.xmin.toString(), unsealedFrom: snap.xmax.toString() };
  }
  if (cut) return { position: cut.position, hash: cut.headHash, run: cut.run, runHash: cut.runHash, maxSeq: 0, scanFrom: "0", unsealedFrom: null };
  return { position: 0, hash: GENESIS_HASH, run: 0, runHash: GENESIS_HASH, maxSeq: 0, scanFrom: "0", unsealedFrom: null };
}

/**
 * Signs and writes the next checkpoint (number = last + 1, naming the last). Call inside the seal lock.
 */
export async function writeCheckpoint(
  tx: DbOrTx,
  signer: DecisionSigner,
  c: { kind: "seal" | "retention_cut"; position: number; head: string; run: number; runHash: string; droppedBefore?: string },
): Promise<CheckpointRecord> {
  const prev = await chain.lastCheckpoint(tx);
  const payload: CheckpointPayload = {
    type: "bridle-audit-checkpoint",
    number: (prev?.number ?? 0) + 1,
    id: randomUUID(),
    kind: c.kind,
    position: c.position,
    head: c.head,
    run: c.run,
    runHash: c.runHash,
    prev: prev ? { id: prev.id, hash: checkpointHash(prev.jws) } : null,
    createdAt: new Date().toISOString(),
    ...(c.droppedBefore ? { droppedBefore: c.droppedBefore } : {}),
  };
  const record: CheckpointRecord = {
    type: "checkpoint",
    number: payload.number,
    id: payload.id,
    kind: c.kind,
    position: c.position,
    headHash: c.head,
    run: c.run,
    runHash: c.runHash,
    prevId: payload.prev?.id ?? null,
    prevHash: payload.prev?.hash ?? null,
    createdAt: payload.createdAt,
    kid: signer.kid,
    jws: await signer.sign(payload),
  };
  await chain.insertCheckpoint(tx, record);
  return record;
}

/**
 * One seal run (docs/AUDIT.md "Ordering"): in one snapshot, appends to the chain every event not
 * yet in it whose transaction id is at least the previous run's snapshot xmin (any event the
 * previous run could not see has such an id), in seq order; records the run and its snapshot; and
 * writes a checkpoint when one is due. Writers never wait for it.
 */
export async function sealRun(tx: DbOrTx, o: Omit<SealerOptions, "database">): Promise<SealResult> {
  const [snapRow] = rowsOf<{ snap: string }>(await tx.execute(sql`select pg_current_snapshot()::text as snap`));
  const snapshot = snapRow!.snap;
  const head = await headOf(tx);
  let position = head.position;
  let prev = head.hash;
  let maxSeq = head.maxSeq;
  const run = head.run + 1;
  type Page = Awaited<ReturnType<typeof chain.unsealedSince>>;
  const pageAfter = (after: { seq: number; id: string }): Promise<Page> => {
    const p = chain.unsealedSince(tx, { scanFrom: head.scanFrom, unsealedFrom: head.unsealedFrom, afterSeq: after.seq, afterId: after.id, limit: PAGE });
    p.catch(() => {}); // awaited below; not an unhandled rejection while the loop awaits something else
    return p;
  };
  // Pipelined on the run's one connection (its queries run in the order sent): the next page is
  // asked for before this one is hashed, and this one's chain rows are sent before the next is
  // hashed, so PostgreSQL reads and writes while this process hashes.
  let next: Promise<Page> | null = pageAfter({ seq: -1, id: "00000000-0000-0000-0000-000000000000" });
  let inserting: Promise<void> = Promise.resolve();
  while (next) {
    const page: Page = await next;
    if (!page.length) break;
    const last = page.at(-1)!.event;
    next = page.length < PAGE ? null : pageAfter({ seq: last.seq, id: last.id });
    const rows = [];
    for (const [i, { event }] of page.entries()) {
      // Hashing is CPU on the server's event loop: let requests in between slices, so a seal run
      // behind a burst of events does not hold every answer up for the whole page.
      if (i > 0 && i % HASH_SLICE === 0) await yieldToRequests();
      const h = eventHash(event);
      prev = linkHash(prev, h);
      maxSeq = Math.max(maxSeq, event.seq);
      rows.push({ position: ++position, eventId: event.id, eventSeq: event.seq, eventAt: event.at, eventHash: h, chainHash: prev, run });
    }
    await inserting;
    inserting = chain.insertChainRows(tx, rows);
    inserting.catch(() => {});
  }
  await inserting;
  const sealed = position - head.position;
  let runNo = head.run;
  let runHashNow = head.runHash;
  if (sealed > 0) {
    // This transaction's id: given when it wrote its first chain row, after the snapshot, so any
    // transaction with a larger id began after the snapshot. (A run that seals nothing takes none.)
    const [now] = rowsOf<{ t: string; xid: string }>(
      await tx.execute(sql`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as t, pg_current_xact_id()::text as xid`),
    );
    const form: RunForm = {
      run,
      sealedAt: now!.t,
      firstPosition: head.position + 1,
      lastPosition: position,
      scanFrom: head.scanFrom,
      snapshot,
      sealerXid: now!.xid,
      maxSeq,
      headHash: prev,
    };
    runHashNow = runHash(head.runHash, form);
    runNo = run;
    await chain.insertRun(tx, { type: "run", ...form, runHash: runHashNow });
  }
  let checkpoint: number | null = null;
  const signer = o.signer();
  if (signer && position > 0) {
    const last = await chain.lastCheckpoint(tx);
    const behind = position - (last?.position ?? 0);
    const due = o.forceCheckpoint || !last || behind >= o.checkpointEvery || (behind > 0 && Date.now() - Date.parse(last.createdAt) >= o.checkpointIntervalMs);
    if (due && behind > 0) checkpoint = (await writeCheckpoint(tx, signer, { kind: "seal", position, head: prev, run: runNo, runHash: runHashNow })).number;
  }
  return { sealed, firstPosition: sealed ? head.position + 1 : null, lastPosition: sealed ? position : null, run: sealed ? run : null, checkpoint };
}

/**
 * The sealer of one process: `sealNow` runs one seal run if this process wins the lock (null
 * otherwise); `start` runs it every `intervalMs`, and again at once after a run that sealed
 * `PAGE` events or more (and `maintenance` every `maintenanceMs`),
 * never two at once; `stop` waits for the one under way.
 */
export function createSealer(o: SealerOptions & { log?: { error: (o: object, m: string) => void }; maintenance?: () => Promise<void> }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let lastMaintenance = 0;
  /** One seal run now (`checkpoint`: and a checkpoint covering it); null when another process holds the lock. */
  const sealNow = (opts: { checkpoint?: boolean } = {}) => withSealLock(o.database, (tx) => sealRun(tx, { ...o, forceCheckpoint: opts.checkpoint === true }));

  const tick = (maintenanceMs: number) => {
    if (running) return;
    running = (async () => {
      // Behind (a run sealed a page or more): run again at once rather than at the next tick, so
      // writers held back by the backlog (audit.backlog.ts) wait as little as possible; maintenance
      // still runs when it is due.
      for (;;) {
        const r = await sealNow();
        if (o.maintenance && Date.now() - lastMaintenance >= maintenanceMs) {
          lastMaintenance = Date.now();
          await o.maintenance();
        }
        if (!r || r.sealed < PAGE || !timer) break;
      }
    })()
      .catch((err: unknown) => o.log?.error({ err }, "audit sealer failed"))
      .finally(() => {
        running = null;
      });
  };
  return {
    sealNow,
    start(intervalMs: number, maintenanceMs: number) {
      if (timer || intervalMs <= 0) return;
      timer = setInterval(() => tick(maintenanceMs), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
export type Sealer = ReturnType<typeof createSealer>;
