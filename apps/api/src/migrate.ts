/**
 * `pnpm db:migrate`, the release step, run with DATABASE_URL of the role that owns the database:
 * applies the committed SQL migrations (to the embedded database when DATABASE_URL is unset) and,
 * on PostgreSQL, installs the job queue's schema and queues (pg-boss). Bridle's own start does
 * the same when its role may; a least-privilege role (README) relies on this step having run.
 */
import { createDb } from "@bridle/db";
import { installJobs } from "./jobs/index.ts";

const databaseUrl = process.env.DATABASE_URL || undefined;
const handle = await createDb({ databaseUrl, dataDir: process.env.BRIDLE_DATA_DIR });
try {
  await handle.migrate();
  if (databaseUrl) await installJobs(databaseUrl);
  console.log(`migrations applied (${handle.kind})${databaseUrl ? "; job queue installed" : ""}`);
} finally {
  await handle.close();
}
