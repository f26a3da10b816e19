import {
  defaultChannelChoice,
  NOTIFICATION_KINDS,
  webhookUrlProblem,
  type TDeliveryStatus,
  type TNotification,
  type TNotificationKind,
  type TNotificationPage,
  type TNotificationPreferences,
  type TNotificationSettings,
  type TUpdateNotificationPreferences,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { Config } from "../../config.ts";
import type { RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can } from "../../lib/permissions.ts";
import { isUuid, toIso } from "../../lib/sql.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import { smtpServerOf } from "./notifications.channels.ts";
import { notify } from "./notifications.notify.ts";
import * as repo from "./notifications.repo.ts";
import { encryptWebhookUrl, webhookUrlHint } from "./webhook-url.ts";

/** Test notifications a person may send in a window (each may post to the org's chat webhook). */
export const TEST_LIMIT = 3;
export const TEST_WINDOW_MINUTES = 10;

type Deps = { db: Db; config: Pick<Config, "BRIDLE_SMTP_URL" | "BRIDLE_MAIL_FROM" | "BRIDLE_ENCRYPTION_KEY"> };

const toItem = (r: repo.NotificationRow): TNotification => ({
  id: r.id,
  kind: r.kind as TNotificationKind,
  title: r.title,
  body: r.body,
  link: r.link,
  botId: r.botId,
  redacted: r.redacted,
  from: { type: r.actorType as TNotification["from"]["type"], label: r.actorLabel },
  readAt: toIso(r.readAt),
  createdAt: toIso(r.createdAt)!,
});

/** The keyset cursor of a list (the last row's exact time and id). */
function afterOf(raw: string | undefined): { at: string; id: string } | null {
  const c = decodeCursor(raw);
  if (!c) return null;
  if (typeof c.k !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(c.k) || Number.isNaN(Date.parse(c.k)) || !isUuid(c.id))
    throw new AppError("validation_failed", "cursor is not valid; start again without it");
  return { at: c.k, id: c.id };
}

/**
 * The notifications a person reads and the channels they choose (every signed-in person, their
 * own only), and the org's notification settings (`notifications.manage`: the webhook, the
 * deliveries). A person never sees or changes another person's notifications: someone else's id
 * answers 404, as an id that names nothing does.
 */
export function createNotificationsService(deps: Deps) {
  const { db, config } = deps;
  const emailOn = !!(config.BRIDLE_SMTP_URL && config.BRIDLE_MAIL_FROM);

  /** GET /notifications: mine, newest first, with my unread count. */
  async function list(ctx: RequestCtx, q: { limit: number; cursor?: string | undefined; unread?: "true" | "false" | undefined }): Promise<TNotificationPage> {
    const me = ctx.principal.personId;
    const rows = await repo.listMine(db, me, { limit: q.limit + 1, after: afterOf(q.cursor), unreadOnly: q.unread === "true" });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(toItem),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.cursorAt, id: last.id }) : null,
      unread: await repo.unreadCount(db, me),
    };
  }

  const unread = async (ctx: RequestCtx) => ({ unread: await repo.unreadCount(db, ctx.principal.personId) });

  /** @throws not_found (404) when I have no notification with this id (someone else's included) */
  async function markRead(ctx: RequestCtx, id: string) {
    if (!(await repo.markRead(db, ctx.principal.personId, id, new Date()))) throw notFound("Notification");
  }

  const markAllRead = async (ctx: RequestCtx) => ({ marked: await repo.markAllRead(db, ctx.principal.personId, new Date()) });

  async function preferences(ctx: RequestCtx): Promise<TNotificationPreferences> {
    const saved = await repo.savedPreferences(db, ctx.principal.personId);
    const webhookOn = await repo.webhookConfigured(db);
    return {
      channels: {
        email: {
          available: emailOn,
          reason: emailOn ? null : "Email is off on this server: an operator sets BRIDLE_SMTP_URL and BRIDLE_MAIL_FROM to turn it on.",
          address: ctx.principal.email,
        },
        webhook: { available: webhookOn, reason: webhookOn ? null : "No org webhook is set: an admin sets one in Settings, Notifications." },
      },
      kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, ...(saved.get(kind) ?? defaultChannelChoice(kind)) })),
    };
  }

  /** PUT /notification-preferences: saves my choice for the kinds given; audited when something changed. */
  async function updatePreferences(ctx: RequestCtx, body: TUpdateNotificationPreferences): Promise<TNotificationPreferences> {
    const seen = new Set<string>();
    const dupes = body.kinds.filter((k) => seen.size === seen.add(k.kind).size);
    if (dupes.length) throw invalidFields([fieldError("kinds", "duplicate", `lists ${dupes[0]!.kind} twice`)]);
    await db.transaction(async (tx) => {
      const me = ctx.principal.personId;
      const before = await repo.savedPreferences(tx, me);
      const changes: Record<string, { before: unknown; after: unknown }> = {};
      for (const k of body.kinds) {
        const old = before.get(k.kind) ?? defaultChannelChoice(k.kind);
        for (const ch of ["email", "webhook"] as const) if (old[ch] !== k[ch]) changes[`${k.kind}.${ch}`] = { before: old[ch], after: k[ch] };
      }
      if (!Object.keys(changes).length) return;
      await repo.savePreferences(tx, me, body.kinds, new Date());
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "notification.preferences_update",
        resourceType: "notification_preferences",
        resourceId: me,
        outcome: "success",
        requestId: ctx.requestId,
        details: { changes },
      });
    });
    return preferences(ctx);
  }

  /**
   * POST /notifications/test: a `test` notification to myself, through the channels I keep on for it.
   * @throws rate_limited (429) past TEST_LIMIT in TEST_WINDOW_MINUTES (a test may post to the org's chat)
   */
  async function sendTest(ctx: RequestCtx) {
    if ((await repo.recentTests(db, ctx.principal.personId, TEST_WINDOW_MINUTES)) >= TEST_LIMIT)
      throw new AppError("rate_limited", `At most ${TEST_LIMIT} test notifications in ${TEST_WINDOW_MINUTES} minutes; try again later`);
    return db.transaction(async (tx) => {
      const res = await notify(
        tx,
        {
          recipients: { personIds: [ctx.principal.personId] },
          kind: "test",
          title: "Test notification",
          body: "You asked Bridle for a test notification. If it reached you, this channel works.",
          link: "/notifications/preferences",
        },
        actorOf(ctx.principal),
      );
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "notification.test",
        resourceType: "notification",
        resourceId: res.notificationIds[0] ?? null,
        outcome: "success",
        requestId: ctx.requestId,
        details: { recipients: res.recipientIds.length },
      });
      return { notificationId: res.notificationIds[0] ?? null };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Org settings: notifications.manage

  async function requireManage(ctx: RequestCtx, action: "access.denied" | "notification.webhook_set" | "notification.delivery_retry", what: string, resourceType: string) {
    if (!can(ctx.principal, "notifications.manage")) throw await denied(db, ctx, { action, resourceType, what });
  }

  async function settings(ctx: RequestCtx): Promise<TNotificationSettings> {
    await requireManage(ctx, "access.denied", "read the notification settings", "notification_settings");
    const row = await repo.readSettings(db);
    return {
      email: {
        configured: emailOn,
        server: config.BRIDLE_SMTP_URL ? smtpServerOf(config.BRIDLE_SMTP_URL) : null,
        from: config.BRIDLE_MAIL_FROM ?? null,
      },
      webhook: {
        configured: !!row?.webhookUrlEnc,
        hint: row?.webhookUrlEnc ? row.webhookUrlHint : null,
        updatedAt: toIso(row?.updatedAt ?? null),
        updatedBy: row?.updatedBy ?? null,
      },
      encryptionKeyConfigured: !!config.BRIDLE_ENCRYPTION_KEY,
      deliveries: await repo.deliveryCounts(db),
    };
  }

  /**
   * PUT /notification-settings: sets the org webhook URL (stored AES-256-GCM encrypted with
   * BRIDLE_ENCRYPTION_KEY; only a hint is ever shown or audited) or removes it (null).
   * @throws validation_failed (400) for a URL webhookUrlProblem refuses; bad_request (400) without BRIDLE_ENCRYPTION_KEY
   */
  async function updateSettings(ctx: RequestCtx, body: { webhookUrl: string | null }): Promise<TNotificationSettings> {
    await requireManage(ctx, "notification.webhook_set", "change the notification webhook", "notification_settings");
    const url = body.webhookUrl || null;
    if (url) {
      const problem = webhookUrlProblem(url);
      if (problem) throw invalidFields([fieldError("webhookUrl", "invalid_format", problem)]);
      if (!config.BRIDLE_ENCRYPTION_KEY)
        throw new AppError("bad_request", "Bridle stores the webhook URL only encrypted: set BRIDLE_ENCRYPTION_KEY (32 bytes, e.g. `openssl rand -base64 32`) and restart, then save it again");
    }
    await db.transaction(async (tx) => {
      const before = await repo.lockSettings(tx);
      const previousHint = before.webhookUrlEnc ? before.webhookUrlHint : null;
      if (!url && !before.webhookUrlEnc) return;
      const hint = url ? webhookUrlHint(url) : null;
      await repo.writeWebhook(tx, { enc: url ? encryptWebhookUrl(config.BRIDLE_ENCRYPTION_KEY!, url) : null, hint, by: ctx.principal.personId, now: new Date() });
      const envelope = { actor: actorOf(ctx.principal), resourceType: "notification_settings", resourceId: null, outcome: "success" as const, requestId: ctx.requestId };
      if (url) await recordAudit(tx, { ...envelope, action: "notification.webhook_set", details: { hint: hint!, previousHint } });
      else await recordAudit(tx, { ...envelope, action: "notification.webhook_remove", details: { previousHint } });
    });
    return settings(ctx);
  }

  async function deliveries(ctx: RequestCtx, q: { limit: number; cursor?: string | undefined; status?: TDeliveryStatus | undefined }) {
    await requireManage(ctx, "access.denied", "read notification deliveries", "notification_delivery");
    const rows = await repo.listDeliveries(db, { limit: q.limit + 1, status: q.status, after: afterOf(q.cursor) });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map(({ cursorAt: _c, ...r }) => ({ ...r, kind: r.kind as TNotificationKind | null, channel: r.channel as "email" | "webhook", status: r.status as TDeliveryStatus })),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.cursorAt, id: last.id }) : null,
    };
  }

  /**
   * POST /notification-deliveries/{id}/retry: a failed or skipped delivery goes back in the queue now.
   * @throws not_found (404); conflict (409) when it is pending or already sent
   */
  async function retryDelivery(ctx: RequestCtx, id: string) {
    await requireManage(ctx, "notification.delivery_retry", "retry a notification delivery", "notification_delivery");
    await db.transaction(async (tx) => {
      const before = await repo.requeueDelivery(tx, id, new Date());
      if (!before) throw notFound("Delivery");
      if (before.status !== "failed" && before.status !== "skipped") throw new AppError("conflict", `This delivery is ${before.status}: only a failed or skipped one is retried`);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "notification.delivery_retry",
        resourceType: "notification_delivery",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { channel: before.channel, previousStatus: before.status, attempts: before.attempts },
      });
    });
  }

  return { list, unread, markRead, markAllRead, preferences, updatePreferences, sendTest, settings, updateSettings, deliveries, retryDelivery };
}
export type NotificationsService = ReturnType<typeof createNotificationsService>;
