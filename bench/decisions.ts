/**
 * Decision API benchmark: `pnpm bench:decisions` (tsx bench/decisions.ts from the repo root).
 *
 * 1. Creates a throwaway database `bridle_bench_dec_<timestamp>` on BENCH_DATABASE_URL's server
 *    (default postgres://postgres@127.0.0.1:5432/postgres) and prepares it like `pnpm start`
 *    (migrations, the demo org).
 * 2. Starts the server in a child process (this same file with `--serve`): the real app from
 *    buildApp, plus a trivial route `POST /bench/bare` registered by the bench on the same app
 *    before it is ready (same plugins, hooks, body parsing and auth-free path), which answers
 *    `{"ok":true}` at once. It is the ceiling: everything the framework costs, no work of our own.
 *    The child runs the server alone, so the load generator (autocannon, here) does not share its
 *    event loop.
 * 3. With autocannon over loopback (BENCH_CONNECTIONS, default 50, BENCH_DURATION seconds per
 *    run, default 10, after a 2 s warm-up each), measures the same request body sent to
 *    `/bench/bare` and to `POST /api/v1/decisions` with a bot runtime token, for an `allow`
 *    decision (acme-triage-bot, `issue.comment` on github; a fresh requestId per request). Each
 *    decision is evaluated from the in-memory snapshot, signed (one Ed25519 JWS per decision, on
 *    the signing thread, a group commit's batch in one message) and recorded as its
 *    `audit_events` row (group commit, one at a time) before it is answered. BENCH_RATE fixes
 *    the request rate (autocannon's overallRate), to compare CPU per request at the same load.
 * 4. Prints requests/s, p50 / p99 latency, the ratio decisions / bare (targets: >= 0.5 and p99 <
 *    10 ms), and (Linux) the CPU time per request of the server process (all its threads), of
 *    this process (autocannon), of the postgres processes serving the bench database and of
 *    PostgreSQL's background processes (WAL writer, checkpointer, ...), with how busy the machine was:
 *    server, load generator and database share the machine, so a route that costs more CPU per
 *    request also slows the others. Checks that every answered decision is in the database with
 *    its audit event, and that a sampled answer's signature verifies with the JWKS (node:crypto,
 *    independently of jose).
 *
 * Exits non-zero only on errors (failed requests, unrecorded decisions), never on a missed target.
 * The database is dropped at the end (BENCH_KEEP_DB=1 keeps it). BENCH_CPU_PROF=<dir> writes a
 * V8 CPU profile of the server to <dir> (wall-clock samples: on a busy machine, time the thread
 * was descheduled or waiting on a lock lands in whatever it was running; `perf record` of the
 * server with NODE_OPTIONS=--perf-basic-prof gives CPU time only).
 *
 * Where the time goes (November 2026, 2 shared cores under heavy load from other work, so the
 * shares matter more than the absolute figures): of the server's CPU per decision, what the bare
 * route costs (HTTP, Fastify's hooks) is about a fifth; Ed25519 signing about 14 % (one
 * signature per decision, ~40 µs on this CPU); V8 compiling the decision path 8-15 % in a 10 s
 * run (a warm-up artefact); the decision log's batch write (details check, JSON, pg) about 5 %;
 * the decision itself (snapshot, decide(), the parameters' hash, the record) about 5 %; the
 * sealer's hashing and chaining about 4 %; GC and the kernel's socket work most of the rest.
 * PostgreSQL spends per decision its share of a commit (~0.3 ms of CPU each, most of it the WAL
 * flush: hence one group commit at a time), the insert (six B-tree indexes, about 40 % of an
 * insert, and parsing the batch's JSON, about 25 %) and the sealer's read and chain insert.
 * What was cut, measured against the same code before, in alternating runs: answers written with
 * JSON.stringify instead of zod's encode; the audit writer's rows of one shape (V8 had missed its
 * inline caches on every property); one message to the signing thread per group commit instead
 * of one per event-loop turn; one group commit at a time; canonical JSON and stable JSON with
 * safe-stable-stringify; one-shot SHA-256; migration 0013 (two redundant audit indexes, the seq
 * default inlined); the sealer without parallel workers. Server CPU per decision fell by about a
 * quarter to a third, PostgreSQL's by 10-20 %; the ratio target stays out of reach on 2 cores
 * that also run PostgreSQL and the load generator (README, "Known gaps").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createPublicKey, randomBytes, verify } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { cpuSample, type CpuSample, dropBenchDatabase, runBench, table } from "./harness.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** requests per second over all connections (autocannon's overallRate); unset: as fast as the server answers */
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const WARMUP_S = 2;
const KEEP_DB = process.env.BENCH_KEEP_DB === "1";
const BOT = "acme-triage-bot";
const THROUGHPUT_TARGET = 0.5;
const P99_TARGET_MS = 10;

type Histogram = { average: number; mean: number; p50: number; p90: number; p99: number; max: number };
type AutocannonResult = {
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
};
type RequestSpec = { method: string; path: string; headers: Record<string, string>; setupRequest: (req: { body?: string }) => object };
type AutocannonFn = (opts: {
  url: string;
  connections: number;
  duration: number;
  pipelining: number;
  overallRate?: number;
  requests: RequestSpec[];
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as AutocannonFn;

// ---------------------------------------------------------------------------------------------
// Server side (child process)

async function serve(databaseUrl: string) {
  const { createDb } = await import("../packages/db/src/index.ts");
  const { buildApp } = await import("../apps/api/src/app.ts");
  const { loadConfig } = await import("../apps/api/src/config.ts");
  const adminToken = process.env.BENCH_ADMIN_TOKEN!;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    BRIDLE_SEED: "none",
    BRIDLE_BOOTSTRAP_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: "silent",
  });
  const database = await createDb({ databaseUrl, poolSize: config.BRIDLE_DB_POOL_SIZE });
  const app = await buildApp({ config, database, logger: false });
  // The ceiling: registered on the same app, so it passes the same hooks and body parser.
  app.post("/bench/bare", { schema: { hide: true } }, async () => ({ ok: true }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  const bots = await app.inject({ method: "GET", url: `/api/v1/bots?q=${BOT}`, headers: { authorization: `Bearer ${adminToken}` } });
  const botId = (bots.json() as { items: { id: string; name: string }[] }).items.find((b) => b.name === BOT)?.id;
  if (!botId) throw new Error(`no bot ${BOT} in the demo org`);
  const created = await app.inject({
    method: "POST",
    url: `/api/v1/bots/${botId}/tokens`,
    headers: { authorization: `Bearer ${adminToken}` },
    payload: { name: "bench", expiresInDays: 1 },
  });
  if (created.statusCode !== 201) throw new Error(`creating a bot token failed: ${created.statusCode} ${created.body}`);
  process.stdout.write(`${JSON.stringify({ port, botId, token: (created.json() as { token: string }).token })}\n`);

  const stop = async () => {
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

// ---------------------------------------------------------------------------------------------
// Load side (parent process)

const fmt = (n: number, digits = 1) => n.toFixed(digits);
/** CPU figures come from samples taken a moment apart: tiny negatives are zero. */
const us = (n: number) => fmt(Math.max(0, n), 0);


function startServer(databaseUrl: string, adminToken: string): Promise<{ child: ChildProcess; port: number; botId: string; token: string }> {
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...process.execArgv, ...prof, fileURLToPath(import.meta.url), "--serve", databaseUrl], {
    env: { ...process.env, BENCH_ADMIN_TOKEN: adminToken },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      try {
        resolvePromise({ child, ...(JSON.parse(line) as { port: number; botId: string; token: string }) });
      } catch (err) {
        reject(new Error(`unexpected output from the server: ${line} (${String(err)})`));
      }
    });
    child.once("exit", (code) => reject(new Error(`the server exited early (code ${code})`)));
  });
}

/** PostgreSQL's own background processes (their titles), which serve every database on the server. */
const cpuPerRequest = (a: CpuSample | null, b: CpuSample | null, requests: number) =>
  a && b && requests > 0
    ? {
        server: ((b.server - a.server) * 1000) / requests,
        load: ((b.load - a.load) * 1000) / requests,
        postgres: ((b.postgres - a.postgres) * 1000) / requests,
        pgBackground: ((b.pgBackground - a.pgBackground) * 1000) / requests,
        busy: (b.machineBusy - a.machineBusy) / (b.at - a.at) / availableParallelism(),
        /** CPU of everything else on the machine (other people's builds and tests, the kernel's network work) */
        other:
          ((b.machineBusy - a.machineBusy - (b.server - a.server) - (b.load - a.load) - (b.postgres - a.postgres) - (b.pgBackground - a.pgBackground)) * 1000) /
          requests,
      }
    : null;

async function main() {
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const dbName = `bridle_bench_dec_${Date.now()}`;
  const server = new URL(SERVER_URL);
  const benchUrl = new URL(SERVER_URL);
  benchUrl.pathname = `/${dbName}`;
  const adminToken = `brdl_bench_${randomBytes(24).toString("hex")}`;

  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  log(`database ${dbName} on ${server.host}`);

  let child: ChildProcess | null = null;
  try {
    {
      const { createDb } = await import("../packages/db/src/index.ts");
      const { prepareDatabase } = await import("../apps/api/src/bootstrap/start.ts");
      const { loadConfig } = await import("../apps/api/src/config.ts");
      const database = await createDb({ databaseUrl: benchUrl.toString(), poolSize: 2 });
      const config = loadConfig({ DATABASE_URL: benchUrl.toString(), BRIDLE_SEED: "demo", BRIDLE_BOOTSTRAP_ADMIN_TOKEN: adminToken, LOG_LEVEL: "silent" });
      await prepareDatabase(config, database, (m) => log(m));
      await database.close();
    }
    const srv = await startServer(benchUrl.toString(), adminToken);
    child = srv.child;
    const base = `http://127.0.0.1:${srv.port}`;
    log(`server (child process ${child.pid}) on ${base}; bot ${BOT} with a fresh runtime token`);

    let seq = 0;
    const decisionBody = () =>
      JSON.stringify({
        action: "issue.comment",
        target: { system: "github", resource: "acme-corp/api#4711" },
        params: { body: "Thanks! Could you add the steps to reproduce?" },
        sessionId: "bench-session",
        requestId: `bench-${process.pid}-${++seq}`,
      });
    const spec = (path: string): RequestSpec => ({
      method: "POST",
      path,
      headers: { "content-type": "application/json", authorization: `Bearer ${srv.token}` },
      setupRequest: (req) => ({ ...req, body: decisionBody() }),
    });

    // Sanity: one decision, signed and verifiable.
    const sample = await fetch(`${base}/api/v1/decisions`, { method: "POST", headers: spec("").headers, body: decisionBody() });
    const decision = (await sample.json()) as { decision: string; signature: string };
    if (sample.status !== 200 || decision.decision !== "allow") throw new Error(`expected an allow decision, got ${sample.status} ${JSON.stringify(decision)}`);
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: { kid: string; x: string; kty: string; crv: string }[] };
    verifyJws(decision.signature, jwks.keys);
    log("sample decision: allow; its JWS verifies with /.well-known/jwks.json (checked with node:crypto, independently of jose)");

    const run = (path: string, duration: number) =>
      autocannon({ url: base, connections: CONNECTIONS, duration, pipelining: 1, ...(RATE ? { overallRate: RATE } : {}), requests: [spec(path)] });
    const failures = (r: AutocannonResult) => r.non2xx + r.errors + r.timeouts;

    log(`\nautocannon: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per route, same request body${RATE ? `, at most ${RATE} requests/s` : ""}`);
    const pid = child.pid!;
    log(`load average before: ${loadavg().map((l) => fmt(l, 2)).join(" ")} (${availableParallelism()} cores; other work on the machine skews these figures)`);
    await run("/bench/bare", WARMUP_S);
    const bareCpu0 = cpuSample(pid, dbName);
    const bare = await run("/bench/bare", DURATION_S);
    const bareCpu = cpuPerRequest(bareCpu0, cpuSample(pid, dbName), bare.requests.total);
    await run("/api/v1/decisions", WARMUP_S);
    const countBefore = await countDecisions(benchUrl.toString(), srv.botId);
    const decCpu0 = cpuSample(pid, dbName);
    const dec = await run("/api/v1/decisions", DURATION_S);
    const decCpu = cpuPerRequest(decCpu0, cpuSample(pid, dbName), dec.requests.total);
    // Answers still in flight when autocannon stopped are committed too; give them a moment.
    await new Promise((r) => setTimeout(r, 500));
    const countAfter = await countDecisions(benchUrl.toString(), srv.botId);
    const recorded = countAfter.rows - countBefore.rows;
    const audited = countAfter.audited - countBefore.audited;

    const ratio = dec.requests.average / bare.requests.average;
    log(
      table(
        ["route", "req/s", "p50 ms", "p99 ms", "max ms", "answers 2xx", "failed"],
        [
          ["POST /bench/bare (ceiling)", fmt(bare.requests.average, 0), fmt(bare.latency.p50, 2), fmt(bare.latency.p99, 2), fmt(bare.latency.max, 1), bare["2xx"], failures(bare)],
          ["POST /api/v1/decisions (allow)", fmt(dec.requests.average, 0), fmt(dec.latency.p50, 2), fmt(dec.latency.p99, 2), fmt(dec.latency.max, 1), dec["2xx"], failures(dec)],
        ],
      ),
    );
    if (bareCpu && decCpu)
      log(
        "\n" +
          table(
            ["CPU per request (us)", "server", "autocannon", "postgres (bench db)", "postgres (background)", "everything else", "machine busy"],
            [
              ["bare", us(bareCpu.server), us(bareCpu.load), us(bareCpu.postgres), us(bareCpu.pgBackground), us(bareCpu.other), `${fmt(bareCpu.busy * 100, 0)} %`],
              ["decisions", us(decCpu.server), us(decCpu.load), us(decCpu.postgres), us(decCpu.pgBackground), us(decCpu.other), `${fmt(decCpu.busy * 100, 0)} %`],
            ],
          ),
      );
    log(
      `\ndecisions / bare throughput: ${fmt(ratio, 2)} (target >= ${THROUGHPUT_TARGET}: ${ratio >= THROUGHPUT_TARGET ? "met" : "MISSED"}); ` +
        `decisions p99 ${fmt(dec.latency.p99, 2)} ms (target < ${P99_TARGET_MS} ms: ${dec.latency.p99 < P99_TARGET_MS ? "met" : "MISSED"})`,
    );
    log(`recorded during the measured run: ${recorded} decision audit events (${audited} distinct decision ids), for ${dec["2xx"]} answers counted by autocannon`);

    if (failures(bare) || failures(dec)) throw new Error(`failed requests: bare ${failures(bare)}, decisions ${failures(dec)}`);
    if (recorded < dec["2xx"] || audited !== recorded)
      throw new Error(`answered decisions missing from the database: ${dec["2xx"]} answers, ${recorded} decision events, ${audited} distinct decision ids`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    if (KEEP_DB) log(`\nkept database ${dbName}`);
    else {
      await dropBenchDatabase(server.toString(), dbName);
      log(`\ndropped database ${dbName}`);
    }
  }
}

/** Verifies a compact EdDSA JWS against a JWKS with node:crypto alone. @throws when it does not verify */
function verifyJws(jws: string, keys: { kid: string; x: string; kty: string; crv: string }[]) {
  const [h, p, sig] = jws.split(".");
  if (!h || !p || !sig) throw new Error("not a compact JWS");
  const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg: string; kid: string; typ: string };
  const jwk = keys.find((k) => k.kid === header.kid);
  if (header.alg !== "EdDSA" || header.typ !== "bridle-decision+jws" || !jwk) throw new Error(`unexpected JWS header ${JSON.stringify(header)}`);
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
  if (!verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(sig, "base64url"))) throw new Error("the decision signature does not verify");
}

/** The bot's decision audit events, and how many distinct decisions they name (each decision is recorded once). */
async function countDecisions(url: string, botId: string): Promise<{ rows: number; audited: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query<{ rows: number; audited: number }>(
      `select (select count(*) from audit_events where action like 'decision.%' and actor_id = $1::text)::int as rows,
              (select count(distinct resource_id) from audit_events where action like 'decision.%' and actor_id = $1::text)::int as audited`,
      [botId],
    );
    return res.rows[0]!;
  } finally {
    await client.end();
  }
}

if (process.argv[2] === "--serve") {
  serve(process.argv[3]!).catch((err: unknown) => {
    process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
} else {
  runBench(main);
}
