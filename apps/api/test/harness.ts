import { randomBytes } from "node:crypto";
import { createDb, type DbHandle } from "@bridle/db";
import type { FastifyInstance, InjectOptions } from "fastify";
import pg from "pg";
import { inject } from "vitest";
import type {} from "./global-setup.ts";
import { buildApp } from "../src/app.ts";
import { prepareDatabase } from "../src/bootstrap/start.ts";
import { loadConfig } from "../src/config.ts";

export const ADMIN_EMAIL = "admin@acme.example";
export const ADMIN_PASSWORD = "correct-horse-battery-staple";
export const ADMIN_TOKEN = "brdl_test_bootstrap_admin_token_0123456789";

export type TestApp = {
  app: FastifyInstance;
  database: DbHandle;
  /** inject with the bootstrap admin token */
  api: ReturnType<typeof adminInject>;
  close: () => Promise<void>;
  /** the configuration it runs with (its DATABASE_URL names its own database) */
  config: ReturnType<typeof loadConfig>;
  /** the environment that configuration was read from */
  env: Record<string, string>;
};

const adminInject = (app: FastifyInstance) => (o: InjectOptions) =>
  app.inject({ ...o, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(o.headers ?? {}) } });

/**
 * A real app on a fresh database cloned from the run's migrated template (or on `databaseUrl`),
 * seeded like `pnpm start`.
 */
export async function createTestApp(opts: { seed?: "demo" | "none"; env?: Record<string, string>; databaseUrl?: string } = {}): Promise<TestApp> {
  const env: Record<string, string> = {
    DATABASE_URL: opts.databaseUrl ?? (await freshDatabase()),
    BRIDLE_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BRIDLE_BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    BRIDLE_SEED: opts.seed ?? "demo",
    BRIDLE_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    BRIDLE_BODY_LIMIT_BYTES: String(1024 * 1024),
    LOG_LEVEL: "silent",
    ...opts.env,
  };
  const config = loadConfig(env);
  const database = await createDb({ databaseUrl: config.DATABASE_URL, poolSize: 5 });
  try {
    await prepareDatabase(config, database, () => {});
  } catch (e) {
    await database.close();
    throw e;
  }
  return startApp(config, database, env);
}

/** A fresh database cloned from the run's migrated template; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const admin = inject("adminDatabaseUrl");
  const name = `${inject("templateDatabase")}_f${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name} template ${inject("templateDatabase")}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startApp(config: TestApp["config"], database: DbHandle, env: Record<string, string>): Promise<TestApp> {
  const app = await buildApp({ config, database, logger: false });
  await app.ready();
  return {
    app,
    database,
    api: adminInject(app),
    close: async () => {
      await app.close();
      await database.close();
    },
    config,
    env,
  };
}

/**
 * A second replica of a test app: its own process state (decision snapshot, LISTEN connection,
 * pool) on the same database, as two servers behind a load balancer. Close it before the first.
 * `env` changes its settings (as a restart with other environment variables would).
 */
export async function createReplica(t: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
  const merged = { ...t.env, ...env };
  return startApp(loadConfig(merged), await createDb({ databaseUrl: t.config.DATABASE_URL, poolSize: 5 }), merged);
}

/** Signs in through the real login route; returns the cookie header and CSRF token. */
export async function login(app: FastifyInstance, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  const res = await app.inject({ method: "POST", url: "/auth/local/login", payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === "bridle_session");
  return { cookie: `bridle_session=${cookie!.value}`, csrfToken: (res.json() as { csrfToken: string }).csrfToken };
}

/** Issues an API token for any person (as an admin would, once personal tokens exist). */
export async function tokenFor(database: DbHandle, email: string, roles: string[] = []) {
  const { apiTokens, people } = await import("@bridle/db");
  const { eq } = await import("drizzle-orm");
  const { hashToken } = await import("../src/lib/crypto.ts");
  const [person] = await database.db.select().from(people).where(eq(people.email, email));
  if (!person) throw new Error(`no person ${email}`);
  const token = `brdl_test_${randomBytes(16).toString("hex")}`;
  await database.db.insert(apiTokens).values({ name: "test", kind: "personal", tokenHash: hashToken(token), personId: person.id, roles: roles.length ? roles : person.roles });
  return token;
}
