import { createDb } from "./client.ts";

/** `pnpm db:migrate`: applies the committed migrations to DATABASE_URL, or to the embedded database. */
const handle = await createDb({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.BRIDLE_DATA_DIR });
try {
  await handle.migrate();
  console.log(`migrations applied (${handle.kind})`);
} finally {
  await handle.close();
}
