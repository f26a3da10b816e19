import type { DbHandle } from "@bridle/db";
import type { FastifyBaseLogger } from "fastify";
import PgBoss from "pg-boss";
import { expireApprovalRequests } from "../modules/approvals/index.ts";

/** Queue names (pg-boss): one per background job. */
export const APPROVAL_EXPIRY_QUEUE = "approval-expiry";
const QUEUES = [{ name: APPROVAL_EXPIRY_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 300 }] as const;

/**
 * The release step's part for the job queue (`pnpm db:migrate`, as the role that owns the
 * database): installs or upgrades pg-boss's schema (`pgboss`) and creates the queues, which is DDL.
 * A role that owns nothing can then run the jobs (README "Least-privilege database role"):
 * `startJobs` finds the schema current and the queues there, and only reads and writes rows.
 */
export async function installJobs(databaseUrl: string): Promise<void> {
  const boss = new PgBoss({ connectionString: databaseUrl, application_name: "bridle-migrate", supervise: false, schedule: false, max: 1 });
  await boss.start();
  try {
    for (const q of QUEUES) await boss.createQueue(q.name, q);
  } finally {
    await boss.stop({ graceful: false, wait: true, timeout: 1000 });
  }
}

export type JobsLog = Pick<FastifyBaseLogger, "info" | "error">;
export type Jobs = {
  /** "pg-boss" with PostgreSQL, "interval" with embedded PGlite */
  kind: "pg-boss" | "interval";
  /** Stops scheduling, lets a running job finish (up to `timeoutMs`), closes the queue's connections. */
  stop: (timeoutMs?: number) => Promise<void>;
};

async function runExpiry(database: DbHandle, log: JobsLog) {
  const ids = await expireApprovalRequests(database.db, new Date());
  if (ids.length) log.info({ job: APPROVAL_EXPIRY_QUEUE, expired: ids.length }, "approval requests expired");
}

/**
 * Starts the background jobs (DESIGN.md "Architecture": Postgres-backed queue, so several
 * replicas coordinate through the database). With PostgreSQL, pg-boss schedules
 * `approval-expiry` every minute (cron, one job per minute however many replicas run) on a
 * singleton queue, and any replica's worker runs it. Embedded PGlite has no connection string
 * for pg-boss and only ever one process, so the same function runs on a timer in the process.
 * Called from server.ts (not buildApp), so tests drive the job functions directly.
 */
export async function startJobs(deps: { database: DbHandle; databaseUrl?: string | undefined; log: JobsLog; intervalMs?: number }): Promise<Jobs> {
  const { database, log } = deps;
  if (database.kind === "pglite" || !deps.databaseUrl) {
    let running: Promise<void> | null = null;
    const tick = () => {
      if (running) return;
      running = runExpiry(database, log)
        .catch((err: unknown) => log.error({ err, job: APPROVAL_EXPIRY_QUEUE }, "background job failed"))
        .finally(() => {
          running = null;
        });
    };
    const timer = setInterval(tick, deps.intervalMs ?? 60_000);
    timer.unref();
    tick();
    return {
      kind: "interval",
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }

  const boss = new PgBoss({ connectionString: deps.databaseUrl, application_name: "bridle-jobs", max: 3 });
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  await boss.start();
  for (const q of QUEUES) await boss.createQueue(q.name, q);
  await boss.schedule(APPROVAL_EXPIRY_QUEUE, "* * * * *", {}, { tz: "UTC" });
  await boss.work(APPROVAL_EXPIRY_QUEUE, { pollingIntervalSeconds: 2 }, async () => {
    await runExpiry(database, log);
  });
  return {
    kind: "pg-boss",
    stop: async (timeoutMs = 10_000) => {
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },
  };
}
