import type { DbOrTx } from "@bridle/db";
import { unsealedEstimate } from "./audit.chain.repo.ts";

export type SealBacklog = {
  /**
   * True while more than `maxUnsealed` audit events wait to be chained; null when there is no
   * reading younger than `refreshMs`, or since `written` (call `refresh` and ask again). Always
   * false when `maxUnsealed` is 0.
   */
  over: () => boolean | null;
  /** Takes a new reading (one at a time: callers meanwhile share it). A failed reading keeps the last one. */
  refresh: () => Promise<void>;
  /** The caller wrote audit events: the last reading no longer counts them. */
  written: () => void;
  /** The last reading: events not yet chained (an estimate, `unsealedEstimate`). */
  unsealed: () => number;
};

/**
 * How far the audit sealer is behind the writers, for a bulk writer that should wait rather than
 * outrun it (the events module's group commit): written faster than it is sealed, the log would
 * hold ever more events that no chain covers yet, which are only as safe as the database
 * (docs/AUDIT.md). One small query per reading (`unsealedEstimate`): at most one per write of
 * the caller's, and one every `refreshMs` (default 100 ms) while it waits.
 */
export function createSealBacklog(o: { db: DbOrTx; maxUnsealed: number; refreshMs?: number }): SealBacklog {
  const refreshMs = o.refreshMs ?? 100;
  let value = 0;
  /** When the last reading's query was sent: a write that ended after it is not counted in it. */
  let readAt = -Infinity;
  let writtenAt = -Infinity;
  let reading: Promise<void> | null = null;
  return {
    over() {
      if (o.maxUnsealed <= 0) return false;
      if (readAt <= writtenAt || performance.now() - readAt >= refreshMs) return null;
      return value > o.maxUnsealed;
    },
    refresh() {
      if (reading) return reading;
      const sent = performance.now();
      reading = unsealedEstimate(o.db)
        .then(
          (n) => {
            value = n;
          },
          () => {},
        )
        .finally(() => {
          readAt = sent;
          reading = null;
        });
      return reading;
    },
    written() {
      writtenAt = performance.now();
    },
    unsealed: () => value,
  };
}
