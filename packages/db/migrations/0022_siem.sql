-- Streaming to the SIEM (siem module, issue 11): where audit events go (syslog over TLS, or
-- Splunk-HEC-compatible HTTP) and, per destination, the durable cursor: the last audit chain
-- position the receiver took. The deliverer advances `position` only after the receiver took the
-- batch, in the same statement that records the success.
CREATE TABLE "siem_destinations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"endpoint" text NOT NULL,
	"tls_ca_pem" text,
	"tls_verify" boolean DEFAULT true NOT NULL,
	"token_enc" text,
	"token_hint" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL,
	"delivered" bigint DEFAULT 0 NOT NULL,
	"last_delivered_at" timestamp with time zone,
	"last_delivered_event_at" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "siem_destinations_kind" CHECK ("kind" IN ('syslog', 'http')),
	CONSTRAINT "siem_destinations_name_len" CHECK (char_length("name") BETWEEN 1 AND 100),
	CONSTRAINT "siem_destinations_endpoint_len" CHECK (char_length("endpoint") BETWEEN 1 AND 2000),
	CONSTRAINT "siem_destinations_position" CHECK ("position" >= 0),
	CONSTRAINT "siem_destinations_http_token" CHECK ("kind" <> 'http' OR "token_enc" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "siem_destinations" ADD CONSTRAINT "siem_destinations_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "siem_destinations_name" ON "siem_destinations" USING btree (lower("name"));
