import { auditCheckpoints, auditEvents } from "@bridle/db";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";

/** The database refuses to change or remove an audit event (migration 0003), whoever asks. */
describe("audit events are append-only", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
  });
  afterAll(() => t.close());

  const count = async () => (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(auditEvents))[0]!.n;
  const refusal = (query: Promise<unknown>) =>
    query.then(
      () => "accepted",
      (err: { cause?: { message?: string }; message?: string }) => err.cause?.message ?? err.message ?? String(err),
    );

  it("accepts new events, and refuses UPDATE, DELETE and TRUNCATE of existing ones", async () => {
    const before = await count();
    expect(before).toBeGreaterThan(0); // the bootstrap admin's creation, at least
    await t.database.db.insert(auditEvents).values({ actorType: "system", action: "test.append", resourceType: "test", outcome: "success" });
    expect(await count()).toBe(before + 1);

    expect(await refusal(t.database.db.execute(sql`update audit_events set outcome = 'denied' where action = 'test.append'`))).toMatch(
      /audit_events is append-only: UPDATE is refused/,
    );
    expect(await refusal(t.database.db.execute(sql`delete from audit_events where action = 'test.append'`))).toMatch(/audit_events is append-only: DELETE is refused/);
    expect(await refusal(t.database.db.execute(sql`truncate audit_events`))).toMatch(/audit_events is append-only: TRUNCATE is refused/);

    expect(await count()).toBe(before + 1);
    const rows = await t.database.db.select({ outcome: auditEvents.outcome }).from(auditEvents).where(eq(auditEvents.action, "test.append"));
    expect(rows.map((r) => r.outcome)).toEqual(["success"]);
  });

  it("refuses the same on the chain, its seal runs and checkpoints, and on a month partition truncated by name", async () => {
    const month = (await t.database.db.execute(sql`select 'audit_events_p' || to_char(now() at time zone 'UTC', 'YYYYMM') as name`)) as unknown as { rows?: { name: string }[] };
    const partition = (month.rows ?? (month as unknown as { name: string }[]))[0]!.name;
    expect(await refusal(t.database.db.execute(sql.raw(`truncate ${partition}`)))).toMatch(/audit_events is append-only: TRUNCATE is refused/);
    // the app's background sealer (every second by default) chains the events and writes a checkpoint
    const sealed = async () => (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(auditCheckpoints))[0]!.n;
    for (let i = 0; i < 100 && (await sealed()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await sealed()).toBeGreaterThan(0);
    for (const table of ["audit_chain", "audit_seal_runs", "audit_checkpoints"]) {
      expect(await refusal(t.database.db.execute(sql.raw(`update ${table} set run = run`)))).toMatch(new RegExp(`${table} is append-only: UPDATE is refused`));
      expect(await refusal(t.database.db.execute(sql.raw(`truncate ${table}`)))).toMatch(new RegExp(`${table} is append-only: TRUNCATE is refused`));
    }
  });

  it("lets only the owner call the partition functions, and creates at most 36 months of partitions at a time", async () => {
    // another role of the same server (any login role gets EXECUTE on a function granted to PUBLIC)
    const role = `bridle_other_${randomBytes(4).toString("hex")}`;
    await t.database.db.execute(sql.raw(`create role ${role} login`));
    const url = new URL(t.config.DATABASE_URL!);
    url.username = role;
    url.password = "";
    const other = new pg.Client({ connectionString: url.toString() });
    await other.connect();
    try {
      const tables = async () => Number((await other.query("select count(*) as n from pg_class where relname like 'audit_%'")).rows[0].n);
      const before = await tables();
      expect(await refusal(other.query("select bridle_audit_ensure_partitions(now() - interval '30 months', now())"))).toMatch(
        /permission denied for function bridle_audit_ensure_partitions/,
      );
      expect(await refusal(other.query("select bridle_audit_drop_month(now() - interval '10 years')"))).toMatch(/permission denied for function bridle_audit_drop_month/);
      expect(await tables()).toBe(before);
    } finally {
      await other.end();
      await t.database.db.execute(sql.raw(`drop role ${role}`));
    }
    // the owner: up to 36 months, not more
    expect(await refusal(t.database.db.execute(sql`select bridle_audit_ensure_partitions(now(), now() + interval '40 months')`))).toMatch(
      /audit partitions are created for at most 36 months at a time/,
    );
    expect(await refusal(t.database.db.execute(sql`select bridle_audit_ensure_partitions(now(), now() + interval '36 months')`))).toBe("accepted");
  });
});
