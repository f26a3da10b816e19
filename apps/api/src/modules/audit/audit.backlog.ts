import type { DbOrTx } from "@bridle/db";
import { unsealedEstimate } from "./audit.chain.repo.ts";

export type SealBacklog = {
  /**
   * Whether more than `maxUnsealed` audit events wait to be chained: false (always, when
   * `maxUnsealed` is 0), true (only on a database reading with nothing written since), or null
   * when that needs a new reading (call `refresh` and ask again).
   */
  over: () => boolean | null;
  /** Takes a new reading (one at a time: callers meanwhile share it). */
  refresh: () => Promise<void>;
  /** The caller stored `events` audit events: counted on top of the last reading until the next one. */
  written: (events: number) => void;
};

/**
 * How far the audit sealer is behind the writers, for a bulk writer that should wait rather than
 * outrun it (the events module's group commit): written faster than it is sealed, the log would
 * hold ever more events that no chain covers yet, which are only as safe as the database
 * (docs/AUDIT.md). The figure is the last reading of the database (`unsealedEstimate`, one small
 * query) plus what the caller wrote since: the sealer only lowers it, so a reading at most
 * `refreshMs` old (default 100 ms) that stays under the bound lets a write go without a query,
 * and only a reading taken after the caller's last write can hold one back. Other replicas' writes
 * since the last reading are not counted. A reading that fails or takes longer than `timeoutMs`
 * (default 1 s) counts as 0 (the hold is a brake, not a safeguard: the write itself meets a
 * database that does not answer).
 */
export function createSealBacklog(o: { db: DbOrTx; maxUnsealed: number; refreshMs?: number; timeoutMs?: number }): SealBacklog {
  const refreshMs = o.refreshMs ?? 100;
  const timeoutMs = o.timeoutMs ?? 1000;
  let read = 0;
  let since = 0;
  /** When the last reading's answer came (its age), and when its query was sent (what it counts). */
  let answeredAt = -Infinity;
  let sentAt = -Infinity;
  let writtenAt = -Infinity;
  let reading: Promise<void> | null = null;
  return {
    over() {
      if (o.maxUnsealed <= 0) return false;
      if (performance.now() - answeredAt >= refreshMs) return null;
      if (read + since <= o.maxUnsealed) return false;
      return writtenAt < sentAt ? true : null;
    },
    refresh() {
      if (reading) return reading;
      const sent = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), timeoutMs)));
      reading = Promise.race([unsealedEstimate(o.db).catch(() => 0), late]).then((n) => {
        clearTimeout(timer);
        read = n;
        // What was written after the query was sent may be missing from it: keep counting that.
        if (writtenAt < sent) since = 0;
        sentAt = sent;
        answeredAt = performance.now();
        reading = null;
      });
      return reading;
    },
    written(events: number) {
      since += events;
      writtenAt = performance.now();
    },
  };
}
