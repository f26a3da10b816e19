/**
 * The notifications module's door. It owns `notifications` (each person's in-console list),
 * `notification_deliveries` (the email and webhook outbox), `notification_preferences` and
 * `notification_settings`: nothing outside this module writes them.
 * - commands, inside the caller's transaction: `notify` (writes one notification per active
 *   recipient; no audit event of its own, the caller's event records the change).
 *
 * Every reminder and alert goes through `notify` (DESIGN.md "Notifications"). A module that
 * notifies adds the edge `<module> --> notifications` to scripts/module-boundaries.js and
 * docs/ARCHITECTURE.md. The people and bots modules cannot (notifications resolves recipients
 * through people, which calls bots: a cycle); their changes emit domain events, and whoever
 * subscribes notifies.
 */
export { notify, NotifyInputError, REDACTION_NOTE, type NotifyInput, type NotifyRecipients, type NotifyResult } from "./notifications.notify.ts";
