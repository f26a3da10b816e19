import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TAuditVerifyReport } from "@bridle/contracts";
import { createDb, MigrationPermissionError, REPO_ROOT } from "@bridle/db";
import { sql } from "drizzle-orm";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { APPROVAL_EXPIRY_QUEUE, startJobs, type Jobs } from "../jobs/index.ts";
import { rowsOf } from "../lib/sql.ts";
import { ensurePartitions } from "../modules/audit/index.ts";

/**
 * README "Least-privilege database role", as written there: an owning role migrates an empty
 * database (`pnpm db:migrate`), the README's SQL (read from README.md, so the two cannot drift)
 * creates the application's role, and Bridle runs as that role: it starts, seeds, writes, seals and
 * checkpoints the audit log, verifies it and runs its background jobs; it cannot change or remove
 * audit events, nor do DDL; the partition functions are the README's to grant.
 */

/** The ```sql block of the README's "Least-privilege database role" item. */
function readmeGrants(): string {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const item = readme.indexOf("**Least-privilege database role**");
  expect(item).toBeGreaterThan(0);
  const block = /```sql\n([\s\S]*?)```/.exec(readme.slice(item));
  expect(block).not.toBeNull();
  return block![1]!;
}

const suffix = randomBytes(4).toString("hex");
const OWNER = `bridle_owner_${suffix}`;
const APP = `bridle_app_${suffix}`;
/** A role of another application on the same server: nothing granted to it. */
const OTHER = `bridle_other_${suffix}`;
const DATABASE = `${inject("templateDatabase")}_lp${suffix}`;

const urlAs = (user: string) => {
  const url = new URL(inject("adminDatabaseUrl"));
  url.username = user;
  url.password = "least-privilege";
  url.pathname = `/${DATABASE}`;
  return url.toString();
};
const admin = () => new pg.Client({ connectionString: inject("adminDatabaseUrl") });

/** Runs `statement` as `user` on the database: null when it succeeds, else the PostgreSQL error code and message. */
async function refusalAs(user: string, statement: string): Promise<{ code: string; message: string } | null> {
  const c = new pg.Client({ connectionString: urlAs(user) });
  await c.connect();
  try {
    await c.query(statement);
    return null;
  } catch (e) {
    return { code: (e as { code?: string }).code ?? "unknown", message: (e as Error).message };
  } finally {
    await c.end();
  }
}
const denied = (message: RegExp) => ({ code: "42501", message: expect.stringMatching(message) as unknown as string });

describe("the least-privilege database role of the README", () => {
  let t: TestApp;
  let jobs: Jobs | null = null;

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`create role ${OWNER} login password 'least-privilege'`);
    await c.query(`create role ${OTHER} login password 'least-privilege'`);
    await c.query(`create database ${DATABASE} owner ${OWNER}`);
    await c.end();

    // the release step, as the owning role: `pnpm db:migrate`
    const release = spawnSync(process.execPath, ["--import", "tsx", "apps/api/src/migrate.ts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: urlAs(OWNER) },
      timeout: 60_000,
    });
    expect(release.stdout + release.stderr).toContain("migrations applied (postgres); job queue installed");

    // the README's SQL, with this run's role name, by the administrator
    const grants = readmeGrants().replaceAll("bridle_app", APP).replace("PASSWORD '...'", "PASSWORD 'least-privilege'");
    const dba = new pg.Client({ connectionString: urlAs("postgres") });
    await dba.connect();
    await dba.query(grants);
    await dba.end();

    t = await createTestApp({ seed: "demo", databaseUrl: urlAs(APP), env: { BRIDLE_AUDIT_SEAL_INTERVAL_MS: "0" } });
  });

  afterAll(async () => {
    await jobs?.stop();
    await t?.close();
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists ${DATABASE} with (force)`);
    for (const role of [APP, OWNER, OTHER]) await c.query(`drop role if exists ${role}`);
    await c.end();
  });

  it("starts as that role: migrations already applied, the demo seeded, the signing key created", async () => {
    expect(rowsOf<{ u: string }>(await t.database.db.execute(sql`select current_user as u`))).toEqual([{ u: APP }]);
    const bots = await t.api({ method: "GET", url: "/api/v1/bots?limit=5" });
    expect(bots.statusCode).toBe(200);
    expect((bots.json() as { items: unknown[] }).items).toHaveLength(5);
    expect(((await t.app.inject({ method: "GET", url: "/.well-known/jwks.json" })).json() as { keys: unknown[] }).keys).toHaveLength(1);
  });

  it("writes, audits, seals, checkpoints and verifies as that role, and runs its background jobs", async () => {
    const list = (await t.api({ method: "GET", url: "/api/v1/bots?limit=1" })).json() as { items: { id: string; version: number }[] };
    const bot = list.items[0]!;
    const edit = await t.api({ method: "PATCH", url: `/api/v1/bots/${bot.id}`, payload: { version: bot.version, purpose: "Edited by the least-privilege role" } });
    expect(edit.statusCode, edit.body).toBe(200);
    // the export seals and checkpoints first, as this role
    const exported = await t.api({ method: "GET", url: "/api/v1/audit-events/export?format=ndjson&action=bot.update" });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('"type":"checkpoint"');
    const report = (await t.api({ method: "GET", url: "/api/v1/audit/verify" })).json() as TAuditVerifyReport;
    expect(report).toMatchObject({ ok: true, problemCount: 0 });
    expect(report.checkpoints.count).toBeGreaterThan(0);
    // partition maintenance goes through the SECURITY DEFINER function it is granted
    expect(await ensurePartitions(t.database.db)).toBeGreaterThanOrEqual(0);
    // the background jobs (pg-boss) as this role: a due approval request expires when its job runs
    const errors: unknown[] = [];
    jobs = await startJobs({ database: t.database, databaseUrl: urlAs(APP), log: { info: () => {}, error: (o: unknown) => errors.push(o) } });
    expect(jobs.kind).toBe("pg-boss");
    const [request] = rowsOf<{ id: string }>(
      await t.database.db.execute(sql`insert into approval_requests (kind, bot_id, payload, approver_role, expires_at)
        values ('ownership_transfer', ${bot.id}, '{"toEmail":"a@acme.example"}'::jsonb, 'it', now() - interval '1 minute') returning id::text`),
    );
    const sender = new PgBoss({ connectionString: urlAs(APP), supervise: false, schedule: false, migrate: false, max: 1 });
    await sender.start();
    await sender.send(APPROVAL_EXPIRY_QUEUE, {});
    await sender.stop({ graceful: false, wait: true, timeout: 1000 });
    const statusOf = async () => rowsOf<{ status: string }>(await t.database.db.execute(sql`select status from approval_requests where id = ${request!.id}`))[0]!.status;
    for (let i = 0; i < 100 && (await statusOf()) !== "expired"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await statusOf()).toBe("expired");
    expect(errors).toEqual([]);
  });

  it("cannot change or remove audit events, chain rows, seal runs or checkpoints, nor switch their triggers off", async () => {
    for (const table of ["audit_events", "audit_chain", "audit_seal_runs", "audit_checkpoints"]) {
      const column = table === "audit_events" ? "outcome = 'denied'" : table === "audit_checkpoints" ? "kid = kid" : "run = run";
      expect(await refusalAs(APP, `update ${table} set ${column}`), table).toEqual(denied(new RegExp(`permission denied for table ${table}`)));
      expect(await refusalAs(APP, `delete from ${table}`), table).toEqual(denied(new RegExp(`permission denied for table ${table}`)));
      expect(await refusalAs(APP, `truncate ${table}`), table).toEqual(denied(new RegExp(`permission denied for table ${table}`)));
      expect(await refusalAs(APP, `alter table ${table} disable trigger user`), table).toEqual(denied(/must be owner/));
    }
    // a month partition by name, which holds this month's rows: no rights on it at all
    const month = new Date().toISOString().slice(0, 7).replace("-", "");
    for (const table of ["audit_events", "audit_chain", "audit_seal_runs"]) {
      const partition = `${table}_p${month}`;
      expect(await refusalAs(APP, `delete from ${partition}`), partition).toEqual(denied(new RegExp(`permission denied for table ${partition}`)));
      expect(await refusalAs(APP, `update ${partition} set ${table === "audit_events" ? "outcome = outcome" : "run = run"}`), partition).toEqual(
        denied(new RegExp(`permission denied for table ${partition}`)),
      );
    }
    // no DDL of its own
    expect(await refusalAs(APP, "create table sneaky (id int)")).toEqual(denied(/permission denied for schema public/));
    expect(await refusalAs(APP, "drop table audit_chain_default")).toEqual(denied(/must be owner/));
  });

  it("refuses to start with a migration pending, saying to run `pnpm db:migrate` as the owning role", async () => {
    const owner = new pg.Client({ connectionString: urlAs(OWNER) });
    await owner.connect();
    const [last] = (await owner.query<{ id: number; hash: string; created_at: string }>("select id, hash, created_at::text from drizzle.__drizzle_migrations order by created_at desc limit 1")).rows;
    await owner.query("delete from drizzle.__drizzle_migrations where id = $1", [last!.id]);
    const app = await createDb({ databaseUrl: urlAs(APP), poolSize: 1 });
    try {
      await expect(app.migrate()).rejects.toThrow(MigrationPermissionError);
      await expect(app.migrate()).rejects.toThrow(/run `pnpm db:migrate` with DATABASE_URL of the role that owns the tables/);
    } finally {
      await app.close();
      await owner.query("insert into drizzle.__drizzle_migrations (id, hash, created_at) values ($1, $2, $3)", [last!.id, last!.hash, last!.created_at]);
      await owner.end();
    }
  });

  it("may call the partition functions (README grants them), which still refuse a month inside retention; a role not granted them may not", async () => {
    expect(await refusalAs(APP, "select bridle_audit_ensure_partitions(now(), now() + interval '1 month')")).toBeNull();
    expect(await refusalAs(APP, "select bridle_audit_drop_month(now())")).toEqual(denied(/are within the retention period/));
    expect(await refusalAs(OTHER, "select bridle_audit_ensure_partitions(now(), now())")).toEqual(denied(/permission denied for function bridle_audit_ensure_partitions/));
    expect(await refusalAs(OTHER, "select bridle_audit_drop_month(now() - interval '10 years')")).toEqual(denied(/permission denied for function bridle_audit_drop_month/));
    expect(await refusalAs(OTHER, "select count(*) from audit_events")).toEqual(denied(/permission denied for table audit_events/));
  });
});
