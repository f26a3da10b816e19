-- Runtime sessions (events module): one row per bot and runtime session id, summarising the
-- runtime events stored as audit events (`runtime.*`), so a bot's sessions list without scanning
-- the audit log. Updated in the transaction that stores the events.
CREATE TABLE "runtime_sessions" (
	"bot_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	"tool_calls" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(18, 6) DEFAULT '0' NOT NULL,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runtime_sessions_bot_id_session_id_pk" PRIMARY KEY("bot_id","session_id"),
	CONSTRAINT "runtime_sessions_session_id_len" CHECK (char_length("session_id") BETWEEN 1 AND 200),
	CONSTRAINT "runtime_sessions_counts" CHECK ("events" >= 0 AND "tool_calls" >= 0 AND "errors" >= 0 AND "input_tokens" >= 0 AND "output_tokens" >= 0 AND "cost_usd" >= 0),
	CONSTRAINT "runtime_sessions_span" CHECK ("first_at" <= "last_at")
);
--> statement-breakpoint
ALTER TABLE "runtime_sessions" ADD CONSTRAINT "runtime_sessions_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runtime_sessions_bot_last_idx" ON "runtime_sessions" USING btree ("bot_id","last_at");--> statement-breakpoint
COMMENT ON TABLE "runtime_sessions" IS 'Owner: events module. One row per bot and runtime session id; first_at/last_at on the runtime''s clock; counts of stored runtime events (retries add nothing)';
