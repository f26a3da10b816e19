/**
 * Offboarding benchmark: `pnpm bench:offboarding` (tsx bench/offboarding.ts).
 *
 * Offboards a person who owns 50 bots, every automatic step, as IT does from the console, and
 * checks it stays under a second (README "Offboarding", the issue's target).
 * 1. Creates a throwaway database `bridle_bench_<timestamp>` on BENCH_DATABASE_URL's server
 *    (default postgres://postgres@127.0.0.1:5432/postgres), migrated, with the benchmarks' org
 *    (bench/org.ts: 10,000 bots) and its findings computed.
 * 2. For each of BENCH_RUNS runs (default 3), adds a person (managed by someone active) who owns
 *    BENCH_BOTS bots (default 50), each with 2 grants, a channel, 2 credential references and a
 *    live runtime token; 20 people hold the IT role (who are notified).
 * 3. Times, per run: the departure (`deactivatePerson`: ends sessions, opens a case per bot on
 *    `person.deactivated`, findings recomputed), then "offboard all" (`applyPlanEach`: 25
 *    bots to a transaction, in turn: pause, revoke tokens, revoke credential references, remove grants and
 *    channels, with their audit events, domain events and findings), and the total.
 * Prints each run and the median against the target (< 1000 ms). Exits non-zero only on errors.
 * The database is dropped at the end (BENCH_KEEP_DB=1 keeps it).
 */
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDb, type DbHandle } from "../packages/db/src/index.ts";
import type { Actor } from "../apps/api/src/modules/audit/index.ts";
import { recomputeFindings } from "../apps/api/src/modules/findings/index.ts";
import { applyPlanEach } from "../apps/api/src/modules/offboarding/index.ts";
import { deactivatePerson } from "../apps/api/src/modules/people/index.ts";
import { registerSubscribers } from "../apps/api/src/subscribers.ts";
import { DOMAIN, generateOrg, loadOrg } from "./org.ts";
import { dropBenchDatabase, runBench } from "./harness.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const KEEP_DB = process.env.BENCH_KEEP_DB === "1";
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BOTS = Number(process.env.BENCH_BOTS ?? 50);
const TARGET_MS = 1000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

/** A person managed by `managerId` who owns BOTS bots, each with grants, a channel, credential references and a live token. */
async function leaverWithBots(pool: pg.Pool, run: number, managerId: string, systems: string[]): Promise<string> {
  const slug = `leaver${run}`;
  const {
    rows: [p],
  } = await pool.query<{ id: string }>(`insert into people (email, display_name, manager_id) values ($1, $2, $3) returning id`, [`${slug}@${DOMAIN}`, `Leaver ${run}`, managerId]);
  const { rows: botRows } = await pool.query<{ id: string; name: string }>(
    `insert into bots (name, email, owner_id, purpose, environment, runtime, status, internal_data_access, channels, credential_storage)
     select 'bench-' || $1 || '-' || i || '-bot', 'bench-' || $1 || '-' || i || '-bot.bot@' || $2, $3, 'Offboarding bench', 'production', 'openclaw', 'active', 'internal', '{slack}', 'vault'
     from generate_series(1, $4::int) i returning id, name`,
    [slug, DOMAIN, p!.id, BOTS],
  );
  for (const b of botRows) {
    await pool.query(`insert into grants (bot_id, system_id, scope, access) values ($1, $2, $3, 'read'), ($1, $4, $5, 'read')`, [b.id, systems[0], "repo:read", systems[1], "issues:read"]);
    await pool.query(`insert into credential_references (bot_id, system_id, reference) values ($1, $2, $3), ($1, $4, $5)`, [
      b.id,
      systems[0],
      `op://bots/${b.name}/token`,
      systems[1],
      `vault://secret/bots/${b.name}`,
    ]);
    const token = `brdl_bot_${randomBytes(32).toString("base64url")}`;
    await pool.query(`insert into bot_tokens (bot_id, name, token_hash, prefix, created_by, expires_at) values ($1, 'runtime', $2, $3, $4, now() + interval '30 days')`, [
      b.id,
      createHash("sha256").update(token).digest("hex"),
      token.slice(0, 13),
      managerId,
    ]);
  }
  return p!.id;
}

async function main() {
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const dbName = `bridle_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.pathname = `/${dbName}`;
  let database: DbHandle | null = null;
  try {
    database = await createDb({ databaseUrl: url.toString(), poolSize: 10 });
    await database.migrate();
    const org = generateOrg(Date.now());
    await loadOrg(url.toString(), org);
    registerSubscribers();
    await database.db.transaction((tx) => recomputeFindings(tx));
    const pool = database.pool!;
    await pool.query("vacuum analyze");
    const systems = (await pool.query<{ id: string }>(`select id from connected_systems order by key limit 2`)).rows.map((r) => r.id);
    const {
      rows: [manager],
    } = await pool.query<{ id: string }>(`insert into people (email, display_name) values ($1, 'Bench Manager') returning id`, [`manager@${DOMAIN}`]);
    await pool.query(`insert into people (email, display_name, roles) select 'it' || i || '@${DOMAIN}', 'IT ' || i, '{it}' from generate_series(1, 20) i`);
    const it: Actor = { type: "person", id: manager!.id, label: `it1@${DOMAIN}` };
    log(`org of ${org.bots.length} bots loaded (PostgreSQL at ${url.host}); offboarding a person with ${BOTS} bots, ${RUNS} runs`);

    const totals: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const personId = await leaverWithBots(pool, run, manager!.id, systems);
      const t0 = performance.now();
      await database.db.transaction((tx) => deactivatePerson(tx, personId, { actor: it, requestId: null, reason: "bench: left" }));
      const t1 = performance.now();
      const cases = (await pool.query<{ id: string }>(`select id from offboarding_cases where former_owner_id = $1 and status = 'open' order by opened_at, id`, [personId])).rows;
      if (cases.length !== BOTS) throw new Error(`expected ${BOTS} cases, got ${cases.length}`);
      await applyPlanEach(
        database.db,
        cases.map((c) => c.id),
        { plan: "offboard" },
        it,
      );
      const t2 = performance.now();
      const left = await pool.query<{ n: number }>(
        `select count(*)::int as n from bots b where b.owner_id = $1 and (b.status <> 'paused' or exists (select 1 from grants g where g.bot_id = b.id)
           or exists (select 1 from bot_tokens t where t.bot_id = b.id and t.revoked_at is null)
           or exists (select 1 from credential_references r where r.bot_id = b.id and r.status <> 'revoked'))`,
        [personId],
      );
      if (left.rows[0]!.n !== 0) throw new Error(`${left.rows[0]!.n} bots not fully offboarded`);
      totals.push(t2 - t0);
      log(`run ${run}: departure + ${BOTS} cases opened ${(t1 - t0).toFixed(0)} ms; offboard all (${Math.ceil(BOTS / 25)} transactions) ${(t2 - t1).toFixed(0)} ms; total ${(t2 - t0).toFixed(0)} ms`);
    }
    const m = median(totals);
    log(`median total ${m.toFixed(0)} ms for ${BOTS} bots: target < ${TARGET_MS} ms ${m < TARGET_MS ? "MET" : "MISSED"}`);
  } finally {
    await database?.close();
    if (!KEEP_DB) await dropBenchDatabase(SERVER_URL, dbName);
  }
}

runBench(main);
