import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { DbHandle } from "@bridle/db";
import { sql } from "drizzle-orm";
import { recordAuditBatch, SYSTEM_ACTOR } from "../audit/index.ts";

/** What the tests compare with: the audit chain in order, as (position, event id). */
export async function chainOrder(database: DbHandle): Promise<{ position: number; id: string }[]> {
  const r = await database.db.execute(sql`select position::text as position, event_id::text as id from audit_chain order by audit_chain.position`);
  const rows = ((r as { rows?: { position: string; id: string }[] }).rows ?? (r as unknown as { position: string; id: string }[]));
  return rows.map((x) => ({ position: Number(x.position), id: x.id }));
}

/** Writes `n` audit events (as Bridle's own `notification.test` events), in one transaction. */
export async function writeEvents(database: DbHandle, n: number, tag: string) {
  await database.db.transaction((tx) =>
    recordAuditBatch(
      tx,
      Array.from({ length: n }, (_, i) => ({
        actor: SYSTEM_ACTOR,
        action: "notification.test" as const,
        resourceType: "siem_test",
        resourceId: `${tag}-${i}`,
        outcome: "success" as const,
        requestId: null,
        details: { recipients: i },
      })),
    ),
  );
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Checks what a receiver got against the chain: with duplicates removed (a redelivered batch),
 * exactly every position 1..head, in chain order, each with its event id; and nothing out of
 * order beyond a re-sent batch (every position is at most one past the highest seen before, or a
 * repeat). Returns how many lines were duplicates.
 */
export function compareWithChain(received: { position: number; id: string }[], chain: { position: number; id: string }[]) {
  const firstSeen = new Map<number, string>();
  let highest = 0;
  for (const r of received) {
    if (r.position > highest + 1) throw new Error(`position ${r.position} arrived after ${highest}: a gap`);
    if (r.position === highest + 1) highest = r.position;
    if (!firstSeen.has(r.position)) firstSeen.set(r.position, r.id);
    else if (firstSeen.get(r.position) !== r.id) throw new Error(`position ${r.position} arrived with two event ids`);
  }
  const got = [...firstSeen.entries()].sort((a, b) => a[0] - b[0]).map(([position, id]) => ({ position, id }));
  return { got, expected: chain, duplicates: received.length - firstSeen.size, inOrder: got.length === firstSeen.size };
}

/**
 * A Splunk-HEC-compatible collector on 127.0.0.1 (a real node:http server): checks the token, keeps
 * every NDJSON line of every batch it answered 2xx. `stop()` closes it (open connections cut);
 * `start()` listens again on the same port; `holdNext()` keeps the next request unanswered
 * (recorded as received, also in `unacknowledged`, but not answered) until `release()`.
 */
export async function startHecReceiver(token: string, port = 0) {
  const lines: string[] = [];
  const unacknowledged: string[] = [];
  const authorizations: string[] = [];
  let hold = false;
  let held: (() => void) | null = null;
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  let boundPort = port;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      authorizations.push(req.headers.authorization ?? "");
      if (req.url !== "/services/collector/event" || req.method !== "POST") return res.writeHead(404).end();
      if (req.headers.authorization !== `Splunk ${token}`) return res.writeHead(403, { "content-type": "application/json" }).end('{"text":"Invalid token","code":4}');
      const batch = Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean);
      if (hold) {
        hold = false;
        // a real collector would have indexed it already: it counts as received, only the answer is lost
        lines.push(...batch);
        unacknowledged.push(...batch);
        held = () => res.writeHead(200).end('{"text":"Success","code":0}');
        return;
      }
      lines.push(...batch);
      res.writeHead(200, { "content-type": "application/json" }).end('{"text":"Success","code":0}');
    });
  };
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(handler);
      server.on("connection", (s: Socket) => {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
      });
      server.once("error", reject);
      server.listen(boundPort, "127.0.0.1", () => {
        boundPort = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await start();
  return {
    get url() {
      return `http://127.0.0.1:${boundPort}/services/collector/event`;
    },
    lines,
    unacknowledged,
    authorizations,
    start,
    stop,
    holdNext: () => {
      hold = true;
    },
    isHolding: () => held !== null,
    release: () => {
      held?.();
      held = null;
    },
  };
}

/** How many audit events are stored now (sealed or not yet). */
export async function auditCount(database: DbHandle): Promise<number> {
  const r = await database.db.execute(sql`select count(*)::int as n from audit_events`);
  const rows = ((r as { rows?: { n: number }[] }).rows ?? (r as unknown as { n: number }[]));
  return Number(rows[0]?.n ?? 0);
}
