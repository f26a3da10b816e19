import { hostname as machineName } from "node:os";
import type { Db, DbHandle } from "@bridle/db";
import type { Config } from "../../config.ts";
import { decryptSecret } from "../../lib/secret-box.ts";
import { sealedAfter, type SealedEvent } from "../audit/index.ts";
import { hecLine, octetFrame, syslogMessage } from "./siem.format.ts";
import * as repo from "./siem.repo.ts";
import { DeliveryError, sendHttp, sendSyslog } from "./siem.transport.ts";

/** Bound to the HEC token's ciphertext (AES-GCM additional data). */
export const TOKEN_PURPOSE = "siem_destinations.token";

export type SiemConfig = Pick<
  Config,
  | "BRIDLE_SIEM_INTERVAL_MS"
  | "BRIDLE_SIEM_BATCH"
  | "BRIDLE_SIEM_RETRY_BASE_MS"
  | "BRIDLE_SIEM_RETRY_MAX_MS"
  | "BRIDLE_SIEM_TIMEOUT_MS"
  | "BRIDLE_SIEM_HOSTNAME"
  | "BRIDLE_PUBLIC_URL"
  | "BRIDLE_ENCRYPTION_KEY"
>;

type Log = { error: (o: object, m: string) => void; warn: (o: object, m: string) => void };

/** The host name events carry. */
export const siemHostname = (c: SiemConfig) =>
  c.BRIDLE_SIEM_HOSTNAME ?? (c.BRIDLE_PUBLIC_URL ? new URL(c.BRIDLE_PUBLIC_URL).hostname : machineName()) ?? "bridle";

/** Wait after the n-th failure in a row: base * 2^(n-1), capped, then a random 50..100 % of it (jitter, so replicas and destinations spread out). */
export function backoffMs(failures: number, base: number, max: number, random = Math.random): number {
  const full = Math.min(max, base * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(full * (0.5 + random() * 0.5));
}

/** Sends `batch` to the destination; resolves when its receiver took all of it. */
export async function sendBatch(dest: repo.DestinationRow, batch: SealedEvent[], c: SiemConfig, signal?: AbortSignal): Promise<void> {
  const tls = { ca: dest.tlsCaPem, verify: dest.tlsVerify };
  const host = siemHostname(c);
  if (dest.kind === "syslog") {
    const frames = batch.map((s) => octetFrame(syslogMessage(s, host)));
    return sendSyslog(dest.endpoint, tls, frames, { timeoutMs: c.BRIDLE_SIEM_TIMEOUT_MS, signal });
  }
  const token = readToken(dest, c);
  return sendHttp(dest.endpoint, token, tls, batch.map((s) => hecLine(s, host)).join("\n") + "\n", { timeoutMs: c.BRIDLE_SIEM_TIMEOUT_MS, signal });
}

export function readToken(dest: Pick<repo.DestinationRow, "tokenEnc">, c: Pick<SiemConfig, "BRIDLE_ENCRYPTION_KEY">): string {
  if (!dest.tokenEnc) throw new DeliveryError("no HEC token is stored for this destination");
  if (!c.BRIDLE_ENCRYPTION_KEY) throw new DeliveryError("the HEC token is stored encrypted and BRIDLE_ENCRYPTION_KEY is not set");
  try {
    return decryptSecret(c.BRIDLE_ENCRYPTION_KEY, dest.tokenEnc, TOKEN_PURPOSE);
  } catch (err) {
    throw new DeliveryError(`the HEC token cannot be read: ${(err as Error).message}`);
  }
}

export type SiemDeliverer = {
  /** Delivers what is due now for every enabled destination, until each is caught up or fails once. */
  runOnce: () => Promise<{ delivered: number; failed: number }>;
  start: () => void;
  /** Stops the timer and aborts a batch in flight (its cursor does not move: it is sent again later). */
  stop: () => Promise<void>;
};

/**
 * The delivery loop (README "Streaming to the SIEM"). Per destination, one deliverer across every
 * replica: a session advisory lock on the destination, held on one connection while it works.
 * It reads at most one batch after the cursor, sends it, and moves the cursor only once the
 * receiver took it; then the next batch (backpressure: never more than one batch read ahead of
 * what was confirmed). A failure records the error and a next attempt time (exponential backoff
 * with jitter), kept in the table so a restart or another replica keeps to it.
 */
export function createSiemDeliverer(deps: { database: DbHandle; config: SiemConfig; log: Log }): SiemDeliverer {
  const { database, config, log } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopping = false;
  const inFlight = new Set<AbortController>();
  /** batch size per destination after a 413 (halved each time, back to full after a success) */
  const shrunk = new Map<string, number>();

  async function deliver(conn: Db, id: string): Promise<{ delivered: number; failed: boolean }> {
    let delivered = 0;
    while (!stopping) {
      const dest = await repo.get(conn, id);
      if (!dest || !dest.enabled) break;
      const size = shrunk.get(id) ?? config.BRIDLE_SIEM_BATCH;
      const batch = await sealedAfter(conn, dest.position, size);
      if (!batch.length) break;
      const ctl = new AbortController();
      inFlight.add(ctl);
      try {
        await sendBatch(dest, batch, config, ctl.signal);
      } catch (err) {
        const message = err instanceof DeliveryError ? err.message : `delivery failed: ${(err as Error).message}`;
        if (err instanceof DeliveryError && err.tooLarge && size > 1) shrunk.set(id, Math.max(1, Math.floor(size / 2)));
        if (stopping) return { delivered, failed: false };
        const wait = backoffMs(dest.failures + 1, config.BRIDLE_SIEM_RETRY_BASE_MS, config.BRIDLE_SIEM_RETRY_MAX_MS);
        await repo.failed(conn, id, { error: message, nextAttemptAt: new Date(Date.now() + wait) });
        log.warn({ destination: dest.name, err: message, retryInMs: wait }, "SIEM delivery failed; will retry");
        return { delivered, failed: true };
      } finally {
        inFlight.delete(ctl);
      }
      const last = batch.at(-1)!;
      if (!(await repo.advance(conn, id, { from: dest.position, to: last.position, count: batch.length, lastEventAt: last.event.at }))) break;
      delivered += batch.length;
      if (shrunk.has(id) && size < config.BRIDLE_SIEM_BATCH) shrunk.set(id, Math.min(config.BRIDLE_SIEM_BATCH, size * 2));
      if (batch.length < size) break;
    }
    return { delivered, failed: false };
  }

  /** destinations being delivered by this process now (each on its own, so a slow receiver holds up no other) */
  const busy = new Map<string, Promise<{ delivered: number; failed: boolean }>>();

  function deliverOne(id: string) {
    const current = busy.get(id);
    if (current) return current;
    const p = database
      .withConnection(async (conn) => {
        if (!(await repo.tryLock(conn, id))) return { delivered: 0, failed: false };
        try {
          return await deliver(conn, id);
        } finally {
          await repo.unlock(conn, id);
        }
      })
      .finally(() => busy.delete(id));
    busy.set(id, p);
    return p;
  }

  async function runOnce() {
    const due = await repo.due(database.db, new Date());
    const results = await Promise.all(due.map(({ id }) => deliverOne(id)));
    return { delivered: results.reduce((n, r) => n + r.delivered, 0), failed: results.filter((r) => r.failed).length };
  }

  return {
    runOnce,
    start() {
      if (timer || config.BRIDLE_SIEM_INTERVAL_MS <= 0) return;
      stopping = false;
      timer = setInterval(() => {
        if (running) return;
        // Reads which destinations are due, starts those not already under way, and does not wait for them.
        running = repo
          .due(database.db, new Date())
          .then((due) => {
            for (const { id } of due) deliverOne(id).catch((err: unknown) => log.error({ err }, "SIEM delivery failed"));
          })
          .catch((err: unknown) => log.error({ err }, "SIEM delivery loop failed"))
          .finally(() => {
            running = null;
          });
      }, config.BRIDLE_SIEM_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = null;
      for (const c of inFlight) c.abort();
      await running;
      await Promise.allSettled([...busy.values()]);
    },
  };
}
