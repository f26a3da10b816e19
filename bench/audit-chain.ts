/**
 * Audit chain benchmark: `pnpm bench:audit` (tsx bench/audit-chain.ts from the repo root).
 *
 * What the hash chain costs the application's writers, and how far behind the sealer runs.
 * 1. Creates a throwaway database `bridle_bench_audit_<timestamp>` on BENCH_DATABASE_URL's server
 *    (default postgres://postgres@127.0.0.1:5432/postgres) and applies the migrations.
 * 2. BENCH_WRITERS concurrent writers (default 8, each on its own pool connection) insert audit
 *    events through `recordAudit`, one event per transaction (autocommit), for BENCH_DURATION
 *    seconds (default 10) after a 2 s warm-up: once with no sealer, once with the sealer running
 *    every BENCH_SEAL_INTERVAL_MS (default 1000, as in production) and signing checkpoints.
 * 3. Prints events/s in each run and their ratio (the writers' cost of chaining), the sealer's
 *    lag from an event's commit to its seal (p50 / p99 / max, from the event's `at` to its seal
 *    run's `sealed_at`, both taken from the database clock), and how long seal runs took.
 * Ends with a full verification of the chain (and its duration). The database is dropped at the
 * end (BENCH_KEEP_DB=1 keeps it). Exits non-zero only on errors, never on a figure.
 */
import { availableParallelism, loadavg } from "node:os";
import pg from "pg";
import { createDb } from "../packages/db/src/index.ts";
import { loadSigningKeys, loadVerificationJwks } from "../apps/api/src/lib/signing.ts";
import { CHECKPOINT_JWS_TYPE, createSealer, recordAudit, SYSTEM_ACTOR, verifyDatabase } from "../apps/api/src/modules/audit/index.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const SEAL_INTERVAL_MS = Number(process.env.BENCH_SEAL_INTERVAL_MS ?? 1000);
const WARMUP_S = 2;
const KEEP_DB = process.env.BENCH_KEEP_DB === "1";

const name = `bridle_bench_audit_${Date.now()}`;
const admin = new pg.Client({ connectionString: SERVER_URL });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(SERVER_URL);
url.pathname = `/${name}`;
const database = await createDb({ databaseUrl: url.toString(), poolSize: WRITERS + 2 });
// the database is dropped WITH (FORCE) at the end: a connection it ends is no error of the bench
database.pool?.on("error", () => {});

async function writeFor(seconds: number, tag: string): Promise<number> {
  let count = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; Date.now() < until; i++) {
        await recordAudit(database.db, {
          actor: SYSTEM_ACTOR,
          action: "bot.update",
          resourceType: "bot",
          resourceId: `bench-${w}`,
          outcome: "success",
          requestId: tag,
          details: { name: `bench-${w}`, changes: { status: { before: "active", after: "paused" } }, via: "api" },
        });
        count++;
      }
    }),
  );
  return count;
}

async function measure(tag: string) {
  await writeFor(WARMUP_S, `${tag}-warmup`);
  const started = process.hrtime.bigint();
  const n = await writeFor(DURATION_S, tag);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events: n, perSecond: n / seconds };
}

try {
  await database.migrate();
  const keys = await loadSigningKeys(database.db, { encryptionKey: undefined, typ: CHECKPOINT_JWS_TYPE, thread: false });
  const runTimes: number[] = [];
  const sealer = createSealer({ database, signer: () => keys.signer, checkpointEvery: 10_000, checkpointIntervalMs: 300_000 });
  const timedSealer = {
    start: () => {
      // the production loop, timed: one seal run every SEAL_INTERVAL_MS, never two at once
      let stop = false;
      const loop = (async () => {
        while (!stop) {
          const t0 = performance.now();
          const r = await sealer.sealNow();
          if (r?.sealed) runTimes.push(performance.now() - t0);
          await new Promise((res) => setTimeout(res, SEAL_INTERVAL_MS));
        }
      })();
      return async () => {
        stop = true;
        await loop;
      };
    },
  };

  console.log(`audit chain bench: ${WRITERS} writers, ${DURATION_S} s per run (+${WARMUP_S} s warm-up), sealer every ${SEAL_INTERVAL_MS} ms; ${availableParallelism()} CPUs`);
  const off = await measure("no-sealer");
  console.log(`  writers, no sealer:      ${off.perSecond.toFixed(0)} events/s (${off.events} events)`);
  // chain the first run's events first, so the second run's sealer starts from a sealed log
  const t0 = performance.now();
  const backlog = await sealer.sealNow();
  console.log(`  sealing that backlog:    ${backlog?.sealed} events in ${(performance.now() - t0).toFixed(0)} ms (${((backlog?.sealed ?? 0) / ((performance.now() - t0) / 1000)).toFixed(0)} events/s, one run)`);

  const stop = timedSealer.start();
  const on = await measure("sealer");
  await stop();
  await sealer.sealNow();
  console.log(`  writers, sealer running: ${on.perSecond.toFixed(0)} events/s (${on.events} events)`);
  console.log(`  ratio (sealer / none):   ${(on.perSecond / off.perSecond).toFixed(3)}`);

  const probe = new pg.Client({ connectionString: url.toString() });
  await probe.connect();
  const [lag] = (
    await probe.query<{ p50: number; p99: number; max: number; n: number }>(`select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.99) within group (order by ms) as p99,
        max(ms) as max, count(*)::int as n
      from (select extract(epoch from (r.sealed_at - e.at)) * 1000 as ms
        from audit_events e join audit_chain c on c.event_id = e.id and c.event_at = e.at join audit_seal_runs r on r.run = c.run
        where e.request_id = 'sealer') x`)
  ).rows;
  await probe.end();
  console.log(`  seal lag (commit -> sealed), ${lag!.n} events: p50 ${Number(lag!.p50).toFixed(0)} ms, p99 ${Number(lag!.p99).toFixed(0)} ms, max ${Number(lag!.max).toFixed(0)} ms`);
  runTimes.sort((a, b) => a - b);
  const q = (p: number) => runTimes[Math.min(runTimes.length - 1, Math.floor(p * runTimes.length))] ?? 0;
  console.log(`  seal runs: ${runTimes.length}, duration p50 ${q(0.5).toFixed(0)} ms, p99 ${q(0.99).toFixed(0)} ms`);

  const v0 = performance.now();
  const report = await verifyDatabase(database, await loadVerificationJwks(database.db));
  const vms = performance.now() - v0;
  console.log(
    `  verify: ${report.ok ? "ok" : "BROKEN"}, ${report.chain.count} positions, ${report.checkpoints.count} checkpoints in ${vms.toFixed(0)} ms (${(report.chain.count / (vms / 1000)).toFixed(0)} events/s)`,
  );
  if (!report.ok) console.log(report.problems.slice(0, 5), report.problemCount);
  console.log(`  load average: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  await keys.signer.close();
  if (!report.ok) process.exitCode = 1;
} finally {
  await database.close();
  if (!KEEP_DB) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
