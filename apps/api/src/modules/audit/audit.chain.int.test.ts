import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TAuditVerifyReport } from "@bridle/contracts";
import { auditEvents, REPO_ROOT } from "@bridle/db";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createReplica, createTestApp, type TestApp } from "../../../test/harness.ts";
import { rowsOf } from "../../lib/sql.ts";
import { loadSigningKeys, type DecisionSigner } from "../../lib/signing.ts";
import {
  applyRetention,
  CHECKPOINT_JWS_TYPE,
  createSealer,
  createVerifier,
  ensurePartitions,
  judgeKeys,
  recordAudit,
  recordAuditBatch,
  SYSTEM_ACTOR,
  verifyCheckpointInDatabase,
  withSealLock,
  type AuditEventInput,
  type CheckpointRecord,
  type ExportRecord,
  type Jwks,
  type Sealer,
} from "./index.ts";

/**
 * The tamper-evident chain (docs/AUDIT.md), against real PostgreSQL: the background sealer is off
 * (BRIDLE_AUDIT_SEAL_INTERVAL_MS=0) and each test seals with a sealer of its own, as a second
 * replica would, so every step is deterministic. Tampering is done as an attacker with database
 * rights would: triggers disabled, rows changed in SQL.
 */
type Chain = { t: TestApp; sealer: Sealer; signer: DecisionSigner; close: () => Promise<void> };
const opened: Chain[] = [];

async function chainApp(env: Record<string, string> = {}): Promise<Chain> {
  const t = await createTestApp({ seed: "none", env: { BRIDLE_AUDIT_SEAL_INTERVAL_MS: "0", ...env } });
  const keys = await loadSigningKeys(t.database.db, { encryptionKey: undefined, typ: CHECKPOINT_JWS_TYPE, thread: false });
  // Checkpoints come from the event count only (every 5): a time-based one (an hour here) must not
  // land in the middle of a test that a loaded machine slows past a minute.
  const sealer = createSealer({ database: t.database, signer: () => keys.signer, checkpointEvery: 5, checkpointIntervalMs: 3_600_000 });
  const c = {
    t,
    sealer,
    signer: keys.signer,
    close: async () => {
      await keys.signer.close();
      await t.close();
    },
  };
  opened.push(c);
  return c;
}
afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
});

const eventOf = (i: number, action: "bot.update" | "policy.update"): AuditEventInput =>
  action === "bot.update"
    ? { actor: SYSTEM_ACTOR, action, resourceType: "bot", resourceId: `bot-${i}`, outcome: "success", details: { name: `bot-${i}`, changes: { status: { before: "active", after: "paused" } }, via: "api" } }
    : { actor: SYSTEM_ACTOR, action, resourceType: "org_policy", resourceId: "1", outcome: "success", details: { version: { before: i, after: i + 1 }, changes: {}, findingsChanged: 0 } };
/** `n` events, each in its own transaction, all at once. */
const write = (t: TestApp, n: number, action: "bot.update" | "policy.update" = "bot.update") =>
  Promise.all(Array.from({ length: n }, (_, i) => recordAudit(t.database.db, eventOf(i, action))));
const verify = async (t: TestApp) => {
  const res = await t.api({ method: "GET", url: "/api/v1/audit/verify" });
  expect(res.statusCode).toBe(200);
  return res.json() as TAuditVerifyReport;
};
/** `n` connections of their own to the app's database, to hold transactions open. */
const connections = (t: TestApp, n: number) =>
  Promise.all(
    Array.from({ length: n }, async () => {
      const c = new pg.Client({ connectionString: t.config.DATABASE_URL });
      await c.connect();
      return c;
    }),
  );
/** One audit event written on `c` (in its transaction, if it opened one), named by its actor label. */
const insert = (c: pg.Client, label: string) =>
  c.query("insert into audit_events (actor_type, actor_label, action, resource_type, outcome) values ('system', $1, 'bot.update', 'bot', 'success')", [label]);
/** Runs SQL as the attacker: the append-only triggers of every audit table disabled around it. */
async function tamper(t: TestApp, statements: string) {
  const tables = ["audit_events", "audit_chain", "audit_seal_runs", "audit_checkpoints"];
  await t.database.db.execute(
    sql.raw(`begin; ${tables.map((x) => `alter table ${x} disable trigger user;`).join(" ")} ${statements}; ${tables.map((x) => `alter table ${x} enable trigger user;`).join(" ")} commit;`),
  );
}
const one = async <T>(t: TestApp, query: string) => rowsOf<T>(await t.database.db.execute(sql.raw(query)))[0]!;

describe("the audit chain", () => {
  it("seals every event once, signs checkpoints, and verifies clean, also from a restarted instance", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 12);
    const first = await sealer.sealNow();
    expect(first?.sealed).toBeGreaterThanOrEqual(12);
    await write(t, 3);
    expect((await sealer.sealNow())?.sealed).toBe(3);
    expect((await sealer.sealNow())?.sealed).toBe(0);
    // more than 9 runs and checkpoints: the order is numeric (a text sort puts run 10 before run 9)
    for (let i = 0; i < 11; i++) {
      await write(t, 5);
      await sealer.sealNow();
    }
    const report = await verify(t);
    // pending: the use of the bootstrap admin token by this very request, recorded as it came in
    expect(report).toMatchObject({ ok: true, problemCount: 0, firstBreak: null, unsealed: { count: 1, pending: 1 } });
    const events = (await one<{ n: number }>(t, "select count(*)::int as n from audit_events")).n - 1;
    expect(report.chain).toMatchObject({ first: 1, last: events, count: events });
    expect(report.eventsChecked).toBe(events);
    expect(report.runs).toBe(13);
    expect(report.checkpoints.count).toBe(12); // not after the second run: it sealed fewer than 5 (checkpointEvery)
    // the checkpoint's key is the decision key ring's, published in the JWKS
    const jwks = (await t.app.inject({ method: "GET", url: "/.well-known/jwks.json" })).json() as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(report.checkpoints.last!.kid);

    // a new instance on the same database (a restart) verifies the same chain
    const again = await createReplica(t);
    try {
      expect(await verify(again)).toMatchObject({ ok: true, chain: report.chain });
    } finally {
      await again.close();
    }
  });

  it("seals a backlog of several pages in one run, in seq order, and verifies clean", async () => {
    const { t, sealer } = await chainApp();
    await sealer.sealNow();
    // 4,500 events: three pages of the run (2,000 a page), read and written while the next is hashed
    for (let b = 0; b < 3; b++) await t.database.db.transaction((tx) => recordAuditBatch(tx, Array.from({ length: 1500 }, (_, i) => eventOf(b * 1500 + i, "bot.update"))));
    const run = await sealer.sealNow();
    expect(run?.sealed).toBe(4500);
    const order = await one<{ n: number; ordered: boolean; contiguous: boolean }>(
      t,
      `select count(*)::int as n, bool_and(prev_seq is null or event_seq > prev_seq) as ordered, bool_and(prev_pos is null or position = prev_pos + 1) as contiguous
       from (select position, event_seq, lag(event_seq) over (order by position) as prev_seq, lag(position) over (order by position) as prev_pos
             from audit_chain where run = ${run!.run}) c`,
    );
    expect(order).toEqual({ n: 4500, ordered: true, contiguous: true });
    expect(await verify(t)).toMatchObject({ ok: true, problemCount: 0, firstBreak: null });
  });

  it("chains events of transactions held open across seal runs exactly once, and does not mistake them for inserted ones", async () => {
    const { t, sealer } = await chainApp();
    const clients = await connections(t, 3);
    try {
      const [a, b, c] = clients as [pg.Client, pg.Client, pg.Client];
      await a.query("begin");
      await insert(a, "slow-a"); // takes its seq now, commits last
      await b.query("begin");
      await insert(b, "slow-b");
      await insert(c, "quick-c"); // autocommit
      await sealer.sealNow();
      await b.query("commit");
      await insert(c, "quick-d");
      await sealer.sealNow();
      await a.query("commit");
      await sealer.sealNow();
      const order = rowsOf<{ label: string; position: number; seq: number }>(
        await t.database.db.execute(sql`select e.actor_label as label, c.position::int, e.seq::int from audit_chain c join audit_events e on e.id = c.event_id
          where e.actor_label in ('slow-a', 'slow-b', 'quick-c', 'quick-d') order by c.position`),
      );
      // chain order is seal order: slow-a has the smallest seq but committed last, so it is chained last
      expect(order.map((r) => r.label)).toEqual(["quick-c", "slow-b", "quick-d", "slow-a"]);
      expect(order[3]!.seq).toBeLessThan(order[0]!.seq);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }

    // many writers at once while the sealer runs in a loop
    let sealing = true;
    const loop = (async () => {
      while (sealing) await sealer.sealNow();
    })();
    await Promise.all(Array.from({ length: 8 }, () => write(t, 40)));
    sealing = false;
    await loop;
    await sealer.sealNow();
    const counts = await one<{ events: number; chained: number; distinct: number }>(
      t,
      "select (select count(*)::int from audit_events) as events, (select count(*)::int from audit_chain) as chained, (select count(distinct event_id)::int from audit_chain) as distinct",
    );
    expect(counts.chained).toBe(counts.events);
    expect(counts.distinct).toBe(counts.events);
    expect(await verify(t)).toMatchObject({ ok: true, problemCount: 0, unsealed: { count: 1, pending: 1 } });
  });

  it("does not mistake a transaction that was running at a seal run, with an id at or above its snapshot's xmax, for an inserted one", async () => {
    const { t, sealer } = await chainApp();
    const [older, newer] = await connections(t, 2);
    try {
      await older!.query("begin");
      await older!.query("select pg_current_xact_id()"); // the older transaction id
      await newer!.query("begin");
      await insert(newer!, "newer"); // a younger transaction id, but the smaller seq
      const newerXid = ((await newer!.query("select pg_current_xact_id()::text as x")).rows[0] as { x: string }).x;
      await insert(older!, "older"); // the larger seq
      await older!.query("commit");
      // The run's snapshot: xmax is the latest completed id + 1, the newer transaction's own id, so
      // PostgreSQL lists it as not yet started although it is running and holds a seq.
      await sealer.sealNow();
      const run = await one<{ snapshot: string }>(t, "select snapshot from audit_seal_runs order by run desc limit 1");
      expect(BigInt(run.snapshot.split(":")[1]!)).toBeLessThanOrEqual(BigInt(newerXid));
      await newer!.query("commit");
      await write(t, 2);
      await sealer.sealNow();
    } finally {
      await Promise.all([older!.end(), newer!.end()]);
    }
    expect(await verify(t)).toMatchObject({ ok: true, problemCount: 0 });
  });

  it("names an edited event", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 8);
    await sealer.sealNow();
    const target = await one<{ id: string; position: number }>(t, "select event_id::text as id, position::int from audit_chain where position = 4");
    await tamper(t, `update audit_events set outcome = 'denied' where id = '${target.id}'`);
    const report = await verify(t);
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ kind: "edited", position: 4, eventId: target.id });
    expect(report.problemCount).toBe(1);
  });

  it("names a deleted event, and a deleted chain row", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 8);
    await sealer.sealNow();
    const target = await one<{ id: string }>(t, "select event_id::text as id from audit_chain where position = 3");
    await tamper(t, `delete from audit_events where id = '${target.id}'`);
    expect((await verify(t)).firstBreak).toMatchObject({ kind: "deleted", position: 3, eventId: target.id });
    await tamper(t, `delete from audit_chain where position = 3`);
    expect((await verify(t)).firstBreak).toMatchObject({ kind: "deleted", position: 3 });
  });

  it("names an event inserted into the sealed past, whether it gets sealed late or never", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 8);
    await sealer.sealNow();
    // a backdated event with an old seq: the next run seals it, verification sees it could not have been missed
    await tamper(
      t,
      `insert into audit_events (id, seq, at, actor_type, action, resource_type, outcome) values ('11111111-1111-4111-8111-111111111111', 2, now() - interval '1 hour', 'person', 'policy.update', 'org_policy', 'success')`,
    );
    await write(t, 2);
    await sealer.sealNow();
    const late = await verify(t);
    expect(late.firstBreak).toMatchObject({ kind: "inserted", eventId: "11111111-1111-4111-8111-111111111111" });
    // one with an old transaction id is never found by the sealer: still named
    await tamper(
      t,
      `insert into audit_events (xid, id, seq, at, actor_type, action, resource_type, outcome) values ('3', '22222222-2222-4222-8222-222222222222', 3, now() - interval '1 hour', 'person', 'policy.update', 'org_policy', 'success')`,
    );
    await sealer.sealNow();
    const never = await verify(t);
    expect(never.problems.map((p) => [p.kind, p.eventId])).toContainEqual(["inserted", "22222222-2222-4222-8222-222222222222"]);
    expect(never.unsealed).toEqual({ count: 1, pending: 0 });
  });

  it("names reordered rows", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 8);
    await sealer.sealNow();
    await tamper(t, `update audit_chain set position = -5 where position = 5; update audit_chain set position = 5 where position = 6; update audit_chain set position = 6 where position = -5`);
    const report = await verify(t);
    expect(report.firstBreak).toMatchObject({ kind: "reordered", position: 5 });
  });

  it("names a forged or removed checkpoint, and a chain rewritten under a signed checkpoint", async () => {
    const { t, sealer } = await chainApp();
    for (let i = 0; i < 3; i++) {
      await write(t, 6);
      await sealer.sealNow();
    }
    expect((await verify(t)).checkpoints.count).toBe(3);
    await tamper(t, `update audit_checkpoints set jws = jws || 'A' where number = 2`);
    expect((await verify(t)).firstBreak).toMatchObject({ kind: "bad_signature", checkpoint: 2 });
    await tamper(t, `delete from audit_checkpoints where number = 2`);
    expect((await verify(t)).firstBreak).toMatchObject({ kind: "missing_checkpoint", checkpoint: 3 });

    // the attacker edits an event and recomputes its hash and every link after it: only the signed head tells
    const other = await chainApp();
    await write(other.t, 8);
    await other.sealer.sealNow();
    const { id } = await one<{ id: string }>(other.t, "select event_id::text as id from audit_chain where position = 2");
    await tamper(other.t, `update audit_events set outcome = 'denied' where id = '${id}'`);
    const { canonicalEvent, eventHash, linkHash } = await import("./audit.chain.ts");
    const { chainRecords } = await import("./audit.chain.repo.ts");
    let prev = "0".repeat(64);
    const rewrites: string[] = [];
    for await (const r of chainRecords(other.t.database.db))
      if (r.type === "chain" && r.event) {
        expect(canonicalEvent(r.event)).toContain(`"id":"${r.event.id}"`);
        const h = eventHash(r.event);
        prev = linkHash(prev, h);
        rewrites.push(`update audit_chain set event_hash = decode('${h}', 'hex'), chain_hash = decode('${prev}', 'hex') where position = ${r.position}`);
      }
    await tamper(other.t, rewrites.join("; "));
    const rewritten = await verify(other.t);
    expect(rewritten.firstBreak).toMatchObject({ kind: "edited" });
    expect(rewritten.problems.find((p) => p.checkpoint === 1)?.message).toContain("no longer has the head signed by checkpoint 1");
  });
});

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["--import", "tsx", "apps/api/src/cli.ts", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, BRIDLE_TOKEN: "", LOG_LEVEL: "silent", ...env },
    timeout: 60_000,
  });
const exportOf = async (t: TestApp, query: string) => {
  const res = await t.api({ method: "GET", url: `/api/v1/audit-events/export?${query}` });
  expect(res.statusCode).toBe(200);
  return res.body;
};
const jwksOf = async (t: TestApp) => (await t.app.inject({ method: "GET", url: "/.well-known/jwks.json" })).json() as Jwks;
/** Trust vouched for by the server's published JWKS, as an auditor's `--jwks` copy would. */
const trustOf = async (t: TestApp) => judgeKeys({ jwks: await jwksOf(t) });

describe("export, offline verification and retention", () => {
  it("exports NDJSON and CSV that verify offline with the documented command, filtered or not, and records each export", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 6);
    await write(t, 2, "policy.update");
    await sealer.sealNow();
    const jwks = await jwksOf(t);
    const dir = mkdtempSync(join(tmpdir(), "bridle-audit-"));
    try {
      const ndjson = await exportOf(t, "format=ndjson");
      const records = ndjson.trim().split("\n").map((l) => JSON.parse(l) as ExportRecord);
      expect(records[0]).toMatchObject({ type: "header", format: "bridle-audit-export", start: { position: 0 } });
      expect(records.at(-1)).toMatchObject({ type: "end", records: records.length });
      const verifier = createVerifier({ trust: await judgeKeys({ jwks }) });
      for (const r of records) verifier.push(r);
      // the export sealed and checkpointed the log first, its own audit.export event included:
      // every event in the file is covered by a signed checkpoint
      expect(verifier.finish({ requireEnd: true })).toMatchObject({ ok: true, uncheckpointed: 0, unsealed: { count: 0 } });
      expect(records.filter((r) => r.type === "unsealed")).toEqual([]);
      expect(records.some((r) => r.type === "chain" && r.event?.action === "audit.export")).toBe(true);

      // filtered: every position as hashes, only the matching events whole; still verifies
      const filtered = (await exportOf(t, "format=ndjson&action=policy.update")).trim().split("\n").map((l) => JSON.parse(l) as ExportRecord);
      const chainRecords = filtered.filter((r) => r.type === "chain");
      expect(chainRecords.filter((r) => r.eventState === "included").map((r) => r.event!.action)).toEqual(["policy.update", "policy.update"]);
      // (one position more: this export sealed the previous export's own event first)
      expect(chainRecords.length).toBe(records.filter((r) => r.type === "chain").length + 1);
      const v2 = createVerifier({ trust: await judgeKeys({ jwks }) });
      for (const r of filtered) v2.push(r);
      expect(v2.finish({ requireEnd: true })).toMatchObject({ ok: true, eventsChecked: 2 });

      // the documented command, on the CSV and on the NDJSON, with the JWKS from a file
      writeFileSync(join(dir, "jwks.json"), JSON.stringify(jwks));
      writeFileSync(join(dir, "export.csv"), await exportOf(t, "format=csv"));
      const ok = run(["audit", "verify", "--file", join(dir, "export.csv"), "--jwks", join(dir, "jwks.json")]);
      expect(ok.stdout).toContain("verified");
      expect(ok.status).toBe(0);
      // an auditor's copy edited afterwards fails, naming the event
      const edited = records.find((r): r is Extract<ExportRecord, { type: "chain" }> => r.type === "chain" && r.event?.action === "policy.update")!;
      writeFileSync(join(dir, "export.ndjson"), ndjson.replace(`"id":"${edited.eventId}","seq":${edited.event!.seq}`, `"id":"${edited.eventId}","seq":${edited.event!.seq + 1000}`));
      const bad = run(["audit", "verify", "--file", join(dir, "export.ndjson"), "--jwks", join(dir, "jwks.json")]);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain(`first broken link: edited at position ${edited.position}, event ${edited.eventId}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const exports = (await t.api({ method: "GET", url: "/api/v1/audit-events?action=audit.export" })).json().items as { details: { format: string } }[];
    expect(exports.map((e) => e.details.format).sort()).toEqual(["csv", "ndjson", "ndjson"]);
  });

  it("ends an export bounded by `to` at the first checkpoint covering every event before it; the file verifies offline, a late-sealed event included", async () => {
    const { t, sealer } = await chainApp();
    const tick = () => new Promise((r) => setTimeout(r, 20));
    await write(t, 6);
    await sealer.sealNow(); // checkpoint 1
    // a transaction that began before `to` and commits after more events are sealed: its event is dated before `to`, chained late
    const slow = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await slow.connect();
    try {
      await slow.query("begin");
      await slow.query("insert into audit_events (actor_type, actor_label, action, resource_type, outcome) values ('system', 'slow', 'bot.update', 'bot', 'success')");
      await write(t, 3);
      await tick();
      const to = new Date();
      await tick();
      await write(t, 6);
      await sealer.sealNow(); // checkpoint 2: after `to`, covers positions dated before and after it
      const firstCut = await one<{ position: number }>(t, "select position::int from audit_checkpoints where number = 2");
      for (let i = 0; i < 2; i++) {
        await write(t, 6);
        await sealer.sealNow(); // checkpoints 3 and 4, all after `to`
      }
      const exportTo = async () => (await exportOf(t, `format=ndjson&to=${to.toISOString()}`)).trim().split("\n").map((l) => JSON.parse(l) as ExportRecord);
      const eventsBefore = async () => (await one<{ n: number }>(t, `select count(*)::int as n from audit_events where at < '${to.toISOString()}'`)).n;

      let records = await exportTo();
      const positions = () => records.filter((r) => r.type === "chain").map((r) => r.position);
      const included = () => records.filter((r): r is Extract<ExportRecord, { type: "chain" }> => r.type === "chain" && r.eventState === "included");
      // the file ends on checkpoint 2, the first that covers every (committed) event dated before `to`: nothing after it
      expect(records.filter((r) => r.type === "checkpoint").map((r) => r.number)).toEqual([1, 2]);
      expect(Math.max(...positions())).toBe(firstCut.position);
      expect(records.filter((r) => r.type === "unsealed")).toEqual([]);
      expect(included().length).toBe(await eventsBefore());
      expect(included().every((r) => r.event!.at < to.toISOString().replace("Z", "000Z"))).toBe(true);

      // the slow event, dated before `to`, sealed after checkpoint 4: the cut moves to the checkpoint that covers it
      await slow.query("commit");
      await sealer.sealNow();
      records = await exportTo();
      const last = records.filter((r) => r.type === "checkpoint").at(-1)!;
      expect(last.number).toBeGreaterThan(4);
      expect(included().map((r) => r.event!.actorLabel)).toContain("slow");
      const before = await eventsBefore();
      expect(included().length).toBe(before);
      expect(Math.max(...positions())).toBe(last.position);
      expect(records.some((r) => r.type === "unsealed")).toBe(false);
      const verifier = createVerifier({ trust: await trustOf(t) });
      for (const r of records) verifier.push(r);
      expect(verifier.finish({ requireEnd: true, requireCoverage: true })).toMatchObject({ ok: true, problemCount: 0, uncheckpointed: 0, eventsChecked: before });
    } finally {
      await slow.end();
    }
  });

  // 13 runs of the command, a process each (seconds apiece on a busy machine): a longer timeout
  it("refuses a forged or spliced export file: a fabricated prefix, stray, unknown or uncounted records, no checkpoint, unsealed events, edited CSV columns", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 6);
    await sealer.sealNow();
    const jwks = await jwksOf(t);
    // Another sealer holds the lock for the whole export, so the export cannot seal first: its own
    // `audit.export` event (and the token's use) stay unsealed in the file.
    const held = await withSealLock(t.database, async () => (await exportOf(t, "format=ndjson")).trim().split("\n"));
    const real = held!.map((l) => JSON.parse(l) as ExportRecord);
    const unsealedCount = real.filter((r) => r.type === "unsealed").length;
    expect(real.filter((r) => r.type === "unsealed").map((r) => r.event.action)).toContain("audit.export");
    const dir = mkdtempSync(join(tmpdir(), "bridle-audit-"));
    writeFileSync(join(dir, "jwks.json"), JSON.stringify(jwks));
    /** The CLI's verdict on `records` (the end record's count recomputed unless `keepEnd`). */
    const cli = (name: string, records: unknown[], o: { keepEnd?: boolean; flags?: string[] } = {}) => {
      const fixed = o.keepEnd ? records : records.map((r) => ((r as ExportRecord).type === "end" ? { type: "end", records: records.length } : r));
      writeFileSync(join(dir, name), fixed.map((r) => JSON.stringify(r)).join("\n"));
      return run(["audit", "verify", "--file", join(dir, name), "--jwks", join(dir, "jwks.json"), ...(o.flags ?? [])]);
    };
    try {
      const sealed = real.filter((r) => r.type !== "unsealed");
      const whole = cli("whole.ndjson", sealed);
      expect(whole.stdout).toContain(": verified");
      expect(whole.status).toBe(0);

      // a fabricated prefix with its own consistent header, seal run and chain record holding a fake event
      const { eventHash, linkHash, runHash } = await import("./audit.chain.ts");
      const realChain = real.find((r): r is Extract<ExportRecord, { type: "chain" }> => r.type === "chain")!;
      const realRun = real.find((r): r is Extract<ExportRecord, { type: "run" }> => r.type === "run")!;
      const fake = { ...realChain.event!, id: "00000000-0000-4000-8000-000000000001", action: "bot.delete", resourceId: "bot-framed" };
      const fakeChainHash = linkHash("0".repeat(64), eventHash(fake));
      const { type: _t, runHash: _h, ...form } = realRun;
      const fakeForm = { ...form, firstPosition: 1, lastPosition: 1, headHash: fakeChainHash };
      const prefix = [
        real[0],
        { ...fakeForm, type: "run", runHash: runHash("0".repeat(64), fakeForm) },
        { ...realChain, eventId: fake.id, event: fake, eventHash: eventHash(fake), chainHash: fakeChainHash },
      ];
      const forged = cli("forged.ndjson", [...prefix, ...sealed]);
      expect(forged.stdout).toContain("second header");
      expect(forged.status).toBe(1);

      const end = sealed.at(-1)!;
      const body = sealed.slice(0, -1);
      // a chain record at the start (position 0) cannot be checked: refused, not skipped
      expect(cli("before-start.ndjson", [real[0], { ...realChain, position: 0 }, ...body.slice(1), end]).stdout).toContain("at or before the start of verification");
      // records after the end, and an unknown record type
      expect(cli("after-end.ndjson", [...sealed, real.find((r) => r.type === "unsealed")], { keepEnd: true }).stdout).toContain("follows the end record");
      expect(cli("unknown.ndjson", [...body, { type: "note", text: "trust me" }, end]).stdout).toContain("unknown type");
      // an included event stripped from its position (its hash left): not silently skipped
      const stripped = body.map((r) => (r === realChain ? { ...realChain, event: undefined, xid: undefined } : r));
      expect(cli("stripped.ndjson", [...stripped, end]).stdout).toContain(`position ${realChain.position} says its event is included, but it is not there`);
      // a seal run after the unsealed events
      expect(cli("late-run.ndjson", [...real.filter((r) => r.type !== "end" && r !== realRun), realRun, end], { flags: ["--allow-unsealed"] }).stdout).toContain("comes after unsealed events");
      // the end record counts the records: an unsealed event removed is noticed, though nothing chains it
      const dropped = real.findIndex((r) => r.type === "unsealed");
      const short = cli("short.ndjson", [...real.slice(0, dropped), ...real.slice(dropped + 1)], { keepEnd: true, flags: ["--allow-unsealed"] });
      expect(short.stdout).toContain(`the end record counts ${real.length} records, but ${real.length - 1} were read`);
      expect(short.status).toBe(1);
      // no checkpoint at all: nothing is signed, so nothing verifies
      const unsigned = cli("unsigned.ndjson", sealed.filter((r) => r.type !== "checkpoint"));
      expect(unsigned.stdout).toContain("no valid signed checkpoint");
      expect(unsigned.status).toBe(1);

      // unsealed events: refused unless --allow-unsealed, and then listed as unverified
      const strict = cli("real.ndjson", real, { keepEnd: true });
      expect(strict.stdout).toContain("NOT VERIFIED");
      expect(strict.stdout).toContain(`UNVERIFIED: ${unsealedCount} event(s) are unsealed`);
      expect(strict.status).toBe(1);
      const allowed = cli("real.ndjson", real, { keepEnd: true, flags: ["--allow-unsealed"] });
      expect(allowed.stdout).toContain(`UNVERIFIED: ${unsealedCount} event(s) are unsealed`);
      expect(allowed.status).toBe(0);
      // events sealed after the last checkpoint are not covered by a signature
      await write(t, 2);
      await sealer.sealNow(); // fewer than checkpointEvery (5): no checkpoint
      const later = (await withSealLock(t.database, async () => (await exportOf(t, "format=ndjson")).trim().split("\n")))!.map((l) => JSON.parse(l) as ExportRecord);
      const uncovered = cli("uncovered.ndjson", later.filter((r) => r.type !== "unsealed"));
      expect(uncovered.stdout).toMatch(/UNVERIFIED: \d+ event\(s\) after the last valid checkpoint/);
      expect(uncovered.status).toBe(1);

      // CSV: a readable column edited while `data` is kept is refused, naming the row and column
      const csv = await exportOf(t, "format=csv");
      const someId = later.find((r): r is Extract<ExportRecord, { type: "chain" }> => r.type === "chain" && r.event?.action === "bot.update")!.eventId;
      const lines = csv.split("\n");
      const row = lines.findIndex((l) => l.includes(`,${someId},`));
      expect(row).toBeGreaterThan(0);
      lines[row] = lines[row]!.replace(",bot.update,", ",bot.delete,");
      writeFileSync(join(dir, "edited.csv"), lines.join("\n"));
      const csvBad = run(["audit", "verify", "--file", join(dir, "edited.csv"), "--jwks", join(dir, "jwks.json"), "--allow-unsealed"]);
      expect(csvBad.stdout).toContain(`row ${row + 1}: the action column says "bot.delete" but its data says "bot.update"`);
      expect(csvBad.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("keeps every event of an export during which a seal run chains the unsealed ones: each in exactly one part", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 6);
    await sealer.sealNow();
    await write(t, 4);
    const ids = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text from audit_events`)).map((r) => r.id);
    const { exportRecords } = await import("./index.ts");
    const stream = exportRecords(t.database, {});
    const records: ExportRecord[] = [(await stream.next()).value as ExportRecord]; // the header: the export's extent is fixed
    expect((await sealer.sealNow())?.sealed).toBe(4); // sealed while the export runs
    for await (const r of stream) records.push(r);
    const chained = records.flatMap((r) => (r.type === "chain" ? [r.eventId] : []));
    const unsealed = records.flatMap((r) => (r.type === "unsealed" ? [r.event.id] : []));
    expect([...chained, ...unsealed].sort()).toEqual([...ids].sort());
    expect(unsealed.length).toBe(4);
    const verifier = createVerifier({ trust: await trustOf(t) });
    for (const r of records) verifier.push(r);
    expect(verifier.finish({ requireEnd: true, requireCoverage: true, allowUnsealed: true })).toMatchObject({ ok: true, unsealed: { count: 4, pending: 4 } });
  });

  it("detects a truncated tail against an exported checkpoint", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 6);
    await sealer.sealNow();
    const kept = (await one<{ p: number }>(t, "select max(position)::int as p from audit_checkpoints")).p;
    await write(t, 6);
    await sealer.sealNow();
    const exported = (await exportOf(t, "format=ndjson")).trim().split("\n").map((l) => JSON.parse(l) as ExportRecord);
    const last = exported.filter((r) => r.type === "checkpoint").at(-1) as CheckpointRecord;
    expect(last.position).toBeGreaterThan(kept);
    // the attacker removes everything after the first checkpoint: what is left is a consistent, shorter log
    await tamper(
      t,
      `delete from audit_events where id in (select event_id from audit_chain where position > ${kept}); delete from audit_chain where position > ${kept};
       delete from audit_seal_runs where first_position > ${kept}; delete from audit_checkpoints where position > ${kept}`,
    );
    expect((await verify(t)).ok).toBe(true);
    const { problem } = await verifyCheckpointInDatabase(t.database, last, await trustOf(t));
    expect(problem).toMatchObject({ kind: "truncated", position: last.position, checkpoint: last.number });
    const dir = mkdtempSync(join(tmpdir(), "bridle-audit-"));
    try {
      writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(last));
      const cli = run(["audit", "verify", "--checkpoint", join(dir, "checkpoint.json")], { DATABASE_URL: t.config.DATABASE_URL! });
      expect(cli.stdout).toContain("BROKEN (truncated)");
      expect(cli.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("checks an exported checkpoint by recomputing the events from a signed start: a forged retention cut or an edited event is caught", async () => {
    const { t, sealer } = await chainApp();
    await write(t, 6);
    await sealer.sealNow();
    const exported = (await exportOf(t, "format=ndjson")).trim().split("\n").map((l) => JSON.parse(l) as ExportRecord);
    const last = exported.filter((r) => r.type === "checkpoint").at(-1) as CheckpointRecord;
    const dir = mkdtempSync(join(tmpdir(), "bridle-audit-"));
    const check = () => run(["audit", "verify", "--checkpoint", join(dir, "checkpoint.json")], { DATABASE_URL: t.config.DATABASE_URL! });
    try {
      writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(last));
      const clean = check();
      expect(clean.stdout).toContain(`checkpoint ${last.number}: verified`);
      expect(clean.status).toBe(0);

      // an event edited without touching the chain rows: the stored chain hash at the position still matches, the events do not
      const { id } = await one<{ id: string }>(t, "select event_id::text as id from audit_chain where position = 2");
      await tamper(t, `update audit_events set outcome = 'denied' where id = '${id}'`);
      const edited = check();
      expect(edited.stdout).toContain(`checkpoint ${last.number}: BROKEN (edited)`);
      expect(edited.status).toBe(1);
      await tamper(t, `update audit_events set outcome = 'success' where id = '${id}'`);
      expect(check().status).toBe(0);

      // a retention cut row past the checkpoint, carrying a real signature of another checkpoint: not trusted
      await tamper(
        t,
        `insert into audit_checkpoints (number, id, kind, position, head_hash, run, run_hash, prev_id, prev_hash, created_at, kid, jws)
         select number + 1, gen_random_uuid(), 'retention_cut', 1000000, head_hash, run, run_hash, id, prev_hash, now(), kid, jws
         from audit_checkpoints where number = (select max(number) from audit_checkpoints)`,
      );
      const forged = check();
      expect(forged.stdout).toContain("BROKEN (bad_signature)");
      expect(forged.stdout).toContain("differs from what its signature signs");
      expect(forged.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("drops whole months past retention with a signed cut, after which verification passes and later tampering is still caught", async () => {
    const { t, sealer, signer } = await chainApp();
    const old = new Date(Date.now() - 500 * 86_400_000);
    expect(await ensurePartitions(t.database.db, { from: old })).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++)
      await t.database.db.insert(auditEvents).values({ at: new Date(old.getTime() + i * 1000), actorType: "system", action: "bot.update", resourceType: "bot", outcome: "success" });
    await sealer.sealNow();
    await write(t, 6);
    await sealer.sealNow();
    // inside the retention period, the database itself refuses
    await expect(t.database.db.execute(sql`select bridle_audit_drop_month(now())`)).rejects.toThrow();

    const month = `${old.getUTCFullYear()}${String(old.getUTCMonth() + 1).padStart(2, "0")}`;
    const result = await applyRetention(t.database, { signer: () => signer, checkpointEvery: 5, checkpointIntervalMs: 60_000, retentionDays: 365 });
    expect(result?.droppedMonths).toContain(month);
    expect((await one<{ n: number }>(t, `select count(*)::int as n from pg_class where relname = 'audit_events_p${month}'`)).n).toBe(0);
    const report = await verify(t);
    expect(report).toMatchObject({ ok: true, start: { position: result!.cut!.position, checkpoint: result!.cut!.checkpoint } });
    expect(report.chain.first).toBe(result!.cut!.position + 1);

    const { id } = await one<{ id: string }>(t, `select event_id::text as id from audit_chain where position = ${result!.cut!.position + 2}`);
    await tamper(t, `update audit_events set action = 'bot.read' where id = '${id}'`);
    expect((await verify(t)).firstBreak).toMatchObject({ kind: "edited", eventId: id });
  });
});

afterAll(async () => {
  for (const c of opened.splice(0)) await c.close();
});
