-- The tamper-evident audit log (docs/AUDIT.md): audit_events partitioned by month, the hash chain
-- (audit_chain) appended by the sealer, its seal runs and signed checkpoints, all append-only;
-- partition maintenance and retention through two SECURITY DEFINER functions, so the application's
-- role needs no DDL rights. Written by hand: drizzle-kit does not know partitioned tables.

-- The org setting: how long audit events are kept (days). Never less than 90.
ALTER TABLE "org_policy" ADD COLUMN "audit_retention_days" integer DEFAULT 365 NOT NULL CONSTRAINT "org_policy_audit_retention_days_min" CHECK ("audit_retention_days" >= 90);
--> statement-breakpoint
-- One message for every audit table; TG_ARGV[0] names the table (a partition reports its parent).
CREATE FUNCTION bridle_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is refused', TG_ARGV[0], TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
-- An event's seq is taken after its transaction id is assigned, so an event whose xid was assigned
-- after a seal run's snapshot has a seq above everything that run sealed (docs/AUDIT.md "Inserted
-- into the sealed past"). Column defaults are not promised to run in any order; this function is.
CREATE FUNCTION bridle_audit_next_seq() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_current_xact_id();
  RETURN nextval('audit_events_seq_seq');
END
$$;
--> statement-breakpoint
ALTER SEQUENCE "audit_events_seq_seq" OWNED BY NONE;
--> statement-breakpoint
ALTER TABLE "audit_events" RENAME TO "audit_events_unpartitioned";
--> statement-breakpoint
ALTER TABLE "audit_events_unpartitioned" RENAME CONSTRAINT "audit_events_pkey" TO "audit_events_unpartitioned_pkey";
--> statement-breakpoint
DROP INDEX "audit_events_seq_idx", "audit_events_resource_idx", "audit_events_session_idx", "audit_events_request_idx";
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"xid" xid8 DEFAULT pg_current_xact_id() NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint DEFAULT bridle_audit_next_seq() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_label" text,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text,
	"outcome" text NOT NULL,
	"request_id" text,
	"session_id" text,
	"source_ip" text,
	"user_agent" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "audit_events_id_at_pk" PRIMARY KEY("id","at")
) PARTITION BY RANGE ("at");
--> statement-breakpoint
ALTER SEQUENCE "audit_events_seq_seq" OWNED BY "audit_events"."seq";
--> statement-breakpoint
CREATE TABLE "audit_chain" (
	"position" bigint NOT NULL,
	"event_id" uuid NOT NULL,
	"event_seq" bigint NOT NULL,
	"event_at" timestamp with time zone NOT NULL,
	"event_hash" bytea NOT NULL,
	"chain_hash" bytea NOT NULL,
	"run" bigint NOT NULL,
	CONSTRAINT "audit_chain_position_event_at_pk" PRIMARY KEY("position","event_at")
) PARTITION BY RANGE ("event_at");
--> statement-breakpoint
CREATE TABLE "audit_seal_runs" (
	"run" bigint NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_position" bigint NOT NULL,
	"last_position" bigint NOT NULL,
	"scan_from" xid8 NOT NULL,
	"snapshot" text NOT NULL,
	"max_seq" bigint NOT NULL,
	"head_hash" bytea NOT NULL,
	"run_hash" bytea NOT NULL,
	CONSTRAINT "audit_seal_runs_run_sealed_at_pk" PRIMARY KEY("run","sealed_at")
) PARTITION BY RANGE ("sealed_at");
--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"number" bigint PRIMARY KEY NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL CONSTRAINT "audit_checkpoints_kind_check" CHECK ("kind" IN ('seal', 'retention_cut')),
	"position" bigint NOT NULL,
	"head_hash" bytea NOT NULL,
	"run" bigint NOT NULL,
	"run_hash" bytea NOT NULL,
	"prev_id" uuid,
	"prev_hash" bytea,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"kid" text NOT NULL,
	"jws" text NOT NULL,
	CONSTRAINT "audit_checkpoints_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_seq_at_key" ON "audit_events" USING btree ("seq","at");
--> statement-breakpoint
CREATE INDEX "audit_events_seq_idx" ON "audit_events" USING btree ("seq");
--> statement-breakpoint
CREATE INDEX "audit_events_xid_idx" ON "audit_events" USING btree ("xid");
--> statement-breakpoint
CREATE INDEX "audit_events_resource_idx" ON "audit_events" USING btree ("resource_type","resource_id");
--> statement-breakpoint
CREATE INDEX "audit_events_session_idx" ON "audit_events" USING btree ("session_id");
--> statement-breakpoint
CREATE INDEX "audit_events_request_idx" ON "audit_events" USING btree ("request_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "audit_chain_event_key" ON "audit_chain" USING btree ("event_id","event_at");
--> statement-breakpoint
CREATE INDEX "audit_chain_position_idx" ON "audit_chain" USING btree ("position");
--> statement-breakpoint
CREATE INDEX "audit_seal_runs_run_idx" ON "audit_seal_runs" USING btree ("run");
--> statement-breakpoint
CREATE INDEX "audit_checkpoints_position_idx" ON "audit_checkpoints" USING btree ("position");
--> statement-breakpoint
-- Row triggers on a partitioned table apply to every partition, present and future (PostgreSQL 13+).
-- TRUNCATE triggers do not reach a partition truncated by name: bridle_audit_ensure_partitions adds
-- one to each partition it creates.
CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION bridle_audit_append_only('audit_events');
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION bridle_audit_append_only('audit_events');
--> statement-breakpoint
CREATE TRIGGER "audit_chain_append_only" BEFORE UPDATE OR DELETE ON "audit_chain" FOR EACH ROW EXECUTE FUNCTION bridle_audit_append_only('audit_chain');
--> statement-breakpoint
CREATE TRIGGER "audit_chain_no_truncate" BEFORE TRUNCATE ON "audit_chain" FOR EACH STATEMENT EXECUTE FUNCTION bridle_audit_append_only('audit_chain');
--> statement-breakpoint
CREATE TRIGGER "audit_seal_runs_append_only" BEFORE UPDATE OR DELETE ON "audit_seal_runs" FOR EACH ROW EXECUTE FUNCTION bridle_audit_append_only('audit_seal_runs');
--> statement-breakpoint
CREATE TRIGGER "audit_seal_runs_no_truncate" BEFORE TRUNCATE ON "audit_seal_runs" FOR EACH STATEMENT EXECUTE FUNCTION bridle_audit_append_only('audit_seal_runs');
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_append_only" BEFORE UPDATE OR DELETE ON "audit_checkpoints" FOR EACH ROW EXECUTE FUNCTION bridle_audit_append_only('audit_checkpoints');
--> statement-breakpoint
CREATE TRIGGER "audit_checkpoints_no_truncate" BEFORE TRUNCATE ON "audit_checkpoints" FOR EACH STATEMENT EXECUTE FUNCTION bridle_audit_append_only('audit_checkpoints');
--> statement-breakpoint
-- Creates the monthly partitions (UTC months, named <table>_pYYYYMM) of audit_events (on at),
-- audit_chain (on event_at) and audit_seal_runs (on sealed_at) for every month from p_from to p_to,
-- and the default partitions that hold anything outside them. A month whose rows already sit in
-- the default partition is skipped (creating it would fail). Returns how many tables it created.
-- SECURITY DEFINER: the application's role runs it without owning the tables.
CREATE FUNCTION bridle_audit_ensure_partitions(p_from timestamptz, p_to timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m timestamp;
  lo text;
  hi text;
  spec text[];
  part text;
  created integer := 0;
  busy boolean;
BEGIN
  FOREACH spec SLICE 1 IN ARRAY ARRAY[['audit_events', 'at'], ['audit_chain', 'event_at'], ['audit_seal_runs', 'sealed_at']] LOOP
    part := spec[1] || '_default';
    IF to_regclass(part) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', part, spec[1]);
      EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bridle_audit_append_only(%L)', part || '_no_truncate', part, spec[1]);
      created := created + 1;
    END IF;
    FOR m IN SELECT generate_series(date_trunc('month', p_from AT TIME ZONE 'UTC'), date_trunc('month', p_to AT TIME ZONE 'UTC'), interval '1 month') LOOP
      part := spec[1] || '_p' || to_char(m, 'YYYYMM');
      CONTINUE WHEN to_regclass(part) IS NOT NULL;
      lo := to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00';
      hi := to_char(m + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L AND %I < %L)', spec[1] || '_default', spec[2], lo, spec[2], hi) INTO busy;
      IF busy THEN
        RAISE WARNING 'audit partition % not created: its rows are in the default partition', part;
        CONTINUE;
      END IF;
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, spec[1], lo, hi);
      EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bridle_audit_append_only(%L)', part || '_no_truncate', part, spec[1]);
      created := created + 1;
    END LOOP;
  END LOOP;
  RETURN created;
END
$$;
--> statement-breakpoint
-- Retention, the one sanctioned way audit rows leave: detaches and drops the month partitions of
-- audit_events, audit_chain and audit_seal_runs for the UTC month of p_month. Refused when that
-- month ends inside the org's retention period (org_policy.audit_retention_days, at least 90 days),
-- or when no retention_cut checkpoint covers the month's last chain position (the cut must be
-- recorded, and signed, before the rows go). SECURITY DEFINER, like bridle_audit_ensure_partitions.
CREATE FUNCTION bridle_audit_drop_month(p_month timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  m timestamp := date_trunc('month', p_month AT TIME ZONE 'UTC');
  keep_days integer;
  last_position bigint;
  cut bigint;
  t text;
BEGIN
  SELECT greatest(coalesce(max(audit_retention_days), 365), 90) INTO keep_days FROM org_policy;
  IF (m + interval '1 month') AT TIME ZONE 'UTC' > now() - make_interval(days => keep_days) THEN
    RAISE EXCEPTION 'audit events of % are within the retention period (% days)', to_char(m, 'YYYY-MM'), keep_days USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF to_regclass('audit_chain_p' || to_char(m, 'YYYYMM')) IS NOT NULL THEN
    EXECUTE format('SELECT max(position) FROM %I', 'audit_chain_p' || to_char(m, 'YYYYMM')) INTO last_position;
  END IF;
  SELECT max(position) INTO cut FROM audit_checkpoints WHERE kind = 'retention_cut';
  IF last_position IS NOT NULL AND (cut IS NULL OR cut < last_position) THEN
    RAISE EXCEPTION 'no retention_cut checkpoint covers the audit chain of % (last position %)', to_char(m, 'YYYY-MM'), last_position USING ERRCODE = 'insufficient_privilege';
  END IF;
  FOREACH t IN ARRAY ARRAY['audit_events', 'audit_chain', 'audit_seal_runs'] LOOP
    IF to_regclass(t || '_p' || to_char(m, 'YYYYMM')) IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', t, t || '_p' || to_char(m, 'YYYYMM'));
      EXECUTE format('DROP TABLE %I', t || '_p' || to_char(m, 'YYYYMM'));
    END IF;
  END LOOP;
END
$$;
--> statement-breakpoint
SELECT bridle_audit_ensure_partitions(coalesce((SELECT min("at") FROM "audit_events_unpartitioned"), now()), now() + interval '2 months');
--> statement-breakpoint
-- Existing events keep their id, seq and time; their xid is this migration's transaction, so the
-- first seal run after it chains them in seq order.
INSERT INTO "audit_events" ("id", "seq", "at", "actor_type", "actor_id", "actor_label", "action", "resource_type", "resource_id", "outcome", "request_id", "session_id", "source_ip", "user_agent", "details")
SELECT "id", "seq", "at", "actor_type", "actor_id", "actor_label", "action", "resource_type", "resource_id", "outcome", "request_id", "session_id", "source_ip", "user_agent", "details" FROM "audit_events_unpartitioned";
--> statement-breakpoint
DROP TABLE "audit_events_unpartitioned";
--> statement-breakpoint
DROP FUNCTION bridle_audit_events_append_only();
