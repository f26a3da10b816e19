-- A decision is recorded once: its `decision.<verdict>` audit event (resource `decision`, resource id
-- the decision id) carries everything the `decisions` row held, reasons included. Rows recorded before
-- this migration keep their audit events, which already named the bot, action, target, reason codes,
-- runtime request id, session id, approval request id, policy version and params hash.
DROP TABLE "decisions" CASCADE;
