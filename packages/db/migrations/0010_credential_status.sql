-- Credential references get a lifecycle (owned by the credentials module): active, due for rotation
-- (since when and why), or revoked (when and by whom, as the audit writer records actors).
ALTER TABLE "credential_references" ADD COLUMN "status" text DEFAULT 'active' NOT NULL CONSTRAINT "credential_references_status_check" CHECK ("status" IN ('active', 'rotation_due', 'revoked'));--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "rotation_due_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "rotation_due_reason" text CONSTRAINT "credential_references_rotation_due_reason_check" CHECK ("rotation_due_reason" IN ('interval', 'owner_changed', 'scope_changed', 'leak_suspected', 'offboarding'));--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "revoked_by_type" text;--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "revoked_by_id" text;--> statement-breakpoint
ALTER TABLE "credential_references" ADD COLUMN "revoked_by_label" text;--> statement-breakpoint
-- A due reference knows why and since when; a revoked one when.
ALTER TABLE "credential_references" ADD CONSTRAINT "credential_references_due_check" CHECK ("status" <> 'rotation_due' OR ("rotation_due_since" IS NOT NULL AND "rotation_due_reason" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "credential_references" ADD CONSTRAINT "credential_references_revoked_check" CHECK ("status" <> 'revoked' OR "revoked_at" IS NOT NULL);--> statement-breakpoint
CREATE INDEX "credential_references_status_idx" ON "credential_references" USING btree ("status") WHERE status <> 'active';
