-- Cheaper audit inserts (every decision is one; bench/decisions.ts). Written by hand.
--
-- Two indexes repeated another's leading column: audit_events (seq) beside the unique (seq, at),
-- which serves `order by seq` and `seq < cursor` as well, and audit_chain (position) beside the
-- primary key (position, event_at). Each cost a B-tree insert per row and served no query the
-- other does not.
DROP INDEX "audit_chain_position_idx";
--> statement-breakpoint
DROP INDEX "audit_events_seq_idx";
--> statement-breakpoint
-- The seq default, as in 0007 (the transaction id is assigned before nextval, so an event whose
-- transaction got its id after a seal run's snapshot has a seq above everything that run saw:
-- docs/AUDIT.md "Inserted into the sealed past"), as SQL instead of PL/pgSQL: CASE evaluates its
-- condition first, and a SQL function like this one is inlined into the INSERT, so no function
-- call per row.
CREATE OR REPLACE FUNCTION bridle_audit_next_seq() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT CASE WHEN pg_current_xact_id() IS NOT NULL THEN nextval('audit_events_seq_seq') END
$$;
