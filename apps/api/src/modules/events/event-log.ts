import type { EventRecord } from "./events.repo.ts";

type Pending = { records: EventRecord[]; resolve: (stored: ReadonlySet<string>) => void; reject: (err: unknown) => void };

export type EventLog = ReturnType<typeof createEventLog>;

/**
 * Group commit for runtime event batches, the decision log's approach (decisions/decision-log.ts):
 * the batches of requests that arrive while a write is under way go together in the next one, one
 * transaction (one INSERT of audit events and one upsert of sessions), so a commit's fixed cost
 * (about 0.3 ms of PostgreSQL CPU, most of it the WAL flush) is shared. A request's batch is never
 * split across writes, so it is stored whole or not at all; `append` resolves only after commit.
 * One write at a time (`maxInFlight` 1), the next gathering meanwhile, up to `maxEvents` events
 * (a single batch larger than that goes alone).
 */
export function createEventLog(deps: {
  /** stores the records in one transaction; resolves with the event ids stored (not seen before) */
  write: (records: EventRecord[]) => Promise<ReadonlySet<string>>;
  maxEvents?: number;
  maxInFlight?: number;
}) {
  const maxEvents = deps.maxEvents ?? 4000;
  const maxInFlight = deps.maxInFlight ?? 1;
  const queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;
  const idle: (() => void)[] = [];

  function schedule() {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  function take(): Pending[] {
    let n = 0;
    let events = 0;
    while (n < queue.length && (n === 0 || events + queue[n]!.records.length <= maxEvents)) events += queue[n++]!.records.length;
    return queue.splice(0, n);
  }

  function flush() {
    scheduled = false;
    if (inFlight >= maxInFlight || queue.length === 0) return;
    const group = take();
    inFlight++;
    deps
      .write(group.flatMap((p) => p.records))
      .then(
        (stored) => {
          for (const p of group) p.resolve(stored);
        },
        (err: unknown) => {
          for (const p of group) p.reject(err);
        },
      )
      .finally(() => {
        inFlight--;
        if (inFlight === 0 && queue.length === 0) for (const f of idle.splice(0)) f();
        schedule();
      });
    schedule();
  }

  return {
    /**
     * Resolves once the records are committed, with the set of event ids the write stored (a
     * record whose id is absent was stored before: a retry). Rejects when the write failed (then
     * none of them was stored).
     */
    append(records: EventRecord[]): Promise<ReadonlySet<string>> {
      if (records.length === 0) return Promise.resolve(new Set());
      return new Promise((resolve, reject) => {
        queue.push({ records, resolve, reject });
        schedule();
      });
    },
    /** Waits until every appended record is committed (shutdown). */
    drain(): Promise<void> {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    stats: () => ({ queued: queue.reduce((n, p) => n + p.records.length, 0), inFlight }),
  };
}
