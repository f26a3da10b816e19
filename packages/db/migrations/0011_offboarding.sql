-- Offboarding (the offboarding module): a case per bot being transferred or offboarded, at most one
-- open per bot, and its checklist of steps (status, who did it and when, a note or a link). The org
-- policy gets the orphan deadline: days an orphaned bot may stay unresolved before it is paused.
CREATE TABLE "offboarding_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bot_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"plan" text,
	"outcome" text,
	"former_owner_id" uuid,
	"proposed_owner_id" uuid,
	"transfer_to_id" uuid,
	"orphaned_since" timestamp with time zone,
	"orphan_warned_at" timestamp with time zone,
	"orphan_paused_at" timestamp with time zone,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"opened_by_type" text NOT NULL,
	"opened_by_id" text,
	"opened_by_label" text,
	"closed_at" timestamp with time zone,
	"closed_by_type" text,
	"closed_by_id" text,
	"closed_by_label" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offboarding_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"position" integer NOT NULL,
	"automatic" boolean NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"done_at" timestamp with time zone,
	"done_by_type" text,
	"done_by_id" text,
	"done_by_label" text,
	"note" text,
	"link" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "org_policy" ADD COLUMN "orphan_deadline_days" integer DEFAULT 7 NOT NULL CONSTRAINT "org_policy_orphan_deadline_days_check" CHECK ("orphan_deadline_days" BETWEEN 1 AND 365);--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_former_owner_id_people_id_fk" FOREIGN KEY ("former_owner_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_proposed_owner_id_people_id_fk" FOREIGN KEY ("proposed_owner_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_transfer_to_id_people_id_fk" FOREIGN KEY ("transfer_to_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_steps" ADD CONSTRAINT "offboarding_steps_case_id_offboarding_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."offboarding_cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "offboarding_cases_open_bot_idx" ON "offboarding_cases" USING btree ("bot_id") WHERE "offboarding_cases"."status" = 'open';--> statement-breakpoint
CREATE INDEX "offboarding_cases_bot_idx" ON "offboarding_cases" USING btree ("bot_id","opened_at");--> statement-breakpoint
CREATE INDEX "offboarding_cases_status_idx" ON "offboarding_cases" USING btree ("status","opened_at");--> statement-breakpoint
CREATE INDEX "offboarding_cases_former_owner_idx" ON "offboarding_cases" USING btree ("former_owner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "offboarding_steps_case_kind_idx" ON "offboarding_steps" USING btree ("case_id","kind");
--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_trigger_check" CHECK ("trigger" IN ('owner_departed', 'access_review', 'manual'));--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_status_check" CHECK ("status" IN ('open', 'closed'));--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_plan_check" CHECK ("plan" IN ('transfer', 'offboard'));--> statement-breakpoint
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_outcome_check" CHECK ("outcome" IN ('transferred', 'offboarded', 'cancelled'));--> statement-breakpoint
-- A closed case says how it ended and when; an open one has neither.
ALTER TABLE "offboarding_cases" ADD CONSTRAINT "offboarding_cases_closed_check" CHECK (("status" = 'closed') = ("closed_at" IS NOT NULL AND "outcome" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "offboarding_steps" ADD CONSTRAINT "offboarding_steps_kind_check" CHECK ("kind" IN ('offer_transfer', 'accept_transfer', 'rotation_due', 'pause', 'revoke_tokens', 'revoke_credentials', 'remove_access', 'destroy_runtime', 'archive_workspace', 'mark_offboarded'));--> statement-breakpoint
ALTER TABLE "offboarding_steps" ADD CONSTRAINT "offboarding_steps_status_check" CHECK ("status" IN ('pending', 'done', 'cancelled'));--> statement-breakpoint
-- A done step says who did it and when.
ALTER TABLE "offboarding_steps" ADD CONSTRAINT "offboarding_steps_done_check" CHECK ("status" <> 'done' OR ("done_at" IS NOT NULL AND "done_by_type" IS NOT NULL));
