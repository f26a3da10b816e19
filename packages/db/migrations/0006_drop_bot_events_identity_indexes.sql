-- bot_events was written (an `owner_deprovisioned` row per bot of a deactivated person) and never
-- read. The same facts are the `bot.owner_deprovisioned` audit events, and a later offboarding
-- workflow subscribes to the `person.deactivated` domain event instead (apps/api/src/lib/domain-events.ts).
DROP TABLE "bot_events" CASCADE;--> statement-breakpoint
-- Identity lookups of the incremental findings recompute (findings.repo.ts loadIdentities): bots by
-- normalised email and service accounts by normalised account name, and the few with non-ASCII
-- characters (compared in JavaScript); expression indexes, so ANALYZE knows how rare those are.
CREATE INDEX "bots_email_identity_idx" ON "bots" USING btree (lower(btrim("email", E' \t\n\r\f\x0B')));--> statement-breakpoint
CREATE INDEX "bots_email_non_ascii_idx" ON "bots" USING btree ((octet_length("email") <> char_length("email")));--> statement-breakpoint
CREATE INDEX "service_accounts_identity_idx" ON "service_accounts" USING btree (lower(btrim("account", E' \t\n\r\f\x0B')));--> statement-breakpoint
CREATE INDEX "service_accounts_non_ascii_idx" ON "service_accounts" USING btree ((octet_length("account") <> char_length("account")));