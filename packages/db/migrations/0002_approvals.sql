CREATE TABLE "approval_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"bot_id" uuid NOT NULL,
	"requester_person_id" uuid,
	"requester_bot_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"justification" text,
	"approver_role" text NOT NULL,
	"approvals_required" integer DEFAULT 1 NOT NULL,
	"runtime_request_id" text,
	"params_hash" text,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"consumed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"reviewer_person_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_gated_action_overrides" (
	"bot_id" uuid NOT NULL,
	"action" text NOT NULL,
	"mode" text,
	"approver_role" text,
	"approvals_required" integer,
	"request_ttl_minutes" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bot_gated_action_overrides_bot_id_action_pk" PRIMARY KEY("bot_id","action")
);
--> statement-breakpoint
CREATE TABLE "bot_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bot_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "bot_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"bot_id" uuid NOT NULL,
	"action" text NOT NULL,
	"decision" text NOT NULL,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"target" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"runtime_request_id" text,
	"session_id" text,
	"approval_request_id" uuid,
	"policy_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gated_action_policies" (
	"action" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"approver_role" text DEFAULT 'security' NOT NULL,
	"approvals_required" integer DEFAULT 1 NOT NULL,
	"request_ttl_minutes" integer DEFAULT 60 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text DEFAULT 'EdDSA' NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_jwk" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_requester_person_id_people_id_fk" FOREIGN KEY ("requester_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_requester_bot_id_bots_id_fk" FOREIGN KEY ("requester_bot_id") REFERENCES "public"."bots"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_reviews" ADD CONSTRAINT "approval_reviews_request_id_approval_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."approval_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_reviews" ADD CONSTRAINT "approval_reviews_reviewer_person_id_people_id_fk" FOREIGN KEY ("reviewer_person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_gated_action_overrides" ADD CONSTRAINT "bot_gated_action_overrides_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_tokens" ADD CONSTRAINT "bot_tokens_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_tokens" ADD CONSTRAINT "bot_tokens_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions" ADD CONSTRAINT "decisions_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approval_requests_status_idx" ON "approval_requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "approval_requests_bot_idx" ON "approval_requests" USING btree ("bot_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_requests_runtime_idx" ON "approval_requests" USING btree ("bot_id","runtime_request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "approval_reviews_once_idx" ON "approval_reviews" USING btree ("request_id","reviewer_person_id");--> statement-breakpoint
CREATE INDEX "decisions_bot_idx" ON "decisions" USING btree ("bot_id","created_at");--> statement-breakpoint
INSERT INTO "gated_action_policies" ("action", "mode", "approver_role", "approvals_required", "request_ttl_minutes") VALUES
  ('shell.exec', 'require_approval', 'security', 1, 60),
  ('email.send', 'require_approval', 'security', 1, 60),
  ('message.post_external', 'require_approval', 'security', 1, 60),
  ('config.change_production', 'require_approval', 'security', 2, 120),
  ('data.delete', 'require_approval', 'security', 2, 120),
  ('repo.approve', 'deny', 'security', 1, 60),
  ('repo.merge', 'deny', 'security', 1, 60),
  ('credential.rotate', 'require_approval', 'it', 1, 60),
  ('credential.expose', 'deny', 'security', 2, 60),
  ('billing.purchase', 'require_approval', 'admin', 2, 240)
ON CONFLICT DO NOTHING;
