import type { DecisionRecord } from "./decisions.repo.ts";

type Pending = { record: DecisionRecord; payload: object; resolve: (signature: string) => void; reject: (err: unknown) => void };

export type DecisionLog = ReturnType<typeof createDecisionLog>;

/**
 * Group commit (and group signing) for decision records. `append` resolves, with the answer's
 * signature, only once the record's batch has committed and its answers are signed, and the route
 * answers only after that, so no decision leaves the server unrecorded and a crash loses only
 * answers that were never sent.
 *
 * Batches form by themselves: a flush starts on the next turn of the event loop after a record
 * arrives (so requests parsed in the same turn share it), and while `maxInFlight` flushes are
 * running new records wait and go together in the next one. Each flush is one INSERT statement
 * (the decisions' audit events; token last-used stamps beside it) and, at the same time, one
 * message to the signing thread with the batch's payloads (`sign`), at most `maxBatch` records.
 */
export function createDecisionLog(deps: {
  /** writes records (and token last-used stamps) durably: insertDecisions / insertDecisionsPrepared */
  write: (records: DecisionRecord[], touchTokenIds: string[]) => Promise<void>;
  /** signs the answers' payloads, in order (DecisionSigner.signMany) */
  sign: (payloads: object[]) => Promise<string[]>;
  maxBatch?: number;
  maxInFlight?: number;
}) {
  const maxBatch = deps.maxBatch ?? 512;
  const maxInFlight = deps.maxInFlight ?? 2;
  let queue: Pending[] = [];
  const touch = new Set<string>();
  let inFlight = 0;
  let scheduled = false;
  const idle: (() => void)[] = [];

  function schedule() {
    if (scheduled || inFlight >= maxInFlight || (queue.length === 0 && touch.size === 0)) return;
    scheduled = true;
    setImmediate(flush);
  }

  function flush() {
    scheduled = false;
    if (inFlight >= maxInFlight || (queue.length === 0 && touch.size === 0)) return;
    const batch = queue.length > maxBatch ? queue.splice(0, maxBatch) : queue;
    if (batch === queue) queue = [];
    const tokenIds = [...touch];
    touch.clear();
    inFlight++;
    const records = batch.map((p) => p.record);
    // Signing is started first: it runs on its own thread while the batch commits.
    const signed = batch.length ? Promise.resolve().then(() => deps.sign(batch.map((p) => p.payload))) : Promise.resolve([]);
    Promise.all([signed, deps.write(records, tokenIds)])
      .then(
        ([signatures]) => {
          for (const [i, p] of batch.entries()) p.resolve(signatures[i]!);
        },
        (err: unknown) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        inFlight--;
        if (inFlight === 0 && queue.length === 0) for (const f of idle.splice(0)) f();
        schedule();
      });
    // More waiting than one batch holds: start the next flush too, up to maxInFlight.
    schedule();
  }

  return {
    /**
     * Resolves with the signature of `payload` when the record is committed and the payload
     * signed; rejects when its batch failed (then nothing of the batch was recorded, or, if only
     * signing failed, recorded but never answered).
     */
    append(record: DecisionRecord, payload: object, touchTokenId?: string): Promise<string> {
      if (touchTokenId) touch.add(touchTokenId);
      return new Promise<string>((resolve, reject) => {
        queue.push({ record, payload, resolve, reject });
        schedule();
      });
    },
    /** Waits until every appended record is committed (shutdown). */
    drain(): Promise<void> {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    /** records waiting for a flush, and flushes under way (diagnostics) */
    stats: () => ({ queued: queue.length, inFlight }),
  };
}
