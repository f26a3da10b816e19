-- Runtime status and enforcement gaps (events module, issue 10): what each bot's runtime last
-- said in its heartbeats (per gateway), and the first enforcement gap of each kind per session.
-- Both are written in the transaction that stores the runtime events they come from.
-- Two partial indexes on audit_events (written by hand; drizzle-kit does not know the partitioned
-- table) let the enforcement gap check probe one tool call and one allow decision by key, so its
-- cost does not grow with the session: only `runtime.tool_call` and `decision.allow` rows pay for them.
CREATE TABLE "bot_runtimes" (
	"bot_id" uuid NOT NULL,
	"gateway" text NOT NULL,
	"runtime" text NOT NULL,
	"runtime_version" text,
	"plugin" text,
	"plugin_version" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bot_runtimes_bot_id_gateway_pk" PRIMARY KEY("bot_id","gateway"),
	CONSTRAINT "bot_runtimes_gateway_len" CHECK (char_length("gateway") <= 200),
	CONSTRAINT "bot_runtimes_seen" CHECK ("first_seen_at" <= "last_seen_at")
);
--> statement-breakpoint
CREATE TABLE "runtime_gaps" (
	"bot_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"kind" text NOT NULL,
	"tool" text,
	"message" text NOT NULL,
	"event_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "runtime_gaps_bot_id_session_id_kind_pk" PRIMARY KEY("bot_id","session_id","kind"),
	CONSTRAINT "runtime_gaps_kind" CHECK ("kind" IN ('undecided_call', 'reported')),
	CONSTRAINT "runtime_gaps_session_id_len" CHECK (char_length("session_id") BETWEEN 1 AND 200)
);
--> statement-breakpoint
ALTER TABLE "bot_runtimes" ADD CONSTRAINT "bot_runtimes_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runtime_gaps" ADD CONSTRAINT "runtime_gaps_bot_id_bots_id_fk" FOREIGN KEY ("bot_id") REFERENCES "public"."bots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runtime_gaps_bot_at_idx" ON "runtime_gaps" USING btree ("bot_id","at");--> statement-breakpoint
COMMENT ON TABLE "bot_runtimes" IS 'Owner: events module. One row per bot and gateway from heartbeat runtime events; last_seen_at on Bridle''s clock (findings: runtime_silent)';--> statement-breakpoint
COMMENT ON TABLE "runtime_gaps" IS 'Owner: events module. First enforcement gap of each kind per bot and runtime session (findings: enforcement_gap; one alert each)';--> statement-breakpoint
CREATE INDEX "audit_events_tool_call_idx" ON "audit_events" USING btree ("session_id", ("details"->>'toolCallId')) WHERE "action" = 'runtime.tool_call';--> statement-breakpoint
CREATE INDEX "audit_events_allow_request_idx" ON "audit_events" USING btree ("session_id", ("details"->>'runtimeRequestId')) WHERE "action" = 'decision.allow';
