import { createPublicKey, verify as cryptoVerify, type KeyObject } from "node:crypto";
import type { TAuditKeyTrust } from "@bridle/contracts";
import {
  CHECKPOINT_JWS_TYPE,
  checkpointHash,
  eventHash,
  EXPORT_FORMAT,
  GENESIS_HASH,
  invisibleTo,
  linkHash,
  parseSnapshot,
  runHash,
  type ChainRecord,
  type ChainStart,
  type CheckpointPayload,
  type CheckpointRecord,
  type ExportRecord,
  type RunRecord,
  type Snapshot,
  type UnsealedRecord,
} from "./audit.chain.ts";
import { DISTRUST_REASONS, type KeyTrust, type VerifierKey } from "./audit.keys.ts";

/**
 * What broke (docs/AUDIT.md "Verification"):
 * - `edited`: an event no longer hashes to what was sealed, or a seal run's record changed;
 * - `deleted`: a sealed event, chain position, seal run or the chain's tail is gone;
 * - `inserted`: an event that could not have been missed by the seal run before the one that
 *   sealed it (or can never be sealed), i.e. written into the sealed past;
 * - `reordered`: a sealed event sits at another position than the one it was chained at;
 * - `bad_signature`: a checkpoint's signature, key or signed fields do not hold;
 * - `untrusted_key`: a checkpoint is signed by a key nothing vouches for (audit.keys.ts), or by a
 *   key created after it; or a stored key's kid is not its thumbprint;
 * - `missing_checkpoint`: a checkpoint named by the next one is gone;
 * - `truncated`: the chain no longer reaches an exported checkpoint, or no longer has its head.
 */
export const BREAK_KINDS = ["edited", "deleted", "inserted", "reordered", "bad_signature", "untrusted_key", "missing_checkpoint", "truncated"] as const;
export type BreakKind = (typeof BREAK_KINDS)[number];
export type Problem = { kind: BreakKind; position: number | null; eventId: string | null; checkpoint: number | null; message: string };

export type VerifyReport = {
  /** true when nothing is broken (unsealed events do not make it false unless they were inserted) */
  ok: boolean;
  start: ChainStart;
  /** chain positions checked: first and last (null when none) and how many */
  chain: { first: number | null; last: number | null; count: number; head: string };
  /** events whose hash was recomputed (an export with filters holds only some) */
  eventsChecked: number;
  runs: number;
  checkpoints: { count: number; last: { number: number; id: string; kind: string; position: number; createdAt: string; kid: string } | null };
  /** chain positions after the last checkpoint: tamper-evident only once a checkpoint covers them */
  uncheckpointed: number;
  /** events not in the chain yet (`pending`: the sealer will chain them) */
  unsealed: { count: number; pending: number };
  /**
   * What the signatures do not vouch for: `events` whole events at positions no valid checkpoint
   * covers, and `unsealed` events (not chained at all). With `finish({ requireCoverage })` either
   * makes `ok` false unless `allowUnsealed`; the reasons are in `unverified.reasons`.
   */
  unverified: { events: number; unsealed: number; reasons: string[] };
  firstBreak: Problem | null;
  /** the first 50 problems, in the order found */
  problems: Problem[];
  problemCount: number;
  /** what vouched for the signing keys, and what verification cannot rule out (`warnings`) */
  keyTrust: TAuditKeyTrust;
};

const MAX_PROBLEMS = 50;
/**
 * A checkpoint signed by a key whose row was created more than this after the checkpoint says it
 * was is `untrusted_key` (the key was added later, to re-sign the past). The margin absorbs clock
 * skew between the API's clock (the checkpoint's time) and the database's (the key row's).
 */
export const KEY_CLOCK_SKEW_MS = 5 * 60_000;
/** Seal runs remembered for the "inserted into the sealed past" check (older ones give a weaker, still sound, bound). */
const RUN_MEMORY = 4096;


/** Verifies a checkpoint JWS against the JWKS; returns its payload, or why not. */
export function openCheckpointJws(jws: string, keys: Map<string, KeyObject>): { payload: CheckpointPayload; kid: string } | { error: string } {
  const parts = jws.split(".");
  if (parts.length !== 3) return { error: "the signature is not a compact JWS" };
  let header: { alg?: string; kid?: string; typ?: string };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as typeof header;
  } catch {
    return { error: "the JWS header is not JSON" };
  }
  if (header.alg !== "EdDSA" || header.typ !== CHECKPOINT_JWS_TYPE) return { error: `the JWS is not an audit checkpoint (alg ${header.alg}, typ ${header.typ})` };
  const key = header.kid ? keys.get(header.kid) : undefined;
  if (!key) return { error: `the signing key ${header.kid ?? "(none)"} is not in the JWKS` };
  if (!cryptoVerify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2]!, "base64url")))
    return { error: `the signature does not verify with key ${header.kid}` };
  try {
    return { payload: JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as CheckpointPayload, kid: header.kid! };
  } catch {
    return { error: "the signed payload is not JSON" };
  }
}

/** The public keys of `trust` by kid (trusted or not: a signature that holds with an untrusted key is told apart from one that does not hold). */
export function keysOf(trust: KeyTrust): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const k of trust.keys) if (k.x) keys.set(k.kid, createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: k.x }, format: "jwk" }));
  return keys;
}

/**
 * Why the key that signed a checkpoint (whose signature holds) does not vouch for it: the key is not
 * trusted, or its row was created after the checkpoint. Null when it vouches.
 */
export function keyRefusal(key: VerifierKey | undefined, payload: CheckpointPayload): string | null {
  if (!key) return "its signing key is unknown";
  if (key.distrust) return `its signing key ${key.kid} is not trusted: ${DISTRUST_REASONS[key.distrust]}`;
  const created = key.createdAt ? Date.parse(key.createdAt) : Number.NaN;
  if (created - KEY_CLOCK_SKEW_MS > Date.parse(payload.createdAt))
    return `it says it was signed at ${payload.createdAt}, but its signing key ${key.kid} was created at ${key.createdAt}, after it: the key was added later to re-sign it`;
  return null;
}

/** What the verification cannot rule out, given the anchors and how the trusted keys are stored. */
export function keyTrustWarnings(trust: KeyTrust): TAuditKeyTrust["warnings"] {
  const warnings: TAuditKeyTrust["warnings"] = [];
  if (!trust.anchors.length) warnings.push("anchored_in_database");
  if (trust.keys.some((k) => k.distrust === null && k.inClear === true)) warnings.push("private_keys_readable");
  return warnings;
}

/** The key-trust part of a report: anchors, warnings, and each key with the checkpoints it signed. */
export function keyTrustReport(trust: KeyTrust, signedBy: Map<string, number>): TAuditKeyTrust {
  return {
    anchors: trust.anchors,
    warnings: keyTrustWarnings(trust),
    keys: trust.keys.map((k) => ({ kid: k.kid, createdAt: k.createdAt, retiredAt: k.retiredAt, trusted: k.distrust === null, distrust: k.distrust, checkpoints: signedBy.get(k.kid) ?? 0 })),
  };
}

/**
 * Streaming verifier: feed it the records of an export (or of the database, in the same order:
 * by position; a run before its first position; a checkpoint after the position it covers) with
 * `push`, then `finish`. Memory stays bounded whatever the length of the log.
 */
export function createVerifier(opts: { trust: KeyTrust }) {
  const keys = keysOf(opts.trust);
  const trusted = new Map(opts.trust.keys.map((k) => [k.kid, k]));
  const signedBy = new Map<string, number>();
  const problems: Problem[] = [];
  let problemCount = 0;
  const report = (p: Omit<Problem, "eventId" | "checkpoint" | "position"> & Partial<Problem>) => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS) problems.push({ position: null, eventId: null, checkpoint: null, ...p });
  };
  // A key row that Bridle cannot have written, whether or not it signed anything yet.
  for (const k of opts.trust.keys)
    if (k.distrust === "kid_mismatch")
      report({ kind: "untrusted_key", message: `signing key ${k.kid}: ${DISTRUST_REASONS.kid_mismatch} (its thumbprint is ${k.thumbprint})` });

  let start: ChainStart = { position: 0, hash: GENESIS_HASH, run: 0, runHash: GENESIS_HASH, checkpoint: null };
  let sawHeader = false;
  let sawEnd = false;
  /** records pushed so far (the `end` record counts them) */
  let recordNo = 0;
  let sawUnsealed = false;
  let startVouched = true;
  // chain state
  let expected = 1;
  let prev = GENESIS_HASH;
  let first: number | null = null;
  let last: number | null = null;
  let count = 0;
  let eventsChecked = 0;
  // runs
  let runPrevHash = GENESIS_HASH;
  let lastRunNo = 0;
  let current: (RunRecord & { snap: Snapshot | null }) | null = null;
  let previous: (RunRecord & { snap: Snapshot | null }) | null = null;
  let runs = 0;
  const history: { sealerXid: bigint; maxSeq: number }[] = [];
  // checkpoints
  let lastCp: CheckpointRecord | null = null;
  let cpCount = 0;
  const ahead: (CheckpointRecord & { signed: boolean })[] = [];
  let checkpointedTo = 0;
  /** checkpoints whose signature and signed head held */
  let validCheckpoints = 0;
  /** whole events at positions after the last valid checkpoint */
  let uncoveredEvents = 0;
  // unsealed
  let unsealed = 0;
  let pending = 0;

  function onHeader(h: Extract<ExportRecord, { type: "header" }>) {
    if (sawHeader || recordNo !== 1) {
      // Only the first record may set where verification starts: a second header would restart it.
      report({ kind: "inserted", message: `record ${recordNo} is a second header: records were added to the export (only the first record may be its header)` });
      return;
    }
    if (h.format !== EXPORT_FORMAT) report({ kind: "edited", message: `not a Bridle audit export (format ${String(h.format)})` });
    sawHeader = true;
    start = h.start;
    expected = start.position + 1;
    prev = start.hash;
    runPrevHash = start.runHash;
    lastRunNo = start.run;
    checkpointedTo = start.position;
    // A start other than the genesis must be vouched for by a signed checkpoint in the records.
    startVouched = start.position === 0 && start.hash === GENESIS_HASH && start.run === 0;
  }

  function onRun(r: RunRecord) {
    runs++;
    if (sawUnsealed) report({ kind: "reordered", position: r.firstPosition, message: `seal run ${r.run} comes after unsealed events: records were moved` });
    const { type: _t, runHash: stored, ...form } = r;
    if (r.run !== lastRunNo + 1)
      report({
        kind: r.run > lastRunNo + 1 ? "deleted" : "reordered",
        position: r.firstPosition,
        message: `seal run ${r.run} follows run ${lastRunNo}: ${r.run > lastRunNo + 1 ? `run(s) ${lastRunNo + 1}..${r.run - 1} are missing` : "runs are out of order"}`,
      });
    const computed = runHash(runPrevHash, form);
    if (computed !== stored) report({ kind: "edited", position: r.firstPosition, message: `the record of seal run ${r.run} was changed (its hash does not chain)` });
    runPrevHash = stored;
    lastRunNo = r.run;
    previous = current;
    current = { ...r, snap: parseSnapshot(r.snapshot) };
    if (previous?.sealerXid !== undefined && /^\d+$/.test(previous.sealerXid)) {
      history.push({ sealerXid: BigInt(previous.sealerXid), maxSeq: previous.maxSeq });
      if (history.length > RUN_MEMORY) history.shift();
    }
  }

  /** An event sealed by `run` must have been invisible to the previous run, and younger than what it had sealed. */
  function legitimacy(c: ChainRecord): string | null {
    if (!c.event || c.xid === undefined || !current || current.run !== c.run || !previous || previous.run !== c.run - 1 || !previous.snap) return null;
    const xid = BigInt(c.xid);
    if (!invisibleTo(previous.snap, xid))
      return `its transaction (${c.xid}) had finished before seal run ${previous.run}, which would have sealed it`;
    // The latest earlier run whose own transaction id is below the event's: the event's transaction
    // was given its id after that run's snapshot, and took its seq after that. (Not the snapshot's
    // xmax: PostgreSQL sets it to the latest completed id + 1, so a transaction already running,
    // seqs drawn, can lie at or above it. Runs from before the sealer recorded its id give no bound.)
    let bound: { sealerXid: bigint; maxSeq: number } | null = null;
    for (let i = history.length - 1; i >= 0; i--)
      if (history[i]!.sealerXid < xid) {
        bound = history[i]!;
        break;
      }
    if (bound && c.event.seq <= bound.maxSeq)
      return `its seq ${c.event.seq} is not above ${bound.maxSeq}, the largest already sealed before its transaction began`;
    return null;
  }

  function onChain(c: ChainRecord) {
    if (sawUnsealed) report({ kind: "reordered", position: c.position, eventId: c.eventId, message: `chain position ${c.position} comes after unsealed events: records were moved` });
    if (c.position <= start.position) {
      report({ kind: "inserted", position: c.position, eventId: c.eventId, message: `chain position ${c.position} lies at or before the start of verification (position ${start.position}): it cannot be checked and was added` });
      return;
    }
    if (c.position !== expected) {
      if (c.position > expected)
        report({
          kind: "deleted",
          position: expected,
          message: `chain position${c.position - expected > 1 ? `s ${expected}..${c.position - 1} are` : ` ${expected} is`} missing`,
        });
      else report({ kind: "reordered", position: c.position, eventId: c.eventId, message: `chain position ${c.position} appears again after ${expected - 1}` });
    }
    if (current && c.run > current.run)
      report({ kind: "deleted", position: c.position, eventId: c.eventId, message: `the record of seal run ${c.run}, which sealed position ${c.position}, is missing` });
    else if (current && (c.run !== current.run || c.position < current.firstPosition || c.position > current.lastPosition))
      report({ kind: "reordered", position: c.position, eventId: c.eventId, message: `position ${c.position} names seal run ${c.run}, which sealed positions ${current.firstPosition}..${current.lastPosition} (run ${current.run})` });
    let eventOk = true;
    if (c.eventState === "included" && !c.event)
      report({ kind: "edited", position: c.position, eventId: c.eventId, message: `position ${c.position} says its event is included, but it is not there` });
    if (c.eventState === "missing") {
      eventOk = false;
      report({ kind: "deleted", position: c.position, eventId: c.eventId, message: `the event sealed at position ${c.position} (${c.eventId}) is gone` });
    } else if (c.event) {
      eventsChecked++;
      if (c.event.id !== c.eventId) {
        eventOk = false;
        report({ kind: "reordered", position: c.position, eventId: c.event.id, message: `position ${c.position} was sealed for event ${c.eventId}, not ${c.event.id}` });
      } else if (eventHash(c.event) !== c.eventHash) {
        eventOk = false;
        report({ kind: "edited", position: c.position, eventId: c.eventId, message: `the event at position ${c.position} (${c.eventId}) was changed after it was sealed` });
      } else {
        uncoveredEvents++;
        const why = legitimacy(c);
        if (why) {
          eventOk = false;
          report({ kind: "inserted", position: c.position, eventId: c.eventId, message: `the event at position ${c.position} (${c.eventId}) was inserted into the sealed past: ${why}` });
        }
      }
    }
    const linked = linkHash(prev, c.eventHash);
    if (linked !== c.chainHash && eventOk)
      report({
        kind: "reordered",
        position: c.position,
        eventId: c.eventId,
        message: `the event at position ${c.position} (${c.eventId}) is intact but does not follow position ${c.position - 1}: rows were moved or the chain rewritten`,
      });
    if (current && c.position === current.lastPosition && c.chainHash !== current.headHash)
      report({ kind: "edited", position: c.position, eventId: c.eventId, message: `the chain at position ${c.position} differs from the head seal run ${current.run} recorded` });
    // Carry on from what is stored, so one break is reported once.
    prev = c.chainHash;
    if (first === null) first = c.position;
    last = c.position;
    count++;
    expected = Math.max(expected, c.position + 1);
    while (ahead.length && ahead[0]!.position <= c.position) {
      const cp = ahead.shift()!;
      checkHead(cp, cp.signed);
    }
  }

  function checkHead(cp: CheckpointRecord, signed: boolean) {
    if (cp.position !== last) {
      report({ kind: "deleted", position: cp.position, checkpoint: cp.number, message: `checkpoint ${cp.number} covers position ${cp.position}, which is missing from the chain` });
      return;
    }
    const headHolds = cp.headHash === prev;
    if (!headHolds)
      report({
        kind: "edited",
        position: cp.position,
        checkpoint: cp.number,
        message: `the chain up to position ${cp.position} no longer has the head signed by checkpoint ${cp.number}: events before it were edited, deleted, inserted or reordered and the chain rewritten`,
      });
    if (current && cp.run === current.run && cp.runHash !== runPrevHash)
      report({ kind: "edited", position: cp.position, checkpoint: cp.number, message: `the seal runs up to run ${cp.run} no longer have the head signed by checkpoint ${cp.number}` });
    // Only a checkpoint whose signature and head hold vouches for the positions up to it.
    if (signed && headHolds) {
      validCheckpoints++;
      checkpointedTo = Math.max(checkpointedTo, cp.position);
      uncoveredEvents = 0;
    }
  }

  function onCheckpoint(cp: CheckpointRecord) {
    cpCount++;
    if (sawUnsealed) report({ kind: "reordered", position: cp.position, checkpoint: cp.number, message: `checkpoint ${cp.number} comes after unsealed events: records were moved` });
    const opened = openCheckpointJws(cp.jws, keys);
    let signed = false;
    if ("error" in opened) {
      report({ kind: "bad_signature", position: cp.position, checkpoint: cp.number, message: `checkpoint ${cp.number}: ${opened.error}` });
    } else {
      const p = opened.payload;
      const same =
        p.number === cp.number &&
        p.id === cp.id &&
        p.kind === cp.kind &&
        p.position === cp.position &&
        p.head === cp.headHash &&
        p.run === cp.run &&
        p.runHash === cp.runHash &&
        (p.prev?.id ?? null) === cp.prevId &&
        (p.prev?.hash ?? null) === cp.prevHash &&
        p.createdAt === cp.createdAt &&
        opened.kid === cp.kid;
      if (!same) report({ kind: "bad_signature", position: cp.position, checkpoint: cp.number, message: `checkpoint ${cp.number}: the stored fields differ from the signed ones` });
      signedBy.set(opened.kid, (signedBy.get(opened.kid) ?? 0) + 1);
      const refused = keyRefusal(trusted.get(opened.kid), p);
      if (refused) report({ kind: "untrusted_key", position: cp.position, checkpoint: cp.number, message: `checkpoint ${cp.number}: ${refused}` });
      signed = same && !refused;
    }
    // the link to the previous checkpoint
    if (lastCp) {
      if (cp.number !== lastCp.number + 1 || cp.prevId !== lastCp.id)
        report({
          kind: "missing_checkpoint",
          position: cp.position,
          checkpoint: cp.number,
          message: `checkpoint ${cp.number} names ${cp.prevId ?? "no checkpoint"} as its previous, but the previous present is ${lastCp.number} (${lastCp.id})`,
        });
      else if (cp.prevHash !== checkpointHash(lastCp.jws))
        report({ kind: "bad_signature", position: cp.position, checkpoint: cp.number, message: `checkpoint ${cp.number} does not name checkpoint ${lastCp.number}'s signature` });
      if (cp.position < lastCp.position) report({ kind: "reordered", position: cp.position, checkpoint: cp.number, message: `checkpoint ${cp.number} covers less of the chain than ${lastCp.number}` });
    } else if (start.checkpoint === null && cp.number !== 1)
      report({ kind: "missing_checkpoint", checkpoint: cp.number, position: cp.position, message: `the first checkpoint present is ${cp.number}: checkpoints 1..${cp.number - 1} are missing` });
    else if (start.checkpoint === null && cp.prevId !== null)
      report({ kind: "missing_checkpoint", checkpoint: cp.number, position: cp.position, message: `checkpoint ${cp.number} names a previous checkpoint that is missing` });
    lastCp = cp;

    if (cp.number === start.checkpoint || (cp.kind === "retention_cut" && cp.position === start.position)) {
      // The start of verification: vouched for by this signed checkpoint.
      if (cp.position !== start.position || cp.headHash !== start.hash || cp.run !== start.run || cp.runHash !== start.runHash)
        report({ kind: "edited", position: cp.position, checkpoint: cp.number, message: `the chain is said to start after position ${start.position}, which checkpoint ${cp.number} does not sign` });
      else if (signed) {
        startVouched = true;
        validCheckpoints++;
      }
      return;
    }
    if (cp.position <= start.position) return; // before the part verified (retention, or an export's range)
    if (cp.kind === "retention_cut") {
      report({ kind: "deleted", position: cp.position, checkpoint: cp.number, message: `retention cut the chain at position ${cp.position} (checkpoint ${cp.number}) but the chain is verified from ${start.position}` });
      return;
    }
    if (last !== null && cp.position <= last) checkHead(cp, signed);
    else ahead.push({ ...cp, signed });
  }

  function onUnsealed(u: UnsealedRecord) {
    unsealed++;
    sawUnsealed = true;
    // Finished before the last run's snapshot: that run (or an earlier one) would have sealed it.
    const snap = current?.snap;
    if (snap && BigInt(u.xid) < snap.xmin)
      report({ kind: "inserted", eventId: u.event.id, message: `event ${u.event.id} (seq ${u.event.seq}) is not sealed and never will be: its transaction (${u.xid}) finished before seal run ${current!.run}` });
    else pending++;
  }

  return {
    push(r: ExportRecord) {
      recordNo++;
      if (sawEnd) {
        report({ kind: "inserted", message: `record ${recordNo} (${String((r as { type?: unknown }).type)}) follows the end record: records were added to the export` });
        return;
      }
      if (recordNo === 1 && r.type !== "header") report({ kind: "edited", message: "the first record is not the export's header" });
      switch (r.type) {
        case "header":
          return onHeader(r);
        case "run":
          return onRun(r);
        case "chain":
          return onChain(r);
        case "checkpoint":
          return onCheckpoint(r);
        case "unsealed":
          return onUnsealed(r);
        case "end":
          sawEnd = true;
          if (r.records !== recordNo)
            report({ kind: r.records > recordNo ? "deleted" : "inserted", message: `the end record counts ${r.records} records, but ${recordNo} were read: records were ${r.records > recordNo ? "removed" : "added"}` });
          return;
        default:
          report({ kind: "inserted", message: `record ${recordNo} has an unknown type (${JSON.stringify((r as { type?: unknown }).type)}): it is not part of an export` });
      }
    },
    /**
     * @param o.requireEnd an export must end with its `end` record (a cut-off file is not whole)
     * @param o.requireCoverage an export file: at least one valid signed checkpoint, and `ok` only
     *   when every whole event is covered by one and none is unsealed (unless `allowUnsealed`)
     * @param o.allowUnsealed with `requireCoverage`: uncovered and unsealed events are only reported in `unverified`
     */
    finish(o: { requireEnd?: boolean; requireCoverage?: boolean; allowUnsealed?: boolean } = {}): VerifyReport {
      for (const cp of ahead.splice(0))
        report({
          kind: "truncated",
          position: cp.position,
          checkpoint: cp.number,
          message: `checkpoint ${cp.number} covers position ${cp.position}, but the chain ends at ${last ?? start.position}: its tail was removed`,
        });
      if (!startVouched)
        report({ kind: "deleted", position: start.position, message: `the chain starts after position ${start.position}, but no signed checkpoint vouches for that start` });
      if (!sawHeader) report({ kind: "edited", message: "the records have no header" });
      if (o.requireEnd && !sawEnd) report({ kind: "truncated", message: "the export ends before its end record: it is incomplete" });
      if (o.requireCoverage && validCheckpoints === 0)
        report({ kind: "missing_checkpoint", message: "the export holds no valid signed checkpoint: nothing in it can be trusted" });
      const end = last ?? start.position;
      const reasons: string[] = [];
      if (uncoveredEvents) reasons.push(`${uncoveredEvents} event(s) after the last valid checkpoint (position ${checkpointedTo}) are not covered by a signature`);
      if (unsealed) reasons.push(`${unsealed} event(s) are unsealed: not in the chain, so nothing vouches for them`);
      return {
        ok: problemCount === 0 && !(o.requireCoverage && !o.allowUnsealed && reasons.length > 0),
        start,
        chain: { first, last, count, head: prev },
        eventsChecked,
        runs,
        checkpoints: {
          count: cpCount,
          last: lastCp ? { number: lastCp.number, id: lastCp.id, kind: lastCp.kind, position: lastCp.position, createdAt: lastCp.createdAt, kid: lastCp.kid } : null,
        },
        uncheckpointed: Math.max(0, end - checkpointedTo),
        unsealed: { count: unsealed, pending },
        unverified: { events: uncoveredEvents, unsealed, reasons },
        firstBreak: problems[0] ?? null,
        problems,
        problemCount,
        keyTrust: keyTrustReport(opts.trust, signedBy),
      };
    },
  };
}

export type CheckpointCheck = {
  /** what broke, or null when the chain still leads to the checkpoint's signed head */
  problem: Problem | null;
  /** the signed payload of the exported checkpoint (null when its signature does not hold) */
  signed: CheckpointPayload | null;
  /** where the chain was recomputed from (the genesis, or a retention cut whose signature held) */
  start: ChainStart;
  /** the checkpoint lies at or before that signed retention cut: its events were dropped by retention */
  beforeStart: boolean;
};

/**
 * Checks an exported checkpoint against the chain as it is now: the checkpoint's signature must
 * hold; the chain's start must be the genesis or a retention cut whose own signature holds (a cut
 * row is never trusted unsigned); then every event hash and link is recomputed from the events
 * themselves, from that start up to the checkpoint's position, and the result must equal the head
 * the checkpoint signs. A shorter chain is `truncated`; a gap `deleted`; a different head `edited`.
 * @param records the database's records in the verifier's order (`chainRecords`), read until the position
 */
export async function verifyExportedCheckpoint(cp: CheckpointRecord, trust: KeyTrust, records: AsyncIterable<ExportRecord>): Promise<CheckpointCheck> {
  const keys = keysOf(trust);
  const trusted = new Map(trust.keys.map((k) => [k.kid, k]));
  let start: ChainStart = { position: 0, hash: GENESIS_HASH, run: 0, runHash: GENESIS_HASH, checkpoint: null };
  const result = (kind: BreakKind | null, message: string, position: number | null, signed: CheckpointPayload | null, beforeStart = false): CheckpointCheck => ({
    problem: kind ? { kind, position, eventId: null, checkpoint: signed?.number ?? cp.number, message } : null,
    signed,
    start,
    beforeStart,
  });
  const opened = openCheckpointJws(cp.jws, keys);
  if ("error" in opened) return result("bad_signature", `the exported checkpoint: ${opened.error}`, cp.position, null);
  const target = opened.payload;
  const refused = keyRefusal(trusted.get(opened.kid), target);
  if (refused) return result("untrusted_key", `the exported checkpoint ${target.number}: ${refused}`, cp.position, null);
  let vouched = false;
  let prev = GENESIS_HASH;
  let expected = 1;
  for await (const r of records) {
    if (r.type === "header") {
      start = r.start;
      prev = start.hash;
      expected = start.position + 1;
      vouched = start.position === 0 && start.hash === GENESIS_HASH && start.run === 0 && start.checkpoint === null;
    } else if (r.type === "checkpoint" && !vouched && r.number === start.checkpoint) {
      const cut = openCheckpointJws(r.jws, keys);
      if ("error" in cut) return result("bad_signature", `the retention cut the chain starts from (checkpoint ${r.number}): ${cut.error}`, r.position, target);
      const p = cut.payload;
      const cutRefused = keyRefusal(trusted.get(cut.kid), p);
      if (cutRefused) return result("untrusted_key", `the retention cut the chain starts from (checkpoint ${r.number}): ${cutRefused}`, r.position, target);
      if (p.kind !== "retention_cut" || p.number !== r.number || p.position !== start.position || p.head !== start.hash || p.run !== start.run || p.runHash !== start.runHash)
        return result("bad_signature", `the retention cut the chain starts from (checkpoint ${r.number}) differs from what its signature signs`, r.position, target);
      vouched = true;
      if (target.position <= start.position) return result(null, "", null, target, true);
    } else if (r.type === "chain") {
      if (!vouched)
        return result("deleted", `the chain starts after position ${start.position}, but no signed retention cut vouches for that start`, start.position, target);
      if (r.position !== expected)
        return result(
          r.position > expected ? "deleted" : "reordered",
          `chain position ${r.position} follows ${expected - 1}: the chain up to exported checkpoint ${target.number} is not whole`,
          expected,
          target,
        );
      if (!r.event) return result("deleted", `the event sealed at position ${r.position} (${r.eventId}) is gone`, r.position, target);
      prev = linkHash(prev, eventHash(r.event));
      expected++;
      if (r.position === target.position)
        return prev === target.head
          ? result(null, "", null, target)
          : result(
              "edited",
              `the events up to position ${target.position} no longer hash to the head signed by exported checkpoint ${target.number}: events were edited, deleted, inserted or reordered`,
              target.position,
              target,
            );
    }
  }
  if (!vouched) return result("deleted", `the chain starts after position ${start.position}, but no signed retention cut vouches for that start`, start.position, target);
  return result(
    "truncated",
    `the chain no longer reaches position ${target.position}, which exported checkpoint ${target.number} covers: its tail was removed`,
    target.position,
    target,
  );
}
