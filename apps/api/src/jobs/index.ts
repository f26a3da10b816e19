import type { DbHandle } from "@bridle/db";
import type { FastifyBaseLogger } from "fastify";
import PgBoss from "pg-boss";
import { runAccessReviewJob } from "../modules/access-reviews/index.ts";
import { expireApprovalRequests } from "../modules/approvals/index.ts";

/** Queue names (pg-boss): one per background job. */
export const APPROVAL_EXPIRY_QUEUE = "approval-expiry";
export const ACCESS_REVIEW_QUEUE = "access-review";
/** The access review job (schedule, reminders, overdue pause) runs hourly: each step is idempotent, reminders go once each. */
const ACCESS_REVIEW_CRON = "7 * * * *";
const HOUR_MS = 3_600_000;

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

async function runReviews(database: DbHandle, log: JobsLog) {
  const r = await runAccessReviewJob(database.db, new Date());
  if (r.campaignStarted || r.remindedWeek || r.remindedDay || r.paused) log.info({ job: ACCESS_REVIEW_QUEUE, ...r }, "access review job ran");
}

/**
 * Starts the background jobs (DESIGN.md "Architecture": Postgres-backed queue, so several
 * replicas coordinate through the database). With PostgreSQL, pg-boss schedules
 * `approval-expiry` every minute (cron, one job per minute however many replicas run) on a
 * singleton queue, and any replica's worker runs it; `access-review` (the scheduled campaign,
 * reminders, the overdue pause) every hour the same way, and once at startup. Embedded PGlite has no connection string
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
    let reviewing: Promise<void> | null = null;
    const reviewTick = () => {
      if (reviewing) return;
      reviewing = runReviews(database, log)
        .catch((err: unknown) => log.error({ err, job: ACCESS_REVIEW_QUEUE }, "background job failed"))
        .finally(() => {
          reviewing = null;
        });
    };
    const reviewTimer = setInterval(reviewTick, HOUR_MS);
    reviewTimer.unref();
    reviewTick();
    return {
      kind: "interval",
      stop: async () => {
        clearInterval(timer);
        clearInterval(reviewTimer);
        await running;
        await reviewing;
      },
    };
  }

  const boss = new PgBoss({ connectionString: deps.databaseUrl, application_name: "bridle-jobs", max: 3 });
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  await boss.start();
  await boss.createQueue(APPROVAL_EXPIRY_QUEUE, { name: APPROVAL_EXPIRY_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 300 });
  await boss.schedule(APPROVAL_EXPIRY_QUEUE, "* * * * *", {}, { tz: "UTC" });
  await boss.work(APPROVAL_EXPIRY_QUEUE, { pollingIntervalSeconds: 2 }, async () => {
    await runExpiry(database, log);
  });
  await boss.createQueue(ACCESS_REVIEW_QUEUE, { name: ACCESS_REVIEW_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 900 });
  await boss.schedule(ACCESS_REVIEW_QUEUE, ACCESS_REVIEW_CRON, {}, { tz: "UTC" });
  await boss.work(ACCESS_REVIEW_QUEUE, { pollingIntervalSeconds: 5 }, async () => {
    await runReviews(database, log);
  });
  await boss.send(ACCESS_REVIEW_QUEUE, {});
  return {
    kind: "pg-boss",
    stop: async (timeoutMs = 10_000) => {
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs });
    },
  };
}
