-- Access reviews (the access-reviews module): campaigns and their items (one bot to re-certify each,
-- assigned to its owner, or to admins for an orphan). The org policy gets the review settings:
-- fail closed on an overdue review, the schedule, and a scheduled campaign's due days and look-back.
CREATE TABLE "access_review_campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"team_id" uuid,
	"trigger" text NOT NULL,
	"period" text,
	"status" text DEFAULT 'open' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"lookback_days" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_by_type" text NOT NULL,
	"started_by_id" text,
	"started_by_label" text,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "access_review_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"bot_id" uuid NOT NULL,
	"bot_name" text NOT NULL,
	"reviewer_id" uuid,
	"assigned_to" text NOT NULL,
	"owner_email" text,
	"status" text DEFAULT 'pending' NOT NULL CHECK ("status" IN ('pending', 'decided')),
	"decision" text CHECK ("decision" IN ('keep', 'reduce', 'offboard')),
	"note" text,
	"reviewed" jsonb,
	"removed" jsonb,
	"decided_at" timestamp with time zone,
	"decided_by_id" text,
	"decided_by_label" text,
	"reminded_week_at" timestamp with time zone,
	"reminded_day_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "org_policy" ADD COLUMN "review_overdue_fail_closed" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "org_policy" ADD COLUMN "review_schedule" text DEFAULT 'quarterly' NOT NULL CONSTRAINT "org_policy_review_schedule_check" CHECK ("review_schedule" IN ('off', 'monthly', 'quarterly'));--> statement-breakpoint
ALTER TABLE "org_policy" ADD COLUMN "review_due_days" integer DEFAULT 14 NOT NULL CONSTRAINT "org_policy_review_due_days_check" CHECK ("review_due_days" BETWEEN 1 AND 90);--> statement-breakpoint
ALTER TABLE "org_policy" ADD COLUMN "review_lookback_days" integer DEFAULT 90 NOT NULL CONSTRAINT "org_policy_review_lookback_days_check" CHECK ("review_lookback_days" BETWEEN 1 AND 365);--> statement-breakpoint
ALTER TABLE "access_review_campaigns" ADD CONSTRAINT "access_review_campaigns_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_review_items" ADD CONSTRAINT "access_review_items_campaign_id_access_review_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."access_review_campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_review_items" ADD CONSTRAINT "access_review_items_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_review_items" ADD CONSTRAINT "access_review_items_reviewer_id_people_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_review_campaigns_period_idx" ON "access_review_campaigns" USING btree ("period");--> statement-breakpoint
CREATE INDEX "access_review_campaigns_started_idx" ON "access_review_campaigns" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "access_review_items_campaign_bot_idx" ON "access_review_items" USING btree ("campaign_id","bot_id");--> statement-breakpoint
CREATE INDEX "access_review_items_reviewer_idx" ON "access_review_items" USING btree ("reviewer_id","status");--> statement-breakpoint
CREATE INDEX "access_review_items_bot_idx" ON "access_review_items" USING btree ("bot_id","status");