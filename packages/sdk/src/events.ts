import { randomUUID } from "node:crypto";
import { RUNTIME_EVENTS_MAX_BATCH, ZRuntimeEventBatchResult, type TRuntimeEvent } from "@bridle/contracts";

export type EventReporterOptions = {
  /** Bridle's base URL. */
  baseUrl: string;
  /** The bot's runtime token (`brdl_bot_...`). */
  token: string;
  /** Events held at most; past this a new event is dropped and counted (default 10,000). */
  maxQueue?: number;
  /** Events per request, at most 1,000 (default 500). */
  batchSize?: number;
  /** A partial batch is sent after this long, in ms (default 1,000). */
  flushIntervalMs?: number;
  /**
   * First retry delay in ms (default 250); doubles per failed attempt up to `maxBackoffMs` (default
   * 30,000), with full jitter; never shorter than the answer's `Retry-After` (up to `maxBackoffMs`).
   */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** One request's time limit, in ms (default 10,000). */
  timeoutMs?: number;
  /** Told about each failed attempt (Bridle unreachable, 5xx) and each dropped batch. */
  onError?: (err: Error) => void;
};

export type EventReporterStats = {
  /** Waiting to be sent. */
  queued: number;
  /** Stored by Bridle (its `accepted`, duplicates of a retry included). */
  sent: number;
  /** Lost: the queue was full, Bridle refused them for good (invalid, 4xx), or `close` ran out of time. */
  dropped: number;
  /** Failed attempts that were retried. */
  retries: number;
};

export type EventReporter = {
  /**
   * Queues one event (an `id` is added when it has none, so a retried batch is stored once).
   * Returns false when the queue is full and the event was dropped (counted in `dropped`).
   */
  report: (event: TRuntimeEvent) => boolean;
  /** Sends what is queued now, retrying until it is stored or dropped for good. */
  flush: () => Promise<void>;
  /**
   * Stops the timer and sends everything queued, retrying until `timeoutMs` (default 10,000);
   * what is still queued then is counted as dropped. Nothing is lost on a clean shutdown while
   * Bridle answers within the time.
   */
  close: (opts?: { timeoutMs?: number }) => Promise<EventReporterStats>;
  stats: () => EventReporterStats;
};

class PermanentFailure extends Error {}
/** A failure worth another try; `afterMs`: Bridle's `Retry-After`, the least wait before it. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly afterMs: number,
  ) {
    super(message);
  }
}

/** `Retry-After` (RFC 9110: delay in seconds, or an HTTP date) in ms; 0 when absent or unreadable. */
function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

/**
 * Reports runtime events to `POST /api/v1/events?partial=true` in batches, in order (one request
 * in flight), from a bounded queue. Bridle unreachable, 408, 429 or 5xx: the batch is retried
 * with exponential backoff and full jitter, waiting at least what a `Retry-After` says (up to
 * `maxBackoffMs`); a batch Bridle refuses for good (other 4xx) is
 * dropped and counted, as are events it rejects one by one (`rejected`).
 */
export function createEventReporter(opts: EventReporterOptions): EventReporter {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/api/v1/events?partial=true`;
  const maxQueue = opts.maxQueue ?? 10_000;
  const batchSize = Math.min(opts.batchSize ?? 500, RUNTIME_EVENTS_MAX_BATCH);
  const flushIntervalMs = opts.flushIntervalMs ?? 1_000;
  const backoffMs = opts.backoffMs ?? 250;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const queue: TRuntimeEvent[] = [];
  const counts = { sent: 0, dropped: 0, retries: 0 };
  let draining: Promise<void> | null = null;
  let closed = false;
  let deadline = Infinity;
  let timer: NodeJS.Timeout | null = null;

  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, flushIntervalMs);
    timer.unref();
  };

  async function post(batch: TRuntimeEvent[]): Promise<void> {
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/json" },
        body: JSON.stringify({ events: batch }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new Error(`Bridle unreachable: ${(e as Error).message}`, { cause: e });
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.status === 200) {
      const result = ZRuntimeEventBatchResult.parse(body);
      counts.sent += result.accepted;
      counts.dropped += result.rejected.length;
      if (result.rejected.length) opts.onError?.(new Error(`Bridle rejected ${result.rejected.length} event(s): ${JSON.stringify(result.rejected.slice(0, 3))}`));
      return;
    }
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? "";
    if (res.status >= 500 || res.status === 408 || res.status === 429) throw new RetryLater(`Bridle answered ${res.status} ${message}`, retryAfterMs(res.headers.get("retry-after")));
    throw new PermanentFailure(`Bridle refused the batch (${res.status}): ${message}`);
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function drain(): Promise<void> {
    let attempt = 0;
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      try {
        await post(batch);
        queue.splice(0, batch.length);
        attempt = 0;
      } catch (e) {
        if (e instanceof PermanentFailure) {
          queue.splice(0, batch.length);
          counts.dropped += batch.length;
          opts.onError?.(e);
          continue;
        }
        opts.onError?.(e as Error);
        const backoff = Math.random() * Math.min(maxBackoffMs, backoffMs * 2 ** attempt++);
        // Bridle's Retry-After (a 503 while its audit sealer catches up, a 429) is the least wait, up
        // to maxBackoffMs, with jitter on top so runtimes refused together do not return together;
        // a longer backoff (the batch failed several times) still holds.
        const floor = Math.min(maxBackoffMs, e instanceof RetryLater ? e.afterMs : 0);
        const delay = floor > 0 ? Math.max(backoff, floor + Math.random() * backoffMs) : backoff;
        if (Date.now() + delay > deadline) {
          // close() ran out of time: wait out the deadline rather than send again at once, and end
          // it (a timer may fire a millisecond before Date.now() reaches the deadline).
          await sleep(Math.max(0, deadline - Date.now()));
          deadline = Math.min(deadline, Date.now());
          return;
        }
        counts.retries++;
        await sleep(delay);
      }
    }
  }

  function flush(): Promise<void> {
    if (!draining)
      draining = drain().finally(() => {
        draining = null;
        if (queue.length > 0 && !closed) schedule();
      });
    return draining;
  }

  return {
    report(event) {
      if (closed || queue.length >= maxQueue) {
        counts.dropped++;
        return false;
      }
      queue.push(event.id ? event : { ...event, id: randomUUID() });
      if (queue.length >= batchSize) void flush();
      else schedule();
      return true;
    },
    flush,
    async close(o = {}) {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      deadline = Date.now() + (o.timeoutMs ?? 10_000);
      await flush();
      while (queue.length > 0 && Date.now() < deadline) await flush();
      counts.dropped += queue.length;
      queue.length = 0;
      return this.stats();
    },
    stats: () => ({ queued: queue.length, ...counts }),
  };
}

/**
 * Sends a `heartbeat` event every `intervalMs` (default 60,000) through `reporter`: which runtime,
 * plugin and versions enforce this bot, from which gateway. Returns a function that stops it.
 */
export function startHeartbeats(
  reporter: EventReporter,
  info: { runtime: string; runtimeVersion?: string; plugin?: string; pluginVersion?: string; gateway?: string; intervalMs?: number },
): () => void {
  const { intervalMs = 60_000, ...fields } = info;
  const beat = () => reporter.report({ type: "heartbeat", time: new Date().toISOString(), ...fields });
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
