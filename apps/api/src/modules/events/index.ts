import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { runtimeEventsStored } from "../../lib/metrics.ts";
import { hasPgCode } from "../../lib/sql.ts";
import { createSealBacklog } from "../audit/index.ts";
import { createEventLog } from "./event-log.ts";
import { prepareEvents, storeEvents } from "./events.repo.ts";
import { eventsRoutes, eventsRuntimeRoutes } from "./events.routes.ts";
import { createEventsService } from "./events.service.ts";

/** SQLSTATE deadlock_detected. */
const DEADLOCK_DETECTED = "40P01";
/** Tries of one group write that PostgreSQL picks as a deadlock's victim before its batches get a 500. */
const DEADLOCK_ATTEMPTS = 3;

/**
 * The events module's door: runtime events (what a bot's runtime reports it did), stored as audit
 * events of the bot (`runtime.<type>`, through the audit module's writer), and the tables it owns:
 * `runtime_sessions` (one summary row per bot and session id), `bot_runtimes` (per bot and
 * gateway, from heartbeats) and `runtime_gaps` (the first enforcement gap of each kind per session,
 * alerted once to the bot's owner and security through the notifications module). When a bot's
 * runtime status changes or a gap is new it emits `bot.runtime_changed` (findings `runtime_silent`,
 * `enforcement_gap`; runtime-status.ts).
 * - routes: `.runtimeRoutes` for the decisions module's runtime scope (`POST /events`, bot token),
 *   `.routes` for the human `/api/v1` scope (a bot's sessions, one session's story, its runtime
 *   status `GET /bots/{id}/runtime`);
 * - `.drain()` waits for batches being written (shutdown); no commands for other modules yet.
 *
 * Writes wait while more than `maxUnsealed` audit events wait to be chained
 * (BRIDLE_AUDIT_MAX_UNSEALED_EVENTS; event-log.ts).
 */
export function createEventsModule(deps: { db: Db; maxUnsealed: number; log?: { warn: (o: object, m: string) => void } }): {
  routes: (app: FastifyInstance) => Promise<void>;
  runtimeRoutes: (app: FastifyInstance) => Promise<void>;
  drain: () => Promise<void>;
} {
  const log = createEventLog({
    backlog: createSealBacklog({
      db: deps.db,
      maxUnsealed: deps.maxUnsealed,
      onError: (err) => deps.log?.warn({ err }, "could not read how far the audit sealer is behind; runtime events do not wait for it meanwhile"),
    }),
    write: async (records) => {
      const prepared = await prepareEvents(records);
      for (let attempt = 1; ; attempt++) {
        try {
          const stored = await storeEvents(deps.db, prepared);
          runtimeEventsStored.inc(stored.size);
          return stored;
        } catch (e) {
          // PostgreSQL broke a deadlock by rolling this write back whole (nothing of it is stored):
          // written again, it skips what another write stored meanwhile. Event writes lock in one
          // order among themselves; the cycle is with a writer that changes a bot row and then waits
          // for the findings lock, which an event write's findings recompute holds (storeEvents).
          if (attempt >= DEADLOCK_ATTEMPTS || !hasPgCode(e, DEADLOCK_DETECTED)) throw e;
        }
      }
    },
  });
  const svc = createEventsService({ db: deps.db, log });
  return { routes: eventsRoutes(svc), runtimeRoutes: eventsRuntimeRoutes(svc), drain: () => log.drain() };
}
