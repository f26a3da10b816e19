import type { DbHandle } from "@bridle/db";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Config } from "../../config.ts";
import { APPROVAL_CHANNEL } from "../../lib/approval-events.ts";
import { AppError } from "../../lib/errors.ts";
import { parseChangeNotice, POLICY_CHANNEL } from "../../lib/domain-events.ts";
import { loadSigningKeys, type DecisionSigner, type Jwks } from "../../lib/signing.ts";
import type { Authenticator } from "../../plugins/auth.ts";
import { botTokensRoutes, createBotTokensService } from "../bot-tokens/index.ts";
import { approvalWaitRoutes } from "./approval-wait.routes.ts";
import { createApprovalWaiters } from "./approval-waiters.ts";
import { botAuth } from "./bot-auth.ts";
import { createDecisionLog } from "./decision-log.ts";
import { insertDecisions, insertDecisionsPrepared } from "./decisions.repo.ts";
import { decisionsRoutes, jwksRoute } from "./decisions.routes.ts";
import { createDecisionsService } from "./decisions.service.ts";
import { createPgListener } from "./pg-listener.ts";
import { createSnapshotStore } from "./policy-snapshot.ts";

/** Without any notifications (PGlite lacking `listen`), the snapshot is rebuilt this often. */
const REBUILD_WITHOUT_LISTEN_MS = 2_000;

/**
 * Wiring of the runtime side: decision snapshot, group-commit decision log, signing keys, the
 * LISTEN connection, approval long-polls, and their lifecycle (started on `onReady`, after
 * migrations; drained on close).
 *
 * - `botTokenRoutes`: register inside the human `/api/v1` scope (requireAuth).
 * - `runtime`: register at the root; it adds the bot-token scope under `/api/v1` (`POST
 *   /decisions`, `GET /approval-requests/{id}`, and the `runtimeRoutes` other modules pass in,
 *   which read their caller with `callerOf`) and `GET /.well-known/jwks.json`.
 */
export function createDecisionsModule(deps: {
  config: Config;
  database: DbHandle;
  auth: Authenticator;
  log: FastifyBaseLogger;
  /** other modules' routes for bot runtimes (e.g. the instructions module's), served in the bot-token scope */
  runtimeRoutes?: readonly ((app: FastifyInstance) => Promise<void>)[];
}) {
  const { config, database, auth, log } = deps;
  const { db } = database;
  const snapshot = createSnapshotStore({ db, log });
  const pool = database.pool;
  let keys: { signer: DecisionSigner; jwks: Jwks } | null = null;
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new AppError("unavailable", "Decisions are not ready yet; try again");
    return v;
  };
  const decisionLog = createDecisionLog({
    write: pool ? (records, tokens) => insertDecisionsPrepared(pool, records, tokens) : (records, tokens) => db.transaction((tx) => insertDecisions(tx, records, tokens)),
    sign: (payloads) => ready(keys?.signer).signMany(payloads),
    // One flush at a time, the next batch gathering meanwhile: a commit costs PostgreSQL about
    // 0.3 ms of CPU whatever its size (most of it the WAL flush), so fewer, larger batches cost
    // less per decision (bench/decisions.ts); a decision waits for at most two commits.
    maxInFlight: 1,
  });
  const listener = createPgListener(database, log);
  const waiters = createApprovalWaiters({ db, pollMs: listener.mode === "postgres" ? 5_000 : 1_000, log });
  listener.on(POLICY_CHANNEL, (payload) => void snapshot.invalidate(parseChangeNotice(payload).bots));
  listener.on(APPROVAL_CHANNEL, (id) => waiters.wake(id));
  listener.onReconnect(() => {
    void snapshot.invalidate("all");
    waiters.wakeAll();
  });

  const decisions = createDecisionsService({ db, snapshot, log: decisionLog, signer: () => ready(keys?.signer), logger: log });
  let rebuildTimer: NodeJS.Timeout | null = null;

  return {
    botTokenRoutes: botTokensRoutes(createBotTokensService({ db, snapshot })),
    runtime: async (app: FastifyInstance) => {
      app.addHook("onReady", async () => {
        keys = await loadSigningKeys(db, {
          encryptionKey: config.BRIDLE_ENCRYPTION_KEY,
          log: (m) => log.info(m),
          onSignerError: (err) => log.error({ err }, "the decision signing thread failed; signing on the main thread"),
        });
        waiters.open();
        // Listen before the first load, so a change committed during the load is not missed.
        await listener.start();
        await snapshot.load();
        if (listener.mode === "none") {
          rebuildTimer = setInterval(() => void snapshot.invalidate("all"), REBUILD_WITHOUT_LISTEN_MS);
          rebuildTimer.unref();
        }
      });
      // Long-polls end at once on shutdown (with the request as it is) instead of holding it up.
      app.addHook("preClose", async () => waiters.close());
      app.addHook("onClose", async () => {
        if (rebuildTimer) clearInterval(rebuildTimer);
        await decisionLog.drain();
        await keys?.signer.close();
        snapshot.stop();
        await listener.stop();
      });
      await app.register(
        async (scope) => {
          botAuth(scope, { snapshot, auth });
          await scope.register(decisionsRoutes(decisions));
          await scope.register(approvalWaitRoutes({ db, waiters }));
          for (const routes of deps.runtimeRoutes ?? []) await scope.register(routes);
        },
        { prefix: "/api/v1" },
      );
      await app.register(jwksRoute(() => ready(keys?.jwks)));
    },
  };
}
