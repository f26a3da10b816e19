import type { DbOrTx } from "@bridle/db";
import { unsealedEstimate } from "./audit.chain.repo.ts";

export type SealBacklog = {
  /**
   * Whether more than `maxUnsealed` audit events wait to be chained: false (always, when
   * `maxUnsealed` is 0), true (only on a database reading sent after the caller's last write), or
   * null when that needs a new reading (call `refresh` and ask again).
   */
  over: () => boolean | null;
  /** Takes a new reading (one at a time: callers meanwhile share it). */
  refresh: () => Promise<void>;
  /** The caller stored `events` audit events: counted on top of the last reading until a reading sent after it. */
  written: (events: number) => void;
};

/**
 * How far the audit sealer is behind the writers, for a bulk writer that should wait rather than
 * outrun it (the events module's group commit): written faster than it is sealed, the log would
 * hold ever more events that no chain covers yet, which are only as safe as the database
 * (docs/AUDIT.md). The figure is the last reading of the database (`unsealedEstimate`, one small
 * query) plus what the caller wrote since: the sealer only lowers it, so while it stays under the
 * bound writes go on without waiting for a query, and a new reading is taken in the background
 * once the last is `refreshMs / 2` old (default 100 ms); only a reading older than `refreshMs`,
 * or a figure over the bound, makes the caller wait for one, and only a reading sent after the
 * caller's last write holds a write back. Other replicas' writes since the last reading are not
 * counted. A reading that fails or takes longer than `timeoutMs` (default 1 s) counts as 0 (the
 * hold is a brake, not a safeguard: the write itself meets a database that does not answer), and
 * is told to `onError` at most once a minute; no new query starts while a late one still runs.
 */
export function createSealBacklog(o: { db: DbOrTx; maxUnsealed: number; refreshMs?: number; timeoutMs?: number; onError?: (err: unknown) => void }): SealBacklog {
  const refreshMs = o.refreshMs ?? 100;
  const timeoutMs = o.timeoutMs ?? 1000;
  let read = 0;
  /** Events written by the caller since the last reading was sent. */
  let since = 0;
  /** When the last reading's answer came (its age), and when its query was sent (what it counts). */
  let answeredAt = -Infinity;
  let sentAt = -Infinity;
  let writtenAt = -Infinity;
  let reading: Promise<void> | null = null;
  /** A query that outlived its timeout and still runs. */
  let late = false;
  let toldAt = -Infinity;
  const tell = (err: unknown) => {
    if (performance.now() - toldAt < 60_000) return;
    toldAt = performance.now();
    o.onError?.(err);
  };

  function refresh(): Promise<void> {
    if (reading) return reading;
    const sent = performance.now();
    const counted = since;
    const answer = (n: number) => {
      read = n;
      since -= counted;
      sentAt = sent;
      answeredAt = performance.now();
    };
    if (late) {
      // Do not pile another query on a pool that is already slow: count 0 until the late one ends.
      answer(0);
      return Promise.resolve();
    }
    let timer: NodeJS.Timeout | undefined;
    const query = unsealedEstimate(o.db).catch((err: unknown) => {
      tell(err);
      return 0;
    });
    const timeout = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), timeoutMs)));
    reading = Promise.race([query, timeout]).then((n) => {
      clearTimeout(timer);
      if (n < 0) {
        late = true;
        tell(new Error(`reading the audit backlog took more than ${timeoutMs} ms`));
        void query.finally(() => {
          late = false;
        });
      }
      answer(Math.max(n, 0));
      reading = null;
    });
    return reading;
  }

  return {
    over() {
      if (o.maxUnsealed <= 0) return false;
      const age = performance.now() - answeredAt;
      if (age >= refreshMs) return null;
      if (read + since > o.maxUnsealed) return writtenAt < sentAt ? true : null;
      if (age >= refreshMs / 2) void refresh();
      return false;
    },
    refresh,
    written(events: number) {
      since += events;
      writtenAt = performance.now();
    },
  };
}
