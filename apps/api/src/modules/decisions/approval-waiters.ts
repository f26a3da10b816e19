import type { Db } from "@bridle/db";
import { settledAmong } from "../approvals/index.ts";

export type ApprovalWaiters = ReturnType<typeof createApprovalWaiters>;

/**
 * Long-polls waiting for approval requests to leave `pending`. Woken by APPROVAL_CHANNEL
 * notifications (`wake(id)`), and by a poll every `pollMs` of all waited-on ids in one query: the
 * only signal on PGlite without `listen`, and on PostgreSQL a safety net for notifications lost
 * while the LISTEN connection was down, or for a status change whose writer did not notify
 * (also catches requests passing their expiry).
 */
export function createApprovalWaiters(deps: { db: Db; pollMs: number; log: { warn: (obj: object, msg: string) => void } }) {
  const waiting = new Map<string, Set<() => void>>();
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let closed = false;

  function wake(id: string) {
    const set = waiting.get(id);
    if (!set) return;
    waiting.delete(id);
    for (const f of set) f();
  }
  const wakeAll = () => {
    for (const id of [...waiting.keys()]) wake(id);
  };

  async function poll() {
    if (polling || waiting.size === 0) return;
    polling = true;
    try {
      for (const id of await settledAmong(deps.db, [...waiting.keys()])) wake(id);
    } catch (err) {
      deps.log.warn({ err }, "approval wait poll failed");
    } finally {
      polling = false;
    }
  }

  function ensureTimer() {
    if (timer || closed) return;
    timer = setInterval(() => {
      if (waiting.size === 0) {
        clearInterval(timer!);
        timer = null;
        return;
      }
      void poll();
    }, deps.pollMs);
    timer.unref();
  }

  return {
    wake,
    wakeAll,
    /**
     * Starts waiting for request `id` BEFORE the caller re-reads its status (so a change in
     * between is not missed). `wait(ms)` resolves on a wake-up, after `ms`, on `cancel()`, or when
     * the server closes; it never rejects.
     */
    subscribe(id: string) {
      let done = false;
      let resolveWait: () => void = () => {};
      const settled = new Promise<void>((r) => (resolveWait = r));
      const fire = () => {
        if (done) return;
        done = true;
        resolveWait();
      };
      if (closed) fire();
      else {
        const set = waiting.get(id) ?? new Set();
        set.add(fire);
        waiting.set(id, set);
        ensureTimer();
      }
      const cancel = () => {
        const set = waiting.get(id);
        set?.delete(fire);
        if (set?.size === 0) waiting.delete(id);
        fire();
      };
      return {
        cancel,
        wait: async (ms: number) => {
          const t = setTimeout(cancel, Math.max(0, ms));
          try {
            await settled;
          } finally {
            clearTimeout(t);
            cancel();
          }
        },
      };
    },
    /** Ends every wait (server shutdown) and stops polling. */
    close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = null;
      wakeAll();
    },
    open() {
      closed = false;
    },
    size: () => waiting.size,
  };
}
