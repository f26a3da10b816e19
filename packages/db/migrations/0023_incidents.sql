-- Incidents (the incidents module): a record per incident or drill that follows the response
-- windows (stop the bleeding, classify, fix and prove, make it stick), the bots involved, and the
-- audit events linked to it as evidence. The blast radius is computed on read from the inventory
-- and the audit log, never stored.
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"severity" text NOT NULL,
	"phase" text DEFAULT 'stop_the_bleeding' NOT NULL,
	"is_drill" boolean DEFAULT false NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"declared_at" timestamp with time zone DEFAULT now() NOT NULL,
	"declared_by_type" text NOT NULL,
	"declared_by_id" text,
	"declared_by_label" text,
	"containment" text,
	"contained_at" timestamp with time zone,
	"root_cause_class" text,
	"root_cause" text,
	"classified_at" timestamp with time zone,
	"permanent_fix" text,
	"fixed_at" timestamp with time zone,
	"new_monitors" text,
	"closed_at" timestamp with time zone,
	"closed_by_label" text,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_severity_check" CHECK ("severity" IN ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "incidents_phase_check" CHECK ("phase" IN ('stop_the_bleeding', 'classify', 'fix_and_prove', 'make_it_stick', 'closed')),
	CONSTRAINT "incidents_root_cause_class_check" CHECK ("root_cause_class" IN ('misconfiguration', 'insider_misuse', 'external_attack', 'unknown'))
);
--> statement-breakpoint
CREATE TABLE "incident_bots" (
	"incident_id" uuid NOT NULL REFERENCES "incidents"("id") ON DELETE cascade,
	"bot_id" uuid NOT NULL REFERENCES "bots"("id") ON DELETE cascade,
	PRIMARY KEY ("incident_id", "bot_id")
);
--> statement-breakpoint
-- Evidence points at an audit event by (id, at): the log is partitioned by month and its old
-- partitions are dropped whole by retention, so there is no foreign key; a link whose event is
-- gone reads as "no longer in the log".
CREATE TABLE "incident_evidence" (
	"incident_id" uuid NOT NULL REFERENCES "incidents"("id") ON DELETE cascade,
	"audit_event_id" uuid NOT NULL,
	"audit_event_at" timestamp with time zone NOT NULL,
	"note" text,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"added_by_label" text,
	PRIMARY KEY ("incident_id", "audit_event_id")
);
--> statement-breakpoint
CREATE INDEX "incidents_declared_idx" ON "incidents" USING btree ("declared_at", "id");--> statement-breakpoint
CREATE INDEX "incident_bots_bot_idx" ON "incident_bots" USING btree ("bot_id");
