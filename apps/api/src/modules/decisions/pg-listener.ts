import type { DbHandle } from "@bridle/db";
import type pg from "pg";

type Handler = (payload: string) => void;

export type PgListener = {
  /** how notifications arrive: a held Postgres connection, PGlite's in-process `listen`, or not at all */
  readonly mode: "postgres" | "pglite" | "none";
  on: (channel: string, handler: Handler) => void;
  /** called after a reconnect, when notifications may have been missed */
  onReconnect: (handler: () => void) => void;
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

const RECONNECT_MS = 1_000;
const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

type PgliteLike = { listen: (channel: string, cb: (payload: string) => void) => Promise<() => Promise<void>> };

/**
 * LISTEN on a few channels for the whole process. On PostgreSQL one connection is taken from
 * `database.pool` and held for LISTEN (a pooled connection would lose its LISTEN when returned);
 * when it breaks it is replaced after a second and `onReconnect` handlers run, since notifications
 * sent meanwhile are lost. On PGlite its own `listen` API is used (one process, one database).
 */
export function createPgListener(database: DbHandle, log: { warn: (obj: object, msg: string) => void }): PgListener {
  const handlers = new Map<string, Handler[]>();
  const reconnectHandlers: (() => void)[] = [];
  const dispatch = (channel: string, payload: string) => {
    for (const h of handlers.get(channel) ?? []) {
      try {
        h(payload);
      } catch (err) {
        log.warn({ err, channel }, "notification handler failed");
      }
    }
  };
  let stopped = false;
  let client: pg.PoolClient | null = null;
  let timer: NodeJS.Timeout | null = null;
  const unlisteners: (() => Promise<void>)[] = [];
  const pglite = database.kind === "pglite" ? ((database.db as unknown as { $client?: PgliteLike }).$client ?? null) : null;
  const mode: PgListener["mode"] = database.pool ? "postgres" : pglite && typeof pglite.listen === "function" ? "pglite" : "none";

  async function connect(isReconnect: boolean): Promise<void> {
    const pool = database.pool!;
    const c = await pool.connect();
    let released = false;
    const drop = (err: Error) => {
      if (released) return;
      released = true;
      if (client === c) client = null;
      c.release(err);
      if (stopped) return;
      log.warn({ err }, "LISTEN connection lost; reconnecting");
      scheduleReconnect();
    };
    c.on("error", drop);
    c.on("end", () => drop(new Error("connection ended")));
    c.on("notification", (msg) => dispatch(msg.channel, msg.payload ?? ""));
    try {
      for (const channel of handlers.keys()) await c.query(`listen ${quoteIdent(channel)}`);
    } catch (err) {
      drop(err as Error);
      throw err;
    }
    client = c;
    if (isReconnect) for (const h of reconnectHandlers) h();
  }

  function scheduleReconnect() {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      connect(true).catch(() => scheduleReconnect());
    }, RECONNECT_MS);
    timer.unref();
  }

  return {
    mode,
    on: (channel, handler) => {
      const list = handlers.get(channel) ?? [];
      list.push(handler);
      handlers.set(channel, list);
    },
    onReconnect: (h) => void reconnectHandlers.push(h),
    start: async () => {
      stopped = false;
      if (mode === "postgres") await connect(false);
      else if (mode === "pglite")
        for (const channel of handlers.keys()) unlisteners.push(await pglite!.listen(channel, (payload) => dispatch(channel, payload)));
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const c = client;
      client = null;
      if (c) {
        // Destroy rather than return it: a pooled connection must not keep listening.
        c.removeAllListeners("notification");
        c.removeAllListeners("end");
        c.removeAllListeners("error");
        c.on("error", () => {});
        c.release(true);
      }
      for (const u of unlisteners.splice(0)) await u().catch(() => {});
    },
  };
}
