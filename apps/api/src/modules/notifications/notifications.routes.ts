import {
  ZDeliveryListQuery,
  ZDeliveryPage,
  ZErrorEnvelope,
  ZMarkedRead,
  ZNotificationListQuery,
  ZNotificationPage,
  ZNotificationPreferences,
  ZNotificationSettings,
  ZUnreadCount,
  ZUpdateNotificationPreferences,
  ZUpdateNotificationSettings,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { NotificationsService } from "./notifications.service.ts";

const ZParams = z.object({ id: z.uuid() });
const tags = ["notifications"];

/**
 * Notifications: each signed-in person's own list and channel choices (no extra permission; only
 * their own: someone else's notification answers 404), and the org settings (`notifications.manage`).
 */
export function notificationsRoutes(svc: NotificationsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });

    r.get(
      "/notifications",
      {
        schema: {
          operationId: "listNotifications",
          tags,
          summary: "My notifications, newest first (`unread=true`: unread only), with my unread count",
          querystring: ZNotificationListQuery,
          response: { 200: ZNotificationPage, 400: ZErrorEnvelope, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.get(
      "/notifications/unread-count",
      {
        schema: {
          operationId: "countUnreadNotifications",
          tags,
          summary: "How many of my notifications are unread (the bell's badge)",
          response: { 200: ZUnreadCount, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.unread(ctx(request)),
    );
    r.post(
      "/notifications/:id/read",
      {
        schema: {
          operationId: "markNotificationRead",
          tags,
          summary: "Mark one of my notifications read (idempotent); someone else's answers 404",
          params: ZParams,
          response: { 204: z.null(), 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        await svc.markRead(ctx(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    r.post(
      "/notifications/read-all",
      {
        schema: {
          operationId: "markAllNotificationsRead",
          tags,
          summary: "Mark all my notifications read; answers how many were unread",
          response: { 200: ZMarkedRead, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => svc.markAllRead(ctx(request)),
    );
    r.post(
      "/notifications/test",
      {
        schema: {
          operationId: "sendTestNotification",
          tags,
          summary: "Send myself a test notification, through the channels I keep on for `test` (delivered within seconds); at most 3 in 10 minutes (429)",
          response: { 201: z.object({ notificationId: z.uuid().nullable() }), 401: ZErrorEnvelope, 403: ZErrorEnvelope, 429: ZErrorEnvelope },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.sendTest(ctx(request))),
    );
    r.get(
      "/notification-preferences",
      {
        schema: {
          operationId: "getNotificationPreferences",
          tags,
          summary: "My channels per kind (in-console always; email on and webhook off unless I chose), and whether each channel works on this server",
          response: { 200: ZNotificationPreferences, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.preferences(ctx(request)),
    );
    r.put(
      "/notification-preferences",
      {
        schema: {
          operationId: "updateNotificationPreferences",
          tags,
          summary: "Choose email and webhook per kind (the kinds given; others keep their choice). Audited as notification.preferences_update",
          body: ZUpdateNotificationPreferences,
          response: { 200: ZNotificationPreferences, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => svc.updatePreferences(ctx(request), request.body),
    );
    r.get(
      "/notification-settings",
      {
        schema: {
          operationId: "getNotificationSettings",
          tags,
          summary: "The org's channels: email (from the server's configuration), the webhook (a hint, never the URL), delivery counts. Needs notifications.manage",
          response: { 200: ZNotificationSettings, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => svc.settings(ctx(request)),
    );
    r.put(
      "/notification-settings",
      {
        schema: {
          operationId: "updateNotificationSettings",
          tags,
          summary:
            "Set the org webhook URL (https://; http:// only for localhost; write-only, stored encrypted with BRIDLE_ENCRYPTION_KEY, 400 without it) or remove it (null). " +
            "Audited as notification.webhook_set / notification.webhook_remove with a hint. Needs notifications.manage",
          body: ZUpdateNotificationSettings,
          response: { 200: ZNotificationSettings, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => svc.updateSettings(ctx(request), request.body),
    );
    r.get(
      "/notification-deliveries",
      {
        schema: {
          operationId: "listNotificationDeliveries",
          tags,
          summary: "Email and webhook deliveries, newest first (filter `status`), with attempts and the last error (never a secret). Needs notifications.manage",
          querystring: ZDeliveryListQuery,
          response: { 200: ZDeliveryPage, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request) => svc.deliveries(ctx(request), request.query),
    );
    r.post(
      "/notification-deliveries/:id/retry",
      {
        schema: {
          operationId: "retryNotificationDelivery",
          tags,
          summary: "Queue a failed or skipped delivery again now, attempts from zero (409 when pending or sent). Needs notifications.manage",
          params: ZParams,
          response: { 204: z.null(), 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope, 409: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        await svc.retryDelivery(ctx(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
