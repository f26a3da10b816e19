-- Credential references get an owner (null: the bot's owner) and who recorded the last rotation;
-- leak playbooks (owned by the credentials module) record a suspected leak's four steps.
CREATE TABLE "leak_playbook_steps" (
	"playbook_id" uuid NOT NULL,
	"step" text NOT NULL CONSTRAINT "leak_playbook_steps_step_check" CHECK ("step" IN ('revoke', 'review_usage', 'notify', 'trace')),
	"done_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_by_type" text NOT NULL,
	"done_by_id" text,
	"done_by_label" text,
	"notes" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "leak_playbook_steps_playbook_id_step_pk" PRIMARY KEY("playbook_id","step")
);
--> statement-breakpoint
CREATE TABLE "leak_playbooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bot_id" uuid NOT NULL,
	"credential_reference_id" uuid,
	"system" text NOT NULL,
	"reference" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL CONSTRAINT "leak_playbooks_status_check" CHECK ("status" IN ('open', 'closed')),
	"reason" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_by_type" text NOT NULL,
	"started_by_id" text,
	"started_by_label" text,
	"closed_at" timestamp with time zone,
	CONSTRAINT "leak_playbooks_closed_check" CHECK (("status" = 'closed') = ("closed_at" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "owner_id" uuid;--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "last_rotated_by_type" text;--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "last_rotated_by_id" text;--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "last_rotated_by_label" text;--> statement-breakpoint
ALTER TABLE "leak_playbook_steps" ADD CONSTRAINT "leak_playbook_steps_playbook_id_leak_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."leak_playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leak_playbooks" ADD CONSTRAINT "leak_playbooks_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leak_playbooks" ADD CONSTRAINT "leak_playbooks_credential_reference_id_credential_references_id_fk" FOREIGN KEY ("credential_reference_id") REFERENCES "public"."credential_references"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leak_playbooks_bot_idx" ON "leak_playbooks" USING btree ("bot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "leak_playbooks_open_reference_idx" ON "leak_playbooks" USING btree ("credential_reference_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "leak_playbooks_open_idx" ON "leak_playbooks" USING btree ("status","started_at");--> statement-breakpoint
ALTER TABLE "credential_references" ADD CONSTRAINT "credential_references_owner_id_people_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;