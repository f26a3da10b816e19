import type { DbHandle } from "@bridle/db";
import type { FastifyBaseLogger } from "fastify";
import PgBoss from "pg-boss";
import type { Config } from "../config.ts";
import { runAccessReviewJob } from "../modules/access-reviews/index.ts";
import { runAlertEvaluator } from "../modules/alerts/index.ts";
import { expireApprovalRequests } from "../modules/approvals/index.ts";
import { flipIntervalDue } from "../modules/credentials/index.ts";
import { createNotificationDelivery } from "../modules/notifications/index.ts";
import { runOrphanJob } from "../modules/offboarding/index.ts";

/** Queue names (pg-boss): one per background job. */
export const APPROVAL_EXPIRY_QUEUE = "approval-expiry";
export const CREDENTIAL_ROTATION_QUEUE = "credential-rotation";
export const ACCESS_REVIEW_QUEUE = "access-review";
export const ORPHAN_QUEUE = "offboarding-orphans";
export const ALERTS_QUEUE = "alert-evaluator";
const QUEUES = [
  { name: APPROVAL_EXPIRY_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
  { name: CREDENTIAL_ROTATION_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
  { name: ACCESS_REVIEW_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 900 },
  { name: ORPHAN_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 900 },
  { name: ALERTS_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: 300 },
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

type Job = {
  queue: string;
  /** when pg-boss runs it (UTC) */
  cron: string;
  /** how often the in-process timer runs it with embedded PGlite */
  everyMs: number;
  /** also run once at start (pg-boss: one run however many replicas start) */
  atStart: boolean;
  run: (database: DbHandle, log: JobsLog) => Promise<void>;
};

async function runExpiry(database: DbHandle, log: JobsLog) {
  const ids = await expireApprovalRequests(database.db, new Date());
  if (ids.length) log.info({ job: APPROVAL_EXPIRY_QUEUE, expired: ids.length }, "approval requests expired");
}

/** Credential references whose rotation interval passed become due, and their people are notified (credentials module). */
async function runRotation(database: DbHandle, log: JobsLog) {
  const marked = await database.db.transaction((tx) => flipIntervalDue(tx, new Date()));
  if (marked) log.info({ job: CREDENTIAL_ROTATION_QUEUE, marked }, "credential references due for rotation");
}

/** The access review job (schedule, reminders, overdue pause; access-reviews module): each step is idempotent, reminders go once each. */
async function runReviews(database: DbHandle, log: JobsLog) {
  const r = await runAccessReviewJob(database.db, new Date());
  if (r.campaignStarted || r.remindedWeek || r.remindedDay || r.paused) log.info({ job: ACCESS_REVIEW_QUEUE, ...r }, "access review job ran");
}

/** The orphan job (offboarding module): cases for untracked orphans, the warning a day before the deadline, the pause after it; idempotent. */
async function runOrphans(database: DbHandle, log: JobsLog) {
  const r = await runOrphanJob(database.db, new Date());
  if (r.opened || r.warned || r.paused) log.info({ job: ORPHAN_QUEUE, ...r }, "orphan job ran");
}

/** The alert evaluator (alerts module): reads the audit log since its cursor and raises alerts; a second replica running at once does nothing (`busy`). */
async function runAlerts(database: DbHandle, log: JobsLog) {
  const r = await runAlertEvaluator(database.db, new Date());
  if (r.opened || r.reopened || r.paused) log.info({ job: ALERTS_QUEUE, ...r }, "alert evaluator ran");
}

const JOBS = (intervalMs: number | undefined): Job[] => [
  { queue: APPROVAL_EXPIRY_QUEUE, cron: "* * * * *", everyMs: intervalMs ?? 60_000, atStart: false, run: runExpiry },
  // Daily, early morning UTC; it is idempotent, so a missed day is caught up by the next run.
  { queue: CREDENTIAL_ROTATION_QUEUE, cron: "15 5 * * *", everyMs: 86_400_000, atStart: true, run: runRotation },
  // Hourly; each step happens at most once per item or period.
  { queue: ACCESS_REVIEW_QUEUE, cron: "7 * * * *", everyMs: 3_600_000, atStart: true, run: runReviews },
  // Hourly; each warning and pause happens at most once per case.
  { queue: ORPHAN_QUEUE, cron: "23 * * * *", everyMs: 3_600_000, atStart: true, run: runOrphans },
  // Every minute (pg-boss's finest cron); with PGlite every 30 s. Each run reads only what is new.
  { queue: ALERTS_QUEUE, cron: "* * * * *", everyMs: intervalMs ?? 30_000, atStart: true, run: runAlerts },
];

/**
 * Starts the background jobs (DESIGN.md "Architecture": Postgres-backed queue, so several
 * replicas coordinate through the database). With PostgreSQL, pg-boss schedules each job by its
 * cron (UTC; one run per tick however many replicas run) on a singleton queue, and any replica's
 * worker runs it: `approval-expiry` every minute, `credential-rotation` daily at 05:15 and
 * `access-review` and `offboarding-orphans` hourly, each of these three also once at start, and
 * `alert-evaluator` every minute (and once at start). The notification worker
 * (modules/notifications) runs on every replica in both modes: it polls the outbox every
 * NOTIFICATION_POLL_MS and claims rows with SKIP LOCKED. Embedded
 * PGlite has no connection string for pg-boss and only ever one process, so the same functions
 * run on timers in the process (each once at start). Called from server.ts (not buildApp), so
 * tests drive the job functions directly.
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
  const jobs = JOBS(deps.intervalMs);
  if (database.kind === "pglite" || !deps.databaseUrl) {
    const timers: NodeJS.Timeout[] = [];
    const running = new Set<Promise<void>>();
    for (const job of jobs) {
      let current: Promise<void> | null = null;
      const tick = () => {
        if (current) return;
        const p = job
          .run(database, log)
          .catch((err: unknown) => log.error({ err, job: job.queue }, "background job failed"))
          .finally(() => {
            current = null;
            running.delete(p);
          });
        current = p;
        running.add(p);
      };
      const timer = setInterval(tick, job.everyMs);
      timer.unref();
      timers.push(timer);
      if (job.atStart || job.queue === APPROVAL_EXPIRY_QUEUE) tick();
    }
    return {
      kind: "interval",
      stop: async () => {
        for (const t of timers) clearInterval(t);
        await Promise.all([...running, delivery.stop()]);
      },
    };
  }

  const boss = new PgBoss({ connectionString: deps.databaseUrl, application_name: "bridle-jobs", max: 3 });
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  await boss.start();
  for (const q of QUEUES) await boss.createQueue(q.name, q);
  for (const job of jobs) {
    await boss.schedule(job.queue, job.cron, {}, { tz: "UTC" });
    await boss.work(job.queue, { pollingIntervalSeconds: 2 }, async () => {
      await job.run(database, log);
    });
    // A daily job also runs once at start (singleton: one run however many replicas start), so a
    // new or restarted deployment does not wait for the next day's tick.
    if (job.atStart) await boss.send(job.queue, {});
  }
  return {
    kind: "pg-boss",
    stop: async (timeoutMs = 10_000) => {
      await Promise.all([boss.stop({ graceful: true, wait: true, timeout: timeoutMs }), delivery.stop()]);
    },
  };
}
