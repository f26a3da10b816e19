import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { createSealBacklog, createSealer, recordAuditBatch, SYSTEM_ACTOR, type AuditEventInput, type Sealer } from "./index.ts";

/**
 * How far the sealer is behind, as the events module's wait reads it (createSealBacklog), against
 * real PostgreSQL: the background sealer is off and the test seals when it means to.
 */
describe("the audit backlog reading", () => {
  let t: TestApp;
  let sealer: Sealer;
  beforeAll(async () => {
    t = await createTestApp({ seed: "none", env: { BRIDLE_AUDIT_SEAL_INTERVAL_MS: "0" } });
    sealer = createSealer({ database: t.database, signer: () => null, checkpointEvery: 1_000_000, checkpointIntervalMs: 3_600_000 });
  });
  afterAll(() => t.close());

  const write = (n: number) =>
    t.database.db.transaction((tx) =>
      recordAuditBatch(
        tx,
        Array.from({ length: n }, (_, i): AuditEventInput => ({ actor: SYSTEM_ACTOR, action: "bot.update", resourceType: "bot", resourceId: `b-${i}`, outcome: "success", details: { name: `b-${i}`, changes: {}, via: "api" } })),
      ),
    );

  it("holds only on a reading taken after the last write, and counts what was written since the last reading", async () => {
    await sealer.sealNow();
    const backlog = createSealBacklog({ db: t.database.db, maxUnsealed: 10, refreshMs: 60_000 });
    expect(backlog.over()).toBeNull(); // no reading yet
    await backlog.refresh();
    expect(backlog.over()).toBe(false);

    await write(12);
    // The last reading (0) is fresh, and nothing was counted: writes of other processes are not seen until the next reading.
    expect(backlog.over()).toBe(false);
    await backlog.refresh();
    expect(backlog.over()).toBe(true);

    // What this process writes counts at once; a hold then needs a reading that saw it.
    await sealer.sealNow();
    await backlog.refresh();
    expect(backlog.over()).toBe(false);
    await write(11);
    backlog.written(11);
    expect(backlog.over()).toBeNull();
    await backlog.refresh();
    expect(backlog.over()).toBe(true);
    await sealer.sealNow();
    await backlog.refresh();
    expect(backlog.over()).toBe(false);
  });

  it("never holds with a bound of 0", async () => {
    await write(50);
    const backlog = createSealBacklog({ db: t.database.db, maxUnsealed: 0 });
    expect(backlog.over()).toBe(false);
    await sealer.sealNow();
  });

  it("counts a reading that does not come in time as no backlog, says so once, and starts no second query while it runs", async () => {
    await write(20);
    const errors: unknown[] = [];
    const backlog = createSealBacklog({ db: t.database.db, maxUnsealed: 10, refreshMs: 60_000, timeoutMs: 200, onError: (e) => errors.push(e) });
    // Another session holds the seal runs' table: the reading waits behind its lock.
    const locker = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query("begin; lock table audit_seal_runs in access exclusive mode");
      const started = performance.now();
      await backlog.refresh();
      expect(performance.now() - started).toBeGreaterThanOrEqual(190);
      expect(backlog.over()).toBe(false);
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/took more than 200 ms/);
      const waiting = async () =>
        Number((await locker.query("select count(*)::int as n from pg_locks where relation = 'audit_seal_runs'::regclass and not granted")).rows[0].n);
      expect(await waiting()).toBe(1);
      await backlog.refresh();
      expect(await waiting()).toBe(1); // the late query still waits; no second one joined it
    } finally {
      await locker.query("rollback");
      await locker.end();
    }
    // The late query ends with the lock; the next reading sees the 20 events.
    await new Promise((r) => setTimeout(r, 100));
    await backlog.refresh();
    expect(backlog.over()).toBe(true);
    expect(errors).toHaveLength(1);
  });
});
