import { createHash, hash } from "node:crypto";
import { configure } from "safe-stable-stringify";

/**
 * The audit chain's pure parts: the canonical form of an event and of a seal run, the hashes, the
 * checkpoint payload, and the records an export holds (docs/AUDIT.md says all of this in prose, so
 * an auditor can re-implement it). No I/O here: the sealer, the verifier and the export share it.
 */

/** The fields of an audit event that its hash covers, exactly as stored. */
export type EventForm = {
  id: string;
  seq: number;
  /** UTC, microseconds, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, read as text from SQL (a JS Date keeps only ms) */
  at: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  requestId: string | null;
  sessionId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  details: unknown;
};

/** A seal run as recorded in `audit_seal_runs` (hashes as lowercase hex). */
export type RunForm = {
  run: number;
  sealedAt: string;
  firstPosition: number;
  lastPosition: number;
  /** lowest transaction id scanned (decimal text) */
  scanFrom: string;
  /** the run's snapshot, `xmin:xmax:xip,...` */
  snapshot: string;
  /**
   * the run's own transaction id (decimal text), given after its snapshot (when it wrote its first
   * chain row): a transaction with a larger id began after the snapshot. Absent on runs written
   * before Bridle recorded it.
   */
  sealerXid?: string;
  maxSeq: number;
  /** chain hash at `lastPosition` */
  headHash: string;
};

export const GENESIS_HASH = "0".repeat(64);
/** The protected header's `typ` of a checkpoint JWS: never mistaken for a decision. */
export const CHECKPOINT_JWS_TYPE = "bridle-audit-checkpoint+jws";
export const EXPORT_FORMAT = "bridle-audit-export";
export const EXPORT_VERSION = 1;

const sha256 = (...parts: Buffer[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value: object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings as ECMAScript's JSON.stringify writes them. safe-stable-stringify
 * in strict mode gives exactly that for JSON values (a unit test compares it with the reference
 * implementation, npm `canonicalize`, which is about three times slower) and throws on what JSON
 * cannot hold (NaN, Infinity, functions, bigint, cycles). One difference: a lone UTF-16 surrogate
 * is escaped (`"\ud800"`) where `canonicalize` throws; text read from PostgreSQL never holds one.
 */
export const jcs: (value: unknown) => string = configure({ strict: true, deterministic: true }) as (value: unknown) => string;

/** RFC 8785 (JCS) canonical JSON of the event's fields; UTF-8 of this string is what is hashed. */
export function canonicalEvent(e: EventForm): string {
  const form: EventForm = {
    id: e.id,
    seq: e.seq,
    at: e.at,
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    outcome: e.outcome,
    requestId: e.requestId,
    sessionId: e.sessionId,
    sourceIp: e.sourceIp,
    userAgent: e.userAgent,
    details: e.details,
  };
  return jcs(form);
}

/** SHA-256 of the event's canonical form, lowercase hex. */
export const eventHash = (e: EventForm): string => hash("sha256", canonicalEvent(e), "hex");

/** chain_hash(p) = SHA-256(chain_hash(p-1) || event_hash(p)), over the 32 raw bytes of each; hex. */
export const linkHash = (prevChainHex: string, eventHashHex: string): string => hash("sha256", Buffer.from(prevChainHex + eventHashHex, "hex"), "hex");

/** run_hash(k) = SHA-256(run_hash(k-1) || SHA-256(JCS of the run without its hash)); hex. */
export const runHash = (prevRunHex: string, r: RunForm): string =>
  sha256(Buffer.from(prevRunHex, "hex"), sha256(Buffer.from(jcs(r), "utf8"))).toString("hex");

/** SHA-256 of a checkpoint's compact JWS (ASCII), hex: how the next checkpoint names it. */
export const checkpointHash = (jws: string): string => sha256(Buffer.from(jws, "ascii")).toString("hex");

/**
 * What a checkpoint signs (the JWS payload). `seal`: the chain up to `position` has head `head`
 * and the seal runs up to `run` have head `runHash`. `retention_cut`: the chain was cut there,
 * events up to `position` were dropped (their partitions, before `droppedBefore`).
 */
export type CheckpointPayload = {
  type: "bridle-audit-checkpoint";
  number: number;
  id: string;
  kind: "seal" | "retention_cut";
  position: number;
  head: string;
  run: number;
  runHash: string;
  prev: { id: string; hash: string } | null;
  createdAt: string;
  droppedBefore?: string;
};

/** A pg_snapshot's text form, `xmin:xmax:xip1,xip2`, as bigints. */
export type Snapshot = { xmin: bigint; xmax: bigint; xip: bigint[] };
export function parseSnapshot(text: string): Snapshot | null {
  const m = /^(\d+):(\d+):([\d,]*)$/.exec(text);
  if (!m) return null;
  return { xmin: BigInt(m[1]!), xmax: BigInt(m[2]!), xip: m[3] ? m[3].split(",").map((x) => BigInt(x)) : [] };
}

/** Was a transaction `xid` still invisible (in progress, or not yet started) to `snap`? */
export const invisibleTo = (snap: Snapshot, xid: bigint) => xid >= snap.xmax || snap.xip.includes(xid);

/** Records of an export, in order; the verifier reads the same records from the database. */
export type ExportHeader = {
  type: "header";
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  /** the filters of the export (events outside them appear only as chain hashes) */
  filters: Record<string, unknown>;
  /** where verification starts: the genesis (position 0), a retention cut, or a checkpoint */
  start: ChainStart;
};
export type ChainStart = { position: number; hash: string; run: number; runHash: string; checkpoint: number | null };
export type RunRecord = { type: "run" } & RunForm & { runHash: string };
/**
 * One chain position. `event` is there when the export includes the event (it matches the
 * filters); `eventState` says why not otherwise: `omitted` (filtered out) or `missing` (the chain
 * names an event the database no longer has).
 */
export type ChainRecord = {
  type: "chain";
  position: number;
  run: number;
  eventId: string;
  eventHash: string;
  chainHash: string;
  eventState: "included" | "omitted" | "missing";
  event?: EventForm;
  /** the event's transaction id (decimal text); not hashed, used to tell a late event from an inserted one */
  xid?: string;
};
export type CheckpointRecord = {
  type: "checkpoint";
  number: number;
  id: string;
  kind: "seal" | "retention_cut";
  position: number;
  headHash: string;
  run: number;
  runHash: string;
  prevId: string | null;
  prevHash: string | null;
  createdAt: string;
  kid: string;
  jws: string;
};
/** An event not (yet) in the chain. */
export type UnsealedRecord = { type: "unsealed"; event: EventForm; xid: string };
export type EndRecord = { type: "end"; records: number };
export type ExportRecord = ExportHeader | RunRecord | ChainRecord | CheckpointRecord | UnsealedRecord | EndRecord;
