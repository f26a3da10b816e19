import { AppError } from "../../lib/errors.ts";
import type { SealBacklog } from "../audit/index.ts";
import { eventKey, type EventRecord } from "./events.repo.ts";

type Pending = { records: EventRecord[]; since: number; resolve: (stored: ReadonlySet<string>) => void; reject: (err: unknown) => void };

/** How often a log held back by the audit backlog looks again (ms). */
const BACKLOG_RECHECK_MS = 50;

export type EventLog = ReturnType<typeof createEventLog>;

/**
 * Group commit for runtime event batches, the decision log's approach (decisions/decision-log.ts):
 * the batches of requests that arrive while a write is under way go together in the next one, one
 * transaction (one INSERT of audit events and one upsert of sessions), so a commit's fixed cost
 * (about 0.3 ms of PostgreSQL CPU, most of it the WAL flush) is shared. A request's batch is never
 * split across writes, so it is stored whole or not at all; `append` resolves only after commit.
 * Up to `maxInFlight` writes at a time (default 3: while one write's INSERT runs, another waits on
 * the server between its statements; with one, PostgreSQL worked on one core and
 * `pnpm bench:events` stored 17,200 events/s, against 19,300 with two and 20,100 with three in one
 * run each; the README's figures are with three), the next gathering meanwhile, up to `maxEvents`
 * events (a single batch larger than that goes alone). The writes lock rows in the same order
 * (events.repo.ts `storeEvents`), so they wait for each other and never deadlock among themselves.
 * A batch holding an event id that a write under way also holds (a runtime's retry of a batch
 * whose answer it did not get) waits for that write: the retry check only sees committed events,
 * so two writes at once would both store it.
 *
 * `backlog`: while the audit sealer is further behind than its bound (audit module's
 * createSealBacklog), no new write starts, so runtimes reporting faster than the chain can be
 * kept wait for it instead of leaving ever more events unchained. A batch that waited
 * `maxWaitMs` (default 5,000, under the SDK's 10 s request limit; looked at every 50 ms) is
 * refused with 503 `unavailable` and `Retry-After: 1`, stored nowhere (the SDK keeps it and sends
 * it again), and so are the newest batches past `maxQueued` waiting events (default 40,000), so
 * memory stays bounded. The writes under way when the bound is reached still commit: the bound
 * can be passed by up to `maxInFlight` groups.
 */
export function createEventLog(deps: {
  /** stores the records in one transaction; resolves with the events stored (not seen before), by `eventKey` */
  write: (records: EventRecord[]) => Promise<ReadonlySet<string>>;
  maxEvents?: number;
  maxInFlight?: number;
  backlog?: SealBacklog;
  maxWaitMs?: number;
  maxQueued?: number;
}) {
  const maxEvents = deps.maxEvents ?? 4000;
  const maxInFlight = deps.maxInFlight ?? 3;
  const maxWaitMs = deps.maxWaitMs ?? 5000;
  const maxQueued = deps.maxQueued ?? 10 * maxEvents;
  let closing = false;
  let recheck: NodeJS.Timeout | null = null;
  const queue: Pending[] = [];
  let inFlight = 0;
  /** Bot and event id of each record in the writes under way (a retry is the same id from the same bot). */
  const writing = new Set<string>();
  const clashes = (p: Pending) => writing.size > 0 && p.records.some((r) => writing.has(eventKey(r)));
  let scheduled = false;
  const idle: (() => void)[] = [];

  function schedule() {
    if (scheduled || inFlight >= maxInFlight || queue.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  /** The next group, in arrival order; it stops before a batch that clashes with a write under way (which then goes first). */
  function take(): Pending[] {
    let n = 0;
    let events = 0;
    while (n < queue.length && (n === 0 || events + queue[n]!.records.length <= maxEvents) && !clashes(queue[n]!)) events += queue[n++]!.records.length;
    return queue.splice(0, n);
  }

  function settled() {
    if (inFlight === 0 && queue.length === 0) for (const f of idle.splice(0)) f();
  }

  const refuse = (p: Pending, message: string) => p.reject(new AppError("unavailable", `${message}; this batch was not stored. Send it again in a second`, undefined, { retryAfterSeconds: 1 }));

  /**
   * Whether the audit backlog holds the next write back: with no fresh reading it takes one (and
   * flushes again when it comes); while the sealer is too far behind, the batches that waited
   * `maxWaitMs` are refused, and so are the newest past `maxQueued` events, or all of them once
   * `drain` was called (shutdown: nothing may seal them any more). Looks again every 50 ms meanwhile.
   */
  function heldBack(): boolean {
    const b = deps.backlog;
    const over = b ? b.over() : false;
    if (over === false) return false;
    if (over === null) void b!.refresh().then(schedule);
    const now = performance.now();
    let expired = 0;
    const shuttingDown = closing && over === true;
    while (expired < queue.length && (shuttingDown || now - queue[expired]!.since >= maxWaitMs)) expired++;
    for (const p of queue.splice(0, expired)) refuse(p, shuttingDown ? "Bridle is shutting down" : "Bridle's audit log is behind chaining events");
    let queued = over === true ? queue.reduce((n, p) => n + p.records.length, 0) : 0;
    while (queued > maxQueued && queue.length > 1) {
      const p = queue.pop()!;
      queued -= p.records.length;
      refuse(p, "Bridle's audit log is behind chaining events and holds as many waiting events as it will");
    }
    settled();
    recheck ??= setTimeout(() => {
      recheck = null;
      schedule();
    }, BACKLOG_RECHECK_MS);
    return true;
  }

  function flush() {
    scheduled = false;
    if (inFlight >= maxInFlight || queue.length === 0) return;
    if (heldBack()) return;
    const group = take();
    // The queue's head waits for the write that holds one of its ids; that write's end schedules again.
    if (group.length === 0) return;
    const records = group.flatMap((p) => p.records);
    for (const r of records) writing.add(eventKey(r));
    inFlight++;
    deps
      .write(records)
      .then(
        (stored) => {
          deps.backlog?.written(stored.size);
          // An event in two batches of the group (a retry that came while its first try waited) was
          // written once: it counts as written for the first batch only, a duplicate for the others.
          const claimed = new Set<string>();
          for (const p of group) {
            const mine = new Set<string>();
            for (const r of p.records) {
              const key = eventKey(r);
              if (stored.has(key) && !claimed.has(key)) {
                claimed.add(key);
                mine.add(r.id);
              }
            }
            p.resolve(mine);
          }
        },
        (err: unknown) => {
          for (const p of group) p.reject(err);
        },
      )
      .finally(() => {
        for (const r of records) writing.delete(eventKey(r));
        inFlight--;
        settled();
        schedule();
      });
    schedule();
  }

  return {
    /**
     * Resolves once the records are committed, with the set of event ids stored for this batch (a
     * record whose id is absent was stored before: a retry, or an earlier batch of the same write
     * held it). Rejects when the write failed (then none of them was stored).
     */
    append(records: EventRecord[]): Promise<ReadonlySet<string>> {
      if (records.length === 0) return Promise.resolve(new Set());
      return new Promise((resolve, reject) => {
        queue.push({ records, since: performance.now(), resolve, reject });
        schedule();
      });
    },
    /**
     * Shutdown: waits until every appended record is committed, or refused (503) when the audit
     * backlog holds it back (nothing would seal it any more).
     */
    drain(): Promise<void> {
      closing = true;
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      schedule();
      return new Promise<void>((resolve) => idle.push(resolve));
    },
    stats: () => ({ queued: queue.reduce((n, p) => n + p.records.length, 0), inFlight }),
  };
}
