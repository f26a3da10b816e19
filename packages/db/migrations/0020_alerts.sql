-- Alerts (alerts module, issue 11): the org's alert rules (one row per kind, on by default with
-- thresholds security may edit), the alerts they raise (one open alert per rule and subject: a
-- sustained burst updates it, never a new one), each alert's history of state changes, and the
-- evaluator's own state: its durable cursor over the audit log (a transaction id: every event of a
-- finished transaction is read once) and its rolling counts per subject.
CREATE TABLE "alert_rules" (
	"kind" text PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"threshold" integer NOT NULL,
	"window_minutes" integer NOT NULL,
	"factor" integer DEFAULT 1 NOT NULL,
	"baseline_days" integer DEFAULT 7 NOT NULL,
	"auto_pause" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "alert_rules_kind" CHECK ("kind" IN ('call_rate', 'skill_errors', 'sensitive_access', 'denied_burst', 'enforcement_gap', 'budget', 'new_shape')),
	CONSTRAINT "alert_rules_threshold" CHECK ("threshold" BETWEEN 1 AND 1000000),
	CONSTRAINT "alert_rules_window" CHECK ("window_minutes" BETWEEN 1 AND 1440),
	CONSTRAINT "alert_rules_factor" CHECK ("factor" BETWEEN 1 AND 1000),
	CONSTRAINT "alert_rules_baseline" CHECK ("baseline_days" BETWEEN 0 AND 30)
);
--> statement-breakpoint
INSERT INTO "alert_rules" ("kind", "threshold", "window_minutes", "factor", "baseline_days") VALUES
	('call_rate', 50, 60, 5, 7),
	('skill_errors', 10, 15, 1, 7),
	('sensitive_access', 30, 10, 1, 7),
	('denied_burst', 5, 10, 1, 7),
	('enforcement_gap', 1, 60, 1, 7),
	('budget', 1, 60, 1, 7),
	('new_shape', 1, 60, 1, 7);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"subject_label" text NOT NULL,
	"bot_id" uuid,
	"status" text DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"snoozed_until" timestamp with time zone,
	"event_ids" uuid[] DEFAULT '{}' NOT NULL,
	"session_id" text,
	"bot_paused" boolean DEFAULT false NOT NULL,
	"acted_by" text,
	"acted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_status" CHECK ("status" IN ('open', 'acknowledged', 'snoozed', 'resolved')),
	CONSTRAINT "alerts_subject_type" CHECK ("subject_type" IN ('bot', 'skill', 'team')),
	CONSTRAINT "alerts_snoozed" CHECK (("status" = 'snoozed') = ("snoozed_until" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_active_key" ON "alerts" USING btree ("rule", "subject_type", "subject_id") WHERE "status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "alerts_status_idx" ON "alerts" USING btree ("status", "last_seen_at");--> statement-breakpoint
CREATE INDEX "alerts_bot_idx" ON "alerts" USING btree ("bot_id", "last_seen_at");--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "alert_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"alert_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"change" text NOT NULL,
	"status" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_label" text,
	"reason" text,
	"snoozed_until" timestamp with time zone,
	CONSTRAINT "alert_history_change" CHECK ("change" IN ('opened', 'reopened', 'acknowledged', 'snoozed', 'snooze_ended', 'resolved', 'bot_paused'))
);
--> statement-breakpoint
ALTER TABLE "alert_history" ADD CONSTRAINT "alert_history_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_history_alert_idx" ON "alert_history" USING btree ("alert_id", "id");--> statement-breakpoint
CREATE TABLE "alert_cursor" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"xid" xid8 NOT NULL,
	"ran_at" timestamp with time zone,
	CONSTRAINT "alert_cursor_one_row" CHECK ("id" = 1)
);
--> statement-breakpoint
-- Alerts start from what is written after this migration: the history before it fires nothing.
INSERT INTO "alert_cursor" ("id", "xid") VALUES (1, pg_snapshot_xmin(pg_current_snapshot()));
--> statement-breakpoint
CREATE TABLE "alert_counts" (
	"metric" text NOT NULL,
	"subject" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "alert_counts_pk" PRIMARY KEY("metric","subject","bucket")
);
--> statement-breakpoint
CREATE TABLE "alert_shapes" (
	"bot_id" uuid NOT NULL,
	"shape" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "alert_shapes_pk" PRIMARY KEY("bot_id","shape")
);
--> statement-breakpoint
ALTER TABLE "alert_shapes" ADD CONSTRAINT "alert_shapes_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
COMMENT ON TABLE "alert_rules" IS 'Owner: alerts module. One row per rule kind, on by default; security edits thresholds';--> statement-breakpoint
COMMENT ON TABLE "alerts" IS 'Owner: alerts module. One active (not resolved) alert per rule and subject';--> statement-breakpoint
COMMENT ON TABLE "alert_history" IS 'Owner: alerts module. Every state change of an alert, kept after it is resolved';--> statement-breakpoint
COMMENT ON TABLE "alert_cursor" IS 'Owner: alerts module. The evaluator''s durable cursor over audit_events: every event of a transaction up to xid is read';--> statement-breakpoint
COMMENT ON TABLE "alert_counts" IS 'Owner: alerts module. Rolling counts per metric, subject and bucket (minute or hour), for the rules'' windows and baselines';--> statement-breakpoint
COMMENT ON TABLE "alert_shapes" IS 'Owner: alerts module. Each (action, target) shape a bot was first seen using (the new-shape heuristic)';
