import type { DecisionRecord } from "./decisions.repo.ts";

type Pending = { record: DecisionRecord; resolve: () => void; reject: (err: unknown) => void };

export type DecisionLog = ReturnType<typeof createDecisionLog>;

/**
 * Group commit for decision records. `append` resolves only once the record's batch has
 * committed, and the route answers only after that, so no decision leaves the server unrecorded
 * and a crash loses only answers that were never sent.
 *
 * Batches form by themselves: a flush starts on the next turn of the event loop after a record
 * arrives (so requests parsed in the same turn share it), and while `maxInFlight` flushes are
 * running new records wait and go together in the next one. Each flush is one INSERT statement
 * (decisions + audit events + token last-used stamps), at most `maxBatch` records.
 */
export function createDecisionLog(deps: {
  /** writes records (and token last-used stamps) durably: insertDecisions / insertDecisionsPrepared */
  write: (records: DecisionRecord[], touchTokenIds: string[]) => Promise<void>;
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
    deps
      .write(records, tokenIds)
      .then(
        () => {
          for (const p of batch) p.resolve();
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
    /** Resolves when the record is committed; rejects when its batch failed (nothing was recorded). */
    append(record: DecisionRecord, touchTokenId?: string): Promise<void> {
      if (touchTokenId) touch.add(touchTokenId);
      return new Promise<void>((resolve, reject) => {
        queue.push({ record, resolve, reject });
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
