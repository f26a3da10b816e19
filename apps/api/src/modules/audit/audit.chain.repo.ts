import { auditEvents, type DbOrTx } from "@bridle/db";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";
import {
  GENESIS_HASH,
  type ChainRecord,
  type ChainStart,
  type CheckpointRecord,
  type EventForm,
  type ExportRecord,
  type RunRecord,
  type UnsealedRecord,
} from "./audit.chain.ts";

/**
 * The only file that queries the chain tables (audit_chain, audit_seal_runs, audit_checkpoints).
 * Numbers and hashes are read as text (`::text`, `encode(..., 'hex')`) so both drivers (pg and
 * PGlite) return the same values, and timestamps with microseconds. ORDER BY always names the
 * table's column (`audit_seal_runs.run`): a bare `run` would sort the `run::text` output column.
 */

const utc = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The event's columns, named for `eventOf`, from `audit_events` (not aliased, so drizzle filters apply). */
const EVENT_COLUMNS = sql`audit_events.id::text as e_id, audit_events.seq::text as e_seq, ${utc(sql`audit_events.at`)} as e_at,
  audit_events.actor_type as e_actor_type, audit_events.actor_id as e_actor_id, audit_events.actor_label as e_actor_label,
  audit_events.action as e_action, audit_events.resource_type as e_resource_type, audit_events.resource_id as e_resource_id,
  audit_events.outcome as e_outcome, audit_events.request_id as e_request_id, audit_events.session_id as e_session_id,
  audit_events.source_ip as e_source_ip, audit_events.user_agent as e_user_agent, audit_events.details::text as e_details,
  audit_events.xid::text as e_xid`;

type EventRow = {
  e_id: string | null;
  e_seq: string;
  e_at: string;
  e_actor_type: string;
  e_actor_id: string | null;
  e_actor_label: string | null;
  e_action: string;
  e_resource_type: string;
  e_resource_id: string | null;
  e_outcome: string;
  e_request_id: string | null;
  e_session_id: string | null;
  e_source_ip: string | null;
  e_user_agent: string | null;
  e_details: string;
  e_xid: string;
};

export const eventOf = (r: EventRow): EventForm => ({
  id: r.e_id!,
  seq: Number(r.e_seq),
  at: r.e_at,
  actorType: r.e_actor_type,
  actorId: r.e_actor_id,
  actorLabel: r.e_actor_label,
  action: r.e_action,
  resourceType: r.e_resource_type,
  resourceId: r.e_resource_id,
  outcome: r.e_outcome,
  requestId: r.e_request_id,
  sessionId: r.e_session_id,
  sourceIp: r.e_source_ip,
  userAgent: r.e_user_agent,
  details: JSON.parse(r.e_details) as unknown,
});

const unsealedCond = sql`not exists (select 1 from audit_chain c where c.event_id = audit_events.id and c.event_at = audit_events.at)`;

/**
 * Unsealed events whose transaction id is at least `scanFrom`, in seq order after the keyset
 * `(afterSeq, afterId)`. Within the sealer's repeatable-read transaction every page sees the same snapshot.
 * `unsealedFrom`: a transaction id from which on no event can be in the chain yet (the previous
 * run's snapshot xmax: what it could not see, no earlier run saw either), so only events below it
 * are looked up in `audit_chain`; null looks up every one.
 */
export async function unsealedSince(tx: DbOrTx, o: { scanFrom: string; unsealedFrom: string | null; afterSeq: number; afterId: string; limit: number }) {
  const unsealed = o.unsealedFrom === null ? unsealedCond : sql`(audit_events.xid >= ${o.unsealedFrom}::xid8 or ${unsealedCond})`;
  const rows = rowsOf<EventRow>(
    await tx.execute(sql`select ${EVENT_COLUMNS} from audit_events
      where audit_events.xid >= ${o.scanFrom}::xid8 and ${unsealed}
        and (audit_events.seq, audit_events.id) > (${o.afterSeq}::bigint, ${o.afterId}::uuid)
      order by audit_events.seq, audit_events.id limit ${o.limit}`),
  );
  return rows.map((r) => ({ event: eventOf(r), xid: r.e_xid }));
}

export type ChainRow = { position: number; eventId: string; eventSeq: number; eventAt: string; eventHash: string; chainHash: string; run: number };

/**
 * Appends chain rows in one statement. Columns go as arrays (`unnest`): for the chain's narrow
 * rows that costs PostgreSQL about half of `jsonb_to_recordset` (14 against 30 us a row, 2,000 rows
 * a statement, November 2026), and the seal run is most of an event's cost.
 */
export async function insertChainRows(tx: DbOrTx, rows: ChainRow[]) {
  if (!rows.length) return;
  const col = <T>(f: (r: ChainRow) => T) => sql.param(rows.map(f));
  await tx.execute(sql`insert into audit_chain (position, event_id, event_seq, event_at, event_hash, chain_hash, run)
    select position, event_id, event_seq, event_at, decode(event_hash, 'hex'), decode(chain_hash, 'hex'), run
    from unnest(${col((r) => r.position)}::bigint[], ${col((r) => r.eventId)}::uuid[], ${col((r) => r.eventSeq)}::bigint[],
      ${col((r) => r.eventAt)}::timestamptz[], ${col((r) => r.eventHash)}::text[], ${col((r) => r.chainHash)}::text[], ${col((r) => r.run)}::bigint[])
      as v(position, event_id, event_seq, event_at, event_hash, chain_hash, run)`);
}

type RunRow = {
  run: string;
  sealed_at: string;
  first_position: string;
  last_position: string;
  scan_from: string;
  snapshot: string;
  sealer_xid: string | null;
  max_seq: string;
  head_hash: string;
  run_hash: string;
};
const RUN_COLUMNS = sql`run::text, ${utc(sql`sealed_at`)} as sealed_at, first_position::text, last_position::text, scan_from::text, snapshot,
  sealer_xid::text, max_seq::text, encode(head_hash, 'hex') as head_hash, encode(run_hash, 'hex') as run_hash`;
const runOf = (r: RunRow): RunRecord => ({
  type: "run",
  run: Number(r.run),
  sealedAt: r.sealed_at,
  firstPosition: Number(r.first_position),
  lastPosition: Number(r.last_position),
  scanFrom: r.scan_from,
  snapshot: r.snapshot,
  // Absent, not null, on older runs: their hash covers the run without this field.
  ...(r.sealer_xid === null ? {} : { sealerXid: r.sealer_xid }),
  maxSeq: Number(r.max_seq),
  headHash: r.head_hash,
  runHash: r.run_hash,
});

export async function lastRun(tx: DbOrTx): Promise<RunRecord | null> {
  const [r] = rowsOf<RunRow>(await tx.execute(sql`select ${RUN_COLUMNS} from audit_seal_runs order by audit_seal_runs.run desc limit 1`));
  return r ? runOf(r) : null;
}

/**
 * Audit events not yet chained, estimated without a scan: the largest committed seq minus the
 * largest seq sealed (the last seal run's `max_seq`). Seqs in between that no committed event holds
 * (a transaction that rolled back) count until the sealer passes them; events of transactions still
 * open do not count yet. One index probe per month partition.
 */
export async function unsealedEstimate(db: DbOrTx): Promise<number> {
  const [r] = rowsOf<{ n: string }>(
    await db.execute(sql`select greatest(coalesce((select max(seq) from audit_events), 0)
      - coalesce((select max_seq from audit_seal_runs order by audit_seal_runs.run desc limit 1), 0), 0)::text as n`),
  );
  return Number(r?.n ?? 0);
}

export async function insertRun(tx: DbOrTx, r: RunRecord) {
  await tx.execute(sql`insert into audit_seal_runs (run, sealed_at, first_position, last_position, scan_from, snapshot, sealer_xid, max_seq, head_hash, run_hash)
    values (${r.run}, ${r.sealedAt}::timestamptz, ${r.firstPosition}, ${r.lastPosition}, ${r.scanFrom}::xid8, ${r.snapshot}, ${r.sealerXid ?? null}::xid8, ${r.maxSeq},
      decode(${r.headHash}, 'hex'), decode(${r.runHash}, 'hex'))`);
}

type CheckpointRow = {
  number: string;
  id: string;
  kind: "seal" | "retention_cut";
  position: string;
  head_hash: string;
  run: string;
  run_hash: string;
  prev_id: string | null;
  prev_hash: string | null;
  created_at: string;
  kid: string;
  jws: string;
};
const CHECKPOINT_COLUMNS = sql`number::text, id::text, kind, position::text, encode(head_hash, 'hex') as head_hash, run::text,
  encode(run_hash, 'hex') as run_hash, prev_id::text, encode(prev_hash, 'hex') as prev_hash,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at, kid, jws`;
const checkpointOf = (r: CheckpointRow): CheckpointRecord => ({
  type: "checkpoint",
  number: Number(r.number),
  id: r.id,
  kind: r.kind,
  position: Number(r.position),
  headHash: r.head_hash,
  run: Number(r.run),
  runHash: r.run_hash,
  prevId: r.prev_id,
  prevHash: r.prev_hash,
  createdAt: r.created_at,
  kid: r.kid,
  jws: r.jws,
});

export async function lastCheckpoint(tx: DbOrTx, kind?: "retention_cut"): Promise<CheckpointRecord | null> {
  const [r] = rowsOf<CheckpointRow>(
    await tx.execute(sql`select ${CHECKPOINT_COLUMNS} from audit_checkpoints ${kind ? sql`where kind = ${kind}` : sql``} order by audit_checkpoints.number desc limit 1`),
  );
  return r ? checkpointOf(r) : null;
}

export async function insertCheckpoint(tx: DbOrTx, c: CheckpointRecord) {
  await tx.execute(sql`insert into audit_checkpoints (number, id, kind, position, head_hash, run, run_hash, prev_id, prev_hash, created_at, kid, jws)
    values (${c.number}, ${c.id}::uuid, ${c.kind}, ${c.position}, decode(${c.headHash}, 'hex'), ${c.run}, decode(${c.runHash}, 'hex'),
      ${c.prevId}::uuid, decode(${c.prevHash}, 'hex'), ${c.createdAt}::timestamptz, ${c.kid}, ${c.jws})`);
}

/** The stored chain hash at a position, or null when no row holds it. */
export async function chainHashAt(db: DbOrTx, position: number): Promise<string | null> {
  const [r] = rowsOf<{ h: string }>(await db.execute(sql`select encode(chain_hash, 'hex') as h from audit_chain where position = ${position} limit 1`));
  return r?.h ?? null;
}

/** Where verification of the whole chain starts: after the latest retention cut, or at the genesis. */
export async function chainStart(db: DbOrTx): Promise<ChainStart> {
  const cut = await lastCheckpoint(db, "retention_cut");
  return cut
    ? { position: cut.position, hash: cut.headHash, run: cut.run, runHash: cut.runHash, checkpoint: cut.number }
    : { position: 0, hash: GENESIS_HASH, run: 0, runHash: GENESIS_HASH, checkpoint: null };
}

/**
 * The start of an export from `from`: the latest checkpoint created before `from` (an event at or
 * after `from` was sealed after it), if it lies past the chain's own start.
 */
export async function exportStart(db: DbOrTx, from: Date | undefined): Promise<ChainStart> {
  const base = await chainStart(db);
  if (!from) return base;
  const [r] = rowsOf<CheckpointRow>(
    await db.execute(sql`select ${CHECKPOINT_COLUMNS} from audit_checkpoints where created_at < ${from.toISOString()}::timestamptz and kind = 'seal'
      and position > ${base.position} order by audit_checkpoints.number desc limit 1`),
  );
  if (!r) return base;
  const cp = checkpointOf(r);
  return { position: cp.position, hash: cp.headHash, run: cp.run, runHash: cp.runHash, checkpoint: cp.number };
}

/** How far the chain went when a read began, so a long read ignores what is appended meanwhile. */
async function bounds(db: DbOrTx) {
  const [r] = rowsOf<{ position: string | null; run: string | null; cp: string | null }>(
    await db.execute(sql`select (select max(position) from audit_chain)::text as position, (select max(run) from audit_seal_runs)::text as run,
      (select max(number) from audit_checkpoints)::text as cp`),
  );
  return { position: Number(r?.position ?? 0), run: Number(r?.run ?? 0), checkpoint: Number(r?.cp ?? 0) };
}

/**
 * Where an export bounded by `to` can stop: the first seal checkpoint (within `limit`, after the
 * start) at or after the last chain position of an event dated before `to`. Every event before
 * `to` that is chained lies at or before it, and the file ends on a signed head; null when no
 * checkpoint covers them yet (the export then runs to the head).
 */
async function cutAt(db: DbOrTx, to: Date, start: ChainStart, limit: { position: number; checkpoint: number }) {
  const [r] = rowsOf<{ number: string; position: string; run: string }>(
    await db.execute(sql`select number::text, position::text, run::text from audit_checkpoints
      where kind = 'seal' and number <= ${limit.checkpoint} and position > ${start.position}
        and position >= coalesce((select max(position) from audit_chain where event_at < ${to.toISOString()}::timestamptz and position <= ${limit.position}), 0)
      order by audit_checkpoints.number limit 1`),
  );
  return r ? { position: Number(r.position), run: Number(r.run), checkpoint: Number(r.number) } : null;
}

/** Records in chunks of this many rows: memory stays constant whatever the log's length. */
const CHUNK = 2000;

async function* pages<T>(fetch: (after: T | null) => Promise<T[]>): AsyncGenerator<T> {
  let after: T | null = null;
  for (;;) {
    const rows = await fetch(after);
    yield* rows;
    if (rows.length < CHUNK) return;
    after = rows.at(-1)!;
  }
}

/**
 * The chain as export records, in the verifier's order: header; then by position a run before its
 * first position, the chain record, checkpoints after the position they cover; then unsealed
 * events (those not chained up to that extent, so an event sealed meanwhile is not lost); then `end`. `where` narrows which events are included (the others appear as hashes
 * only); `start` is where the records begin (default: the chain's start); `to` (the filter's upper
 * bound) ends the chain part at the first checkpoint that covers every event dated before it
 * (`cutAt`), so a bounded export does not carry the hashes of everything after. Reads in keyset
 * chunks up to the chain's extent when it begins.
 */
export async function* chainRecords(
  db: DbOrTx,
  o: { where?: SQL | undefined; start?: ChainStart; to?: Date | undefined; filters?: Record<string, unknown>; exportedAt?: Date } = {},
): AsyncGenerator<ExportRecord> {
  const start = o.start ?? (await chainStart(db));
  const extent = await bounds(db);
  const limit = (o.to && (await cutAt(db, o.to, start, extent))) || extent;
  const match = o.where ?? sql`true`;
  let n = 0;
  yield { type: "header", format: "bridle-audit-export", version: 1, exportedAt: (o.exportedAt ?? new Date()).toISOString(), filters: o.filters ?? {}, start };
  n++;

  const runs = pages<RunRecord>(async (after) =>
    rowsOf<RunRow>(
      await db.execute(sql`select ${RUN_COLUMNS} from audit_seal_runs where run > ${after?.run ?? start.run} and run <= ${limit.run}
        order by audit_seal_runs.run limit ${CHUNK}`),
    ).map(runOf),
  );
  const checkpoints = pages<CheckpointRecord>(async (after) =>
    rowsOf<CheckpointRow>(
      await db.execute(sql`select ${CHECKPOINT_COLUMNS} from audit_checkpoints where number > ${after?.number ?? (start.checkpoint ? start.checkpoint - 1 : 0)}
        and number <= ${limit.checkpoint} order by audit_checkpoints.number limit ${CHUNK}`),
    ).map(checkpointOf),
  );
  type Row = EventRow & { position: string; run: string; event_id: string; event_hash: string; chain_hash: string; matches: boolean | null };
  const chain = pages<Row>(async (after) =>
    rowsOf<Row>(
      await db.execute(sql`select c.position::text, c.run::text, c.event_id::text, encode(c.event_hash, 'hex') as event_hash,
          encode(c.chain_hash, 'hex') as chain_hash, (audit_events.id is not null and ${match}) as matches, ${EVENT_COLUMNS}
        from audit_chain c left join audit_events on audit_events.id = c.event_id and audit_events.at = c.event_at
        where (c.position, c.event_id) > (${after ? Number(after.position) : start.position}::bigint, ${after?.event_id ?? "00000000-0000-0000-0000-000000000000"}::uuid)
          and c.position <= ${limit.position}
        order by c.position, c.event_id limit ${CHUNK}`),
    ),
  );

  let nextRun = await runs.next();
  let nextCp = await checkpoints.next();
  for await (const r of chain) {
    const position = Number(r.position);
    while (!nextCp.done && nextCp.value.position < position) {
      yield nextCp.value;
      n++;
      nextCp = await checkpoints.next();
    }
    while (!nextRun.done && nextRun.value.firstPosition <= position) {
      yield nextRun.value;
      n++;
      nextRun = await runs.next();
    }
    const rec: ChainRecord = {
      type: "chain",
      position,
      run: Number(r.run),
      eventId: r.event_id,
      eventHash: r.event_hash,
      chainHash: r.chain_hash,
      eventState: r.e_id === null ? "missing" : r.matches ? "included" : "omitted",
    };
    if (r.e_id !== null && r.matches) {
      rec.event = eventOf(r);
      rec.xid = r.e_xid;
    }
    yield rec;
    n++;
  }
  for (; !nextRun.done; nextRun = await runs.next(), n++) yield nextRun.value;
  for (; !nextCp.done; nextCp = await checkpoints.next(), n++) yield nextCp.value;

  // Not chained within the extent the read began with: an event sealed while the export ran (at a
  // position past it) is here, so every matching event is in exactly one part. (A cut at `to` ends
  // the chain part earlier, but past the cut lie only events dated at or after `to`, which match no
  // filter with that bound.)
  const unsealed = pages<EventRow>(async (after) =>
    rowsOf<EventRow>(
      await db.execute(sql`select ${EVENT_COLUMNS} from audit_events
        where not exists (select 1 from audit_chain c where c.event_id = audit_events.id and c.event_at = audit_events.at and c.position <= ${extent.position})
          and ${match}
        and (audit_events.seq, audit_events.id) > (${after ? Number(after.e_seq) : -1}::bigint, ${after?.e_id ?? "00000000-0000-0000-0000-000000000000"}::uuid)
        order by audit_events.seq, audit_events.id limit ${CHUNK}`),
    ),
  );
  for await (const r of unsealed) {
    yield { type: "unsealed", event: eventOf(r), xid: r.e_xid } satisfies UnsealedRecord;
    n++;
  }
  yield { type: "end", records: n + 1 };
}

/** Unsealed events (cheap count for status displays). */
export async function countUnsealed(db: DbOrTx): Promise<number> {
  const [r] = rowsOf<{ n: string }>(await db.execute(sql`select count(*)::text as n from audit_events where ${unsealedCond}`));
  return Number(r?.n ?? 0);
}

export { auditEvents };

/** A sealed event in chain order, as a stream to a log platform reads it (the siem module). */
export type SealedEvent = { position: number; eventHash: string; chainHash: string; event: EventForm };

/**
 * Up to `limit` sealed events after chain position `after`, in chain order (the order every reader
 * of the log sees, and the one a durable cursor can hold: positions only grow, and a position, once
 * sealed, never changes). An event removed by retention is skipped (inner join).
 */
export async function sealedAfter(db: DbOrTx, after: number, limit: number): Promise<SealedEvent[]> {
  type Row = EventRow & { position: string; event_hash: string; chain_hash: string };
  const rows = rowsOf<Row>(
    await db.execute(sql`select c.position::text, encode(c.event_hash, 'hex') as event_hash, encode(c.chain_hash, 'hex') as chain_hash, ${EVENT_COLUMNS}
      from audit_chain c join audit_events on audit_events.id = c.event_id and audit_events.at = c.event_at
      where c.position > ${after} order by c.position limit ${limit}`),
  );
  return rows.map((r) => ({ position: Number(r.position), eventHash: r.event_hash, chainHash: r.chain_hash, event: eventOf(r) }));
}

/** The chain's last position and when its event happened (0 and null on an empty chain). */
export async function chainHead(db: DbOrTx): Promise<{ position: number; eventAt: string | null }> {
  const [r] = rowsOf<{ position: string; event_at: string }>(
    await db.execute(sql`select position::text, ${utc(sql`event_at`)} as event_at from audit_chain order by audit_chain.position desc limit 1`),
  );
  return r ? { position: Number(r.position), eventAt: r.event_at } : { position: 0, eventAt: null };
}
