-- The seal run's own transaction id, given after its snapshot (docs/AUDIT.md "Inserted into the sealed past").
-- Any transaction with a larger id was given it after that snapshot, so every seq it drew is above
-- what the run could see: the bound for "inserted into the sealed past". A snapshot's xmax cannot
-- serve: PostgreSQL sets it to the latest completed id + 1, so a transaction already running (and
-- drawing seqs) can lie at or above it. Null on runs written before this column.
ALTER TABLE "audit_seal_runs" ADD COLUMN "sealer_xid" xid8;
