-- Kill switch and read-only mode (kill-switch module, issue 11): a switch halts the bots of one
-- scope (a bot, a team's bots, the bots on a channel, the bots using a skill, or every bot) while it
-- is engaged (`resumed_at` is null). It is matched against each bot at decision time, so a bot
-- that joins the scope later is halted too. Resuming is explicit; when the org requires a second
-- person, a resume request (resume_requested_*) waits for someone else to confirm it.
CREATE TABLE "kill_switches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope_kind" text NOT NULL,
	"subject" text,
	"subject_label" text NOT NULL,
	"mode" text NOT NULL,
	"reason" text NOT NULL,
	"engaged_by" uuid,
	"engaged_by_email" text NOT NULL,
	"engaged_at" timestamp with time zone NOT NULL,
	"resume_requested_by" uuid,
	"resume_requested_by_email" text,
	"resume_requested_at" timestamp with time zone,
	"resume_request_reason" text,
	"resumed_by" uuid,
	"resumed_by_email" text,
	"resumed_at" timestamp with time zone,
	"resume_reason" text,
	CONSTRAINT "kill_switches_scope_kind" CHECK ("scope_kind" IN ('bot', 'team', 'channel', 'skill', 'all')),
	CONSTRAINT "kill_switches_subject" CHECK (("scope_kind" = 'all') = ("subject" IS NULL)),
	CONSTRAINT "kill_switches_mode" CHECK ("mode" IN ('pause', 'read_only')),
	CONSTRAINT "kill_switches_reason_len" CHECK (char_length("reason") BETWEEN 1 AND 1000),
	CONSTRAINT "kill_switches_resumed" CHECK (("resumed_at" IS NULL) = ("resumed_by_email" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "kill_switches" ADD CONSTRAINT "kill_switches_engaged_by_people_id_fk" FOREIGN KEY ("engaged_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "kill_switches" ADD CONSTRAINT "kill_switches_resume_requested_by_people_id_fk" FOREIGN KEY ("resume_requested_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "kill_switches" ADD CONSTRAINT "kill_switches_resumed_by_people_id_fk" FOREIGN KEY ("resumed_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "kill_switches_active_idx" ON "kill_switches" USING btree ("engaged_at") WHERE "resumed_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "kill_switches_engaged_idx" ON "kill_switches" USING btree ("engaged_at" DESC, "id");
--> statement-breakpoint
-- One row: whether resuming a switch needs a second person (off by default).
CREATE TABLE "kill_switch_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"resume_requires_second_person" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kill_switch_settings_one_row" CHECK ("id" = 1)
);
--> statement-breakpoint
-- Org policy versions (policy-settings module): the full content of each version of org_policy
-- (keyed by its `version`), who made it and how (`update`, `rollback` to `restored_from`, or
-- `baseline`: the version in force when versions were first kept, author unknown).
CREATE TABLE "org_policy_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"content" jsonb NOT NULL,
	"changed_by" text,
	"changed_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"restored_from" integer,
	CONSTRAINT "org_policy_versions_source" CHECK ("source" IN ('baseline', 'update', 'rollback'))
);
--> statement-breakpoint
-- Gated-action policy versions (gated-actions module): the org's full rule set after each change
-- (`content`: action -> rule), numbered on their own, with the org policy version it produced.
CREATE TABLE "gated_action_policy_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"content" jsonb NOT NULL,
	"policy_version" integer,
	"changed_by" text,
	"changed_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"restored_from" integer,
	CONSTRAINT "gated_action_policy_versions_source" CHECK ("source" IN ('baseline', 'update', 'rollback'))
);
