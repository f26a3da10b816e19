import type { Db } from "@bridle/db";
import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../../config.ts";
import { postWebhook, createMailer, safeError, webhookPayload, type Mailer, type SendResult } from "./notifications.channels.ts";
import * as repo from "./notifications.repo.ts";
import { readWebhookUrl } from "./webhook-url.ts";

/** Attempts before a delivery is given up (`failed`). */
export const MAX_ATTEMPTS = 8;
/** Wait after the n-th failed attempt: 30 s, 1, 2, 4, 8, 16, 32 min (then failed): about an hour in all. */
export const backoffMs = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
/** A claimed delivery is someone's for this long; a worker that died mid-send leaves it to be tried again after. */
const LEASE_MS = 120_000;
const BATCH = 25;

export type DeliveryRun = { sent: number; retrying: number; failed: number; skipped: number };

export type NotificationDelivery = {
  /** The email channel, or null when BRIDLE_SMTP_URL is not set (email off). */
  mailer: Mailer | null;
  /**
   * Delivers what is due at `now` (default: the clock), batch after batch until nothing is due,
   * and reports what happened. Several replicas may run it at once: each delivery is claimed by
   * one (SKIP LOCKED, with a lease).
   */
  runOnce: (now?: Date) => Promise<DeliveryRun>;
  /** Runs `runOnce` every `intervalMs` (one run at a time) until `stop`. */
  start: (intervalMs: number) => void;
  /** Stops the timer, waits for a run in progress, closes the SMTP connections. */
  stop: () => Promise<void>;
};

type Log = Pick<FastifyBaseLogger, "info" | "warn" | "error">;

/**
 * The notifications outbox worker: reads due deliveries, sends each one (email through the
 * mailer, a webhook post to the org's URL), and records the outcome: `sent`; `pending` again with
 * backoff (`backoffMs`) when trying again may help; `failed` after MAX_ATTEMPTS or when it will
 * not help; `skipped` when there is nothing to send any more (email off on this server, the
 * recipient deactivated, the webhook removed). `last_error` never holds a secret.
 */
export function createNotificationDelivery(deps: {
  db: Db;
  config: Pick<Config, "BRIDLE_SMTP_URL" | "BRIDLE_MAIL_FROM" | "BRIDLE_PUBLIC_URL" | "BRIDLE_ENCRYPTION_KEY">;
  log: Log;
}): NotificationDelivery {
  const { db, config, log } = deps;
  const publicUrl = config.BRIDLE_PUBLIC_URL;
  const mailer = config.BRIDLE_SMTP_URL && config.BRIDLE_MAIL_FROM ? createMailer({ smtpUrl: config.BRIDLE_SMTP_URL, from: config.BRIDLE_MAIL_FROM, publicUrl }) : null;

  type Outcome = SendResult | { skip: string };

  async function sendOne(d: repo.ClaimedDelivery): Promise<Outcome> {
    if (d.channel === "email") {
      if (!mailer) return { skip: "email is off on this server (BRIDLE_SMTP_URL is not set)" };
      const m = await repo.emailContent(db, d.notificationId!);
      if (!m) return { skip: "the notification no longer exists" };
      if (m.status !== "active") return { skip: "the recipient is no longer active" };
      return mailer.send({ address: m.to, name: m.name }, m);
    }
    const settings = await repo.readSettings(db);
    if (!settings?.webhookUrlEnc) return { skip: "no webhook is set" };
    const url = readWebhookUrl(config.BRIDLE_ENCRYPTION_KEY, settings.webhookUrlEnc);
    if (!url.ok) return { ok: false, retry: true, error: url.error };
    const notice = await repo.noticeContent(db, d.noticeId);
    if (!notice) return { skip: "nobody it was for is active any more" };
    return postWebhook(url.url, webhookPayload(notice, publicUrl));
  }

  async function record(d: repo.ClaimedDelivery, outcome: Outcome, now: Date, run: DeliveryRun) {
    if ("skip" in outcome) {
      run.skipped++;
      return repo.finishDelivery(db, d.id, { status: "skipped", lastError: outcome.skip });
    }
    if (outcome.ok) {
      run.sent++;
      return repo.finishDelivery(db, d.id, { status: "sent", lastError: null, sentAt: new Date() });
    }
    if (outcome.retry && d.attempts < MAX_ATTEMPTS) {
      run.retrying++;
      return repo.finishDelivery(db, d.id, { status: "pending", lastError: outcome.error, nextAttemptAt: new Date(now.getTime() + backoffMs(d.attempts)) });
    }
    run.failed++;
    log.warn({ deliveryId: d.id, channel: d.channel, attempts: d.attempts, error: outcome.error }, "notification delivery failed");
    return repo.finishDelivery(db, d.id, { status: "failed", lastError: outcome.error });
  }

  async function runOnce(now: Date = new Date()): Promise<DeliveryRun> {
    const run: DeliveryRun = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
    for (;;) {
      const due = await repo.claimDue(db, now, BATCH, LEASE_MS);
      if (!due.length) return run;
      await Promise.all(
        due.map(async (d) => {
          let outcome: Outcome;
          try {
            outcome = await sendOne(d);
          } catch (err) {
            outcome = { ok: false, retry: true, error: await safeError(err instanceof Error ? err.message : String(err), [config.BRIDLE_SMTP_URL]) };
          }
          await record(d, outcome, now, run);
        }),
      );
      if (due.length < BATCH) return run;
    }
  }

  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  return {
    mailer,
    runOnce,
    start(intervalMs) {
      const tick = () => {
        if (running) return;
        running = runOnce()
          .catch((err: unknown) => log.error({ err }, "notification delivery run failed"))
          .finally(() => {
            running = null;
          });
      };
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
      mailer?.close();
    },
  };
}
