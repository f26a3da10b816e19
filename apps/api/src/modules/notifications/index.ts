/**
 * The notifications module's door. It owns `notifications` (each person's in-console list),
 * `notification_deliveries` (the email and webhook outbox), `notification_preferences` and
 * `notification_settings`: nothing outside this module writes them.
 * - routes: `notificationsRoutes` (`/notifications`, `/notification-preferences`,
 *   `/notification-settings`, `/notification-deliveries`), wired with `createNotificationsService`;
 * - commands, inside the caller's transaction: `notify` (writes one notification per active
 *   recipient and queues its deliveries; no audit event of its own, the caller's event records
 *   the change) and `notifyMany` (several at once, in the same two statements);
 * - the delivery worker (`createNotificationDelivery`), started by the app's jobs: sends the
 *   outbox after commit, with retries;
 * - `outboxDepth`: the outbox's pending deliveries and the oldest one's wait (for /metrics).
 *
 * Every reminder and alert goes through `notify` (DESIGN.md "Notifications"). A module that
 * notifies adds the edge `<module> --> notifications` to scripts/module-boundaries.js and
 * docs/ARCHITECTURE.md. The people and bots modules cannot (notifications resolves recipients
 * through people, which calls bots: a cycle); their changes emit domain events, and whoever
 * subscribes notifies.
 */
export { notify, notifyMany, NotifyInputError, REDACTION_NOTE, type NotifyInput, type NotifyRecipients, type NotifyResult } from "./notifications.notify.ts";
export { notificationsRoutes } from "./notifications.routes.ts";
export { createNotificationsService, type NotificationsService } from "./notifications.service.ts";
export { outboxDepth } from "./notifications.repo.ts";
export { backoffMs, createNotificationDelivery, MAX_ATTEMPTS, type DeliveryRun, type NotificationDelivery } from "./notifications.delivery.ts";
