-- Usage, cost and budgets (usage module, issue 11): an hourly rollup per bot of what its runtime
-- reported (runtime events) and what it was answered (decisions), written in the transactions
-- that store them; budget caps per bot or team, per UTC day or calendar month; and the threshold
-- alerts (80 % and 100 % of a cap) already sent, so each is sent once per period and cap.
-- The rollup keeps one row per bot, hour and source: the runtime events' and the decisions' group
-- commits never wait on each other's row locks.
CREATE TABLE "usage_hourly" (
	"bot_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"sessions" integer DEFAULT 0 NOT NULL,
	"tool_calls" integer DEFAULT 0 NOT NULL,
	"tool_failures" integer DEFAULT 0 NOT NULL,
	"timeouts" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(18, 6) DEFAULT '0' NOT NULL,
	"decisions_allow" integer DEFAULT 0 NOT NULL,
	"decisions_deny" integer DEFAULT 0 NOT NULL,
	"decisions_approval" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_hourly_bot_id_hour_source_pk" PRIMARY KEY("bot_id","hour","source"),
	CONSTRAINT "usage_hourly_source" CHECK ("source" IN ('events', 'decisions')),
	CONSTRAINT "usage_hourly_hour_whole" CHECK ("hour" = date_trunc('hour', "hour", 'UTC'))
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"period" text NOT NULL,
	"cap_usd" numeric(12, 2) NOT NULL,
	"set_by_person_id" uuid,
	"set_by_email" text NOT NULL,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budgets_scope" CHECK ("scope" IN ('bot', 'team')),
	CONSTRAINT "budgets_period" CHECK ("period" IN ('day', 'month')),
	CONSTRAINT "budgets_cap_positive" CHECK ("cap_usd" > 0)
);
--> statement-breakpoint
CREATE TABLE "budget_alerts" (
	"budget_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"level" integer NOT NULL,
	"cap_usd" numeric(12, 2) NOT NULL,
	"spent_usd" numeric(18, 6) NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alerts_pk" PRIMARY KEY("budget_id","period_start","level","cap_usd"),
	CONSTRAINT "budget_alerts_level" CHECK ("level" IN (80, 100))
);
--> statement-breakpoint
ALTER TABLE "usage_hourly" ADD CONSTRAINT "usage_hourly_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_set_by_person_id_people_id_fk" FOREIGN KEY ("set_by_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "budgets_scope_subject_period_key" ON "budgets" USING btree ("scope","subject_id","period");--> statement-breakpoint
CREATE INDEX "usage_hourly_hour_idx" ON "usage_hourly" USING btree ("hour");--> statement-breakpoint
COMMENT ON TABLE "usage_hourly" IS 'Owner: usage module. Per bot and hour (Bridle''s clock, UTC): runtime event and decision counters, tokens and cost; written by the events and decisions group commits';--> statement-breakpoint
COMMENT ON TABLE "budgets" IS 'Owner: usage module. Budget caps in USD per bot or team, per UTC day or calendar month; set by admins';--> statement-breakpoint
COMMENT ON TABLE "budget_alerts" IS 'Owner: usage module. Threshold alerts sent (80 / 100 % of a cap), once per budget, period and cap';
