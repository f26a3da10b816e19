-- The audit partition functions run as their owner (SECURITY DEFINER), so whoever may call them
-- acts with the owner's rights: PostgreSQL grants EXECUTE on a new function to PUBLIC. Only the
-- owner (the role that runs migrations and the app) may call them now.
REVOKE EXECUTE ON FUNCTION bridle_audit_ensure_partitions(timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION bridle_audit_drop_month(timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- bridle_audit_ensure_partitions, as in 0007, but refusing a range of more than 36 months: one call
-- cannot create thousands of tables (3 per month).
CREATE OR REPLACE FUNCTION bridle_audit_ensure_partitions(p_from timestamptz, p_to timestamptz) RETURNS integer
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
  IF date_trunc('month', p_to AT TIME ZONE 'UTC') > date_trunc('month', p_from AT TIME ZONE 'UTC') + interval '36 months' THEN
    RAISE EXCEPTION 'audit partitions are created for at most 36 months at a time (asked from % to %)', p_from, p_to USING ERRCODE = 'invalid_parameter_value';
  END IF;
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
-- CREATE OR REPLACE keeps the function's grants; revoked again so the migration says it in one place.
REVOKE EXECUTE ON FUNCTION bridle_audit_ensure_partitions(timestamptz, timestamptz) FROM PUBLIC;
