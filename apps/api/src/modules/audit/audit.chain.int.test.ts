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
  chainHashAt,
  CHECKPOINT_JWS_TYPE,
  createSealer,
  createVerifier,
  ensurePartitions,
  recordAudit,
  SYSTEM_ACTOR,
  verifyExportedCheckpoint,
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
  const sealer = createSealer({ database: t.database, signer: () => keys.signer, checkpointEvery: 5, checkpointIntervalMs: 60_000 });
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

  it("chains events of transactions held open across seal runs exactly once, and does not mistake them for inserted ones", async () => {
    const { t, sealer } = await chainApp();
    const clients = await Promise.all([0, 1, 2].map(async () => {
      const c = new pg.Client({ connectionString: t.config.DATABASE_URL });
      await c.connect();
      return c;
    }));
    try {
      const insert = (c: pg.Client, label: string) =>
        c.query("insert into audit_events (actor_type, actor_label, action, resource_type, outcome) values ('system', $1, 'bot.update', 'bot', 'success')", [label]);
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
      const verifier = createVerifier({ jwks });
      for (const r of records) verifier.push(r);
      expect(verifier.finish({ requireEnd: true })).toMatchObject({ ok: true, checkpoints: { count: 1 } });

      // filtered: every position as hashes, only the matching events whole; still verifies
      const filtered = (await exportOf(t, "format=ndjson&action=policy.update")).trim().split("\n").map((l) => JSON.parse(l) as ExportRecord);
      const chainRecords = filtered.filter((r) => r.type === "chain");
      expect(chainRecords.filter((r) => r.eventState === "included").map((r) => r.event!.action)).toEqual(["policy.update", "policy.update"]);
      expect(chainRecords.length).toBe(records.filter((r) => r.type === "chain").length);
      const v2 = createVerifier({ jwks });
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
    const problem = await verifyExportedCheckpoint(last, await jwksOf(t), (p) => chainHashAt(t.database.db, p));
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
