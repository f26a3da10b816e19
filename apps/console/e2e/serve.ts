/**
 * Starts the real Bridle server for the end-to-end tests on a fresh PostgreSQL database
 * (E2E_DATABASE_URL's server, default the local one), seeded with the demo organization like
 * `pnpm start` (or, with E2E_SEED=none, an empty organization as `BRIDLE_SEED=none` starts it).
 * Databases from earlier runs are dropped first.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { E2E_ADMIN_PASSWORD } from "./fixtures.ts";

const admin = process.env.E2E_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const client = new pg.Client({ connectionString: admin });
await client.connect();
// Only databases of runs that started over two hours ago: another checkout may be running its own.
const old = await client.query<{ datname: string }>("select datname from pg_database where datname like 'bridle_e2e_%'");
const stale = Date.now() - 2 * 3_600_000;
for (const r of old.rows)
  if (Number.parseInt(r.datname.slice("bridle_e2e_".length), 10) < stale) await client.query(`drop database if exists ${r.datname} with (force)`);
// The suffix keeps the two servers of one run (demo and empty) apart.
const name = `bridle_e2e_${Date.now()}_${randomBytes(3).toString("hex")}`;
await client.query(`create database ${name}`);
await client.end();

const url = new URL(admin);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
process.env.BRIDLE_BOOTSTRAP_ADMIN_PASSWORD = E2E_ADMIN_PASSWORD;
process.env.BRIDLE_SEED = process.env.E2E_SEED === "none" ? "none" : "demo";
// The browser's address (playwright.config.ts baseURL), so the demo sign-in provider's issuer is on the same origin.
process.env.BRIDLE_PUBLIC_URL ??= `http://127.0.0.1:${process.env.PORT ?? 3210}`;
process.env.LOG_LEVEL ??= "warn";
// sso.spec.ts runs its OpenID Connect provider on http://127.0.0.1 and stores a client secret.
process.env.BRIDLE_OIDC_ALLOW_HTTP ??= "true";
process.env.BRIDLE_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
await import("../../api/src/server.ts");
