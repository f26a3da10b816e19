import { auditCheckpoints, auditEvents } from "@bridle/db";
import { eq, sql } from "drizzle-orm";
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
});
