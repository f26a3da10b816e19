import { createDb } from "@bridle/db";
import { buildApp } from "./app.ts";
import { prepareDatabase } from "./bootstrap/start.ts";
import { loadConfig } from "./config.ts";
import { demoIdpFor, renewDemoGatedAction, seedDemoRequests, syncDemoSso } from "./demo/index.ts";
import { recomputeFindings } from "./modules/findings/index.ts";
import { startJobs, type Jobs } from "./jobs/index.ts";

/** Findings that depend on the clock (overdue reviews, expired exceptions) are refreshed hourly. */
const RECOMPUTE_EVERY_MS = 3_600_000;

const config = loadConfig();
const database = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.BRIDLE_DATA_DIR, poolSize: config.BRIDLE_DB_POOL_SIZE });
// Demo mode only (BRIDLE_SEED=demo, no seed file, no BRIDLE_OIDC_ISSUER): the demo sign-in provider.
const demoIdp = await demoIdpFor(config);
const app = await buildApp({ config, database, demoIdp });

try {
  const admin = await prepareDatabase(config, database, (m) => app.log.info(m));
  const demoSso = await syncDemoSso(database.db, demoIdp);
  if (demoSso === "switched_off") app.log.warn("single sign-on pointed at the demo sign-in provider, which runs only in demo mode: it is now off");
  // BRIDLE_SEED defaults to demo: on an organization of its own, the demo sign-in stays shut.
  const demo = demoIdp && demoSso !== "not_demo_org" ? demoIdp : null;
  if (demoIdp && !demo)
    app.log.warn("BRIDLE_SEED is demo (the default) but this database holds an organization of its own: the demo sign-in is not offered; set BRIDLE_SEED=none");
  await database.db.transaction((tx) => recomputeFindings(tx));
  await app.listen({ port: config.PORT, host: config.HOST });
  // Demo mode: one pending request of each kind on a fresh database; later, a new gated action when
  // the bot's last one is no longer pending. A demo without them is still a demo: log, keep serving.
  if (demo) {
    const ttl = config.BRIDLE_SESSION_TTL_HOURS * 3_600_000;
    await (admin.orgSeeded ? seedDemoRequests(app, database.db, ttl) : renewDemoGatedAction(app, database.db, ttl)).catch((err: unknown) =>
      app.log.error({ err }, "the demo's pending approval requests could not be opened"),
    );
  }
  const url = config.BRIDLE_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const demoLines =
    demo && demoSso !== "kept_own"
      ? [
          `  Try every persona: choose "Sign in with SSO" and pick a demo person (owner, security, IT, auditor, admin).`,
          `  The demo sign-in (${demo.issuer}) lets anyone be anyone: for the demo only, never for production.`,
        ]
      : [];
  const lines = [
    "",
    `  Bridle is running on ${url} (database: ${database.kind === "pglite" ? `embedded PGlite, data in ${config.BRIDLE_DATA_DIR ?? ".data/pglite"}` : "PostgreSQL"})`,
    `  Sign in as the bootstrap admin: ${admin.email}`,
    admin.generatedPassword
      ? `  Password (shown once; set BRIDLE_BOOTSTRAP_ADMIN_PASSWORD to choose your own): ${admin.generatedPassword}`
      : "  Password: the value of BRIDLE_BOOTSTRAP_ADMIN_PASSWORD (or the one printed at first start)",
    ...demoLines,
    `  API docs: ${url}/docs`,
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
} catch (err) {
  app.log.error({ err }, "startup failed");
  await database.close().catch(() => {});
  process.exit(1);
}

// Background jobs (approval expiry): pg-boss with PostgreSQL, an in-process timer with PGlite.
let jobs: Jobs | null = null;
try {
  jobs = await startJobs({ database, databaseUrl: config.DATABASE_URL, log: app.log, config });
} catch (err) {
  app.log.error({ err }, "background jobs failed to start");
  await app.close().catch(() => {});
  await database.close().catch(() => {});
  process.exit(1);
}

const timer = setInterval(() => {
  database.db.transaction((tx) => recomputeFindings(tx)).catch((err) => app.log.error({ err }, "scheduled findings recompute failed"));
}, RECOMPUTE_EVERY_MS);
timer.unref();

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, "shutting down: finishing in-flight requests");
  clearInterval(timer);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  try {
    await app.close();
    await jobs?.stop(5_000);
    await database.close();
    process.exit(0);
  } catch (err) {
    app.log.error({ err }, "error during shutdown");
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
