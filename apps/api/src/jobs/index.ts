import type { DbHandle } from "@bridle/db";
import type { FastifyBaseLogger } from "fastify";
import PgBoss from "pg-boss";
import type { Config } from "../config.ts";
import { runAccessReviewJob } from "../modules/access-reviews/index.ts";
import { expireApprovalRequests } from "../modules/approvals/index.ts";
import { createNotificationDelivery } from "../modules/notifications/index.ts";

/** Queue names (pg-boss): one per background job. */
export const APPROVAL_EXPIRY_QUEUE = "approval-expiry";
export const ACCESS_REVIEW_QUEUE = "access-review";
/** The access review job (schedule, reminders, overdue pause) runs hourly: each step is idempotent, reminders go once each. */
const ACCESS_REVIEW_CRON = "7 * * * *";
const HOUR_MS = 3_600_000;
const QUEUES = [
  { name: APPROVAL_EXPIRY_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
  { name: ACCESS_REVIEW_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 900 },
] as const;

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

/** How often each replica's notification worker looks at the outbox (ms). */
export const NOTIFICATION_POLL_MS = 2_000;

export type JobsLog = Pick<FastifyBaseLogger, "info" | "warn" | "error">;
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
 *
 * The notification worker (modules/notifications) runs on every replica, in both modes: it polls
 * the outbox table every NOTIFICATION_POLL_MS and claims rows with SKIP LOCKED, so replicas share
 * the work without a queue of their own; the outbox rows, written in the transaction that
 * notified, are what makes delivery durable. (pg-boss's cron runs at most once a minute, too
 * slow for "delivered within seconds after commit".)
 */
export async function startJobs(deps: {
  database: DbHandle;
  databaseUrl?: string | undefined;
  log: JobsLog;
  intervalMs?: number;
  config: Pick<Config, "BRIDLE_SMTP_URL" | "BRIDLE_MAIL_FROM" | "BRIDLE_PUBLIC_URL" | "BRIDLE_ENCRYPTION_KEY">;
}): Promise<Jobs> {
  const { database, log } = deps;
  const delivery = createNotificationDelivery({ db: database.db, config: deps.config, log });
  delivery.start(NOTIFICATION_POLL_MS);
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
        await Promise.all([running, reviewing, delivery.stop()]);
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
  await boss.schedule(ACCESS_REVIEW_QUEUE, ACCESS_REVIEW_CRON, {}, { tz: "UTC" });
  await boss.work(ACCESS_REVIEW_QUEUE, { pollingIntervalSeconds: 5 }, async () => {
    await runReviews(database, log);
  });
  await boss.send(ACCESS_REVIEW_QUEUE, {});
  return {
    kind: "pg-boss",
    stop: async (timeoutMs = 10_000) => {
      await Promise.all([boss.stop({ graceful: true, wait: true, timeout: timeoutMs }), delivery.stop()]);
    },
  };
}
