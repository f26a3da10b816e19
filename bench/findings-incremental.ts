/**
 * Incremental findings benchmark: `pnpm bench:findings` (tsx bench/findings-incremental.ts).
 *
 * 1. Creates a throwaway database `bridle_bench_<timestamp>` on BENCH_DATABASE_URL's server
 *    (default postgres://postgres@127.0.0.1:5432/postgres) and bulk-loads the 10,000-bot org of
 *    bench/org.ts; a first full recompute writes every bot's findings.
 * 2. Through the real app (buildApp, app.inject): opens scope-expansion approval requests as each
 *    bot's owner and approves each as a security reviewer. The approval emits `approval.applied`,
 *    whose findings subscriber recomputes that bot and its identity sharers. Then the same with
 *    the findings subscriber replaced by a whole-inventory recompute (what every change did
 *    before domain events), on other bots. Prints the median time of the approve request each way.
 * 3. Times the two functions themselves, each in a transaction rolled back afterwards:
 *    recomputeFindingsFor for one bot (a bot sharing nothing, and one sharing a GitHub account)
 *    and recomputeFindings over the whole inventory. Prints bots evaluated, medians and ratios.
 *
 * Exits non-zero only on errors. The database is dropped at the end (BENCH_KEEP_DB=1 keeps it).
 * Knobs: BENCH_APPROVALS (approvals per mode, default 10; the full-recompute mode runs half as many),
 * BENCH_RUNS (runs of the incremental function, default 20; the full one runs 5 times).
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDb, type DbHandle, type DbOrTx } from "../packages/db/src/index.ts";
import { buildApp } from "../apps/api/src/app.ts";
import { prepareDatabase } from "../apps/api/src/bootstrap/start.ts";
import { loadConfig } from "../apps/api/src/config.ts";
import { hashToken } from "../apps/api/src/lib/crypto.ts";
import { subscribe } from "../apps/api/src/lib/domain-events.ts";
import { recomputeFindings, recomputeFindingsFor, registerFindingsSubscriber } from "../apps/api/src/modules/findings/index.ts";
import { DOMAIN, generateOrg, loadOrg } from "./org.ts";
import { dropBenchDatabase, runBench, table } from "./harness.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const KEEP_DB = process.env.BENCH_KEEP_DB === "1";
const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const FULL_RUNS = 5;
const ADMIN_EMAIL = `bench.admin@${DOMAIN}`;
const ADMIN_TOKEN = `brdl_bench_${randomBytes(24).toString("hex")}`;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);

class Rollback<T> extends Error {
  constructor(readonly result: T) {
    super("rollback");
  }
}
/** Runs `fn` in a transaction that is rolled back, so every run starts from the same data. */
async function timedRolledBack<T>(database: DbHandle, fn: (tx: DbOrTx) => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  try {
    await database.db.transaction(async (tx) => {
      throw new Rollback(await fn(tx));
    });
  } catch (err) {
    if (err instanceof Rollback) return { ms: performance.now() - t0, result: err.result as T };
    throw err;
  }
  throw new Error("unreachable");
}

async function main() {
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const dbName = `bridle_bench_${Date.now()}`;
  const server = new URL(SERVER_URL);
  const benchUrl = new URL(SERVER_URL);
  benchUrl.pathname = `/${dbName}`;
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  log(`database ${dbName} on ${server.host}`);

  let database: DbHandle | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  try {
    database = await createDb({ databaseUrl: benchUrl.toString(), poolSize: 10 });
    await database.migrate();
    const org = generateOrg(Date.now());
    await loadOrg(benchUrl.toString(), org);
    const pool = database.pool!;
    const cold = await database.db.transaction((tx) => recomputeFindings(tx));
    await pool.query("vacuum analyze bots");
    log(`seeded ${org.bots.length} bots, ${org.grants.length} grants, ${org.serviceAccounts.length} service accounts; first full recompute wrote ${cold.changed} bots' findings`);

    const config = loadConfig({
      DATABASE_URL: benchUrl.toString(),
      BRIDLE_SEED: "none",
      BRIDLE_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BRIDLE_BOOTSTRAP_ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
      BRIDLE_BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: "silent",
    });
    await prepareDatabase(config, database, () => {});
    app = await buildApp({ config, database, logger: false });
    await app.ready();

    // Bots an owner may ask more scope for: active, an active owner without a reviewer role, no
    // external system or blocked channel (so an internal grant keeps the Golden Rule), sharing nothing.
    const candidates = await pool.query<{ id: string; owner_id: string }>(`
      select b.id, b.owner_id from bots b join people p on p.id = b.owner_id
      where b.status = 'active' and p.status = 'active' and p.roles = '{}' and b.finding_count = 0
        and not exists (select 1 from grants g join connected_systems s on s.id = g.system_id where g.bot_id = b.id and s.classification <> 'internal_data')
      order by b.name limit ${APPROVALS * 2}`);
    if (candidates.rows.length < APPROVALS + Math.ceil(APPROVALS / 2)) throw new Error(`only ${candidates.rows.length} candidate bots`);
    const security = (await pool.query<{ id: string }>(`select id from people where 'security' = any(roles) and status = 'active' order by email limit 1`)).rows[0]!.id;
    const tokens = new Map<string, string>();
    const tokenOf = async (personId: string) => {
      let token = tokens.get(personId);
      if (token) return token;
      token = `brdl_bench_${randomBytes(24).toString("hex")}`;
      await pool.query(`insert into api_tokens (name, kind, token_hash, person_id, roles) select 'bench', 'personal', $1, id, roles from people where id = $2`, [hashToken(token), personId]);
      tokens.set(personId, token);
      return token;
    };
    const as = async (personId: string) => ({ authorization: `Bearer ${await tokenOf(personId)}` });

    /** Opens a request as the bot's owner, then times its approval by a security reviewer. */
    const approveOne = async (bot: { id: string; owner_id: string }) => {
      const opened = await app!.inject({
        method: "POST",
        url: "/api/v1/approval-requests",
        headers: await as(bot.owner_id),
        payload: { kind: "scope_expansion", botId: bot.id, justification: "Needs to read the team wiki", payload: { system: "notion", scope: "notion:wiki:read", access: "read" } },
      });
      if (opened.statusCode !== 201) throw new Error(`open: ${opened.statusCode} ${opened.body}`);
      const id = (opened.json() as { id: string }).id;
      const headers = await as(security);
      const t0 = performance.now();
      const approved = await app!.inject({ method: "POST", url: `/api/v1/approval-requests/${id}/approve`, headers, payload: { note: "fine" } });
      const ms = performance.now() - t0;
      if (approved.statusCode !== 200) throw new Error(`approve: ${approved.statusCode} ${approved.body}`);
      return ms;
    };

    const incrementalMs: number[] = [];
    for (const bot of candidates.rows.slice(0, APPROVALS)) incrementalMs.push(await approveOne(bot));
    // What every change did before domain events: the whole inventory, whatever changed.
    subscribe("findings", async (tx) => ({ findingsChanged: (await recomputeFindings(tx)).changed }));
    const fullMs: number[] = [];
    for (const bot of candidates.rows.slice(APPROVALS, APPROVALS + Math.ceil(APPROVALS / 2))) fullMs.push(await approveOne(bot));
    registerFindingsSubscriber();

    // The functions themselves, on one bot sharing nothing and one sharing a GitHub account.
    const shared = (await pool.query<{ id: string }>(`select id from bots where 'shared_identity' = any(finding_kinds) order by name limit 1`)).rows[0]!.id;
    const plain = candidates.rows[0]!.id;
    const forBot = async (id: string) => {
      const runs: { ms: number; result: { evaluated: number; changed: number } }[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await timedRolledBack(database!, (tx) => recomputeFindingsFor(tx, [id])));
      return { ms: median(runs.map((r) => r.ms)), evaluated: runs[0]!.result.evaluated };
    };
    const one = await forBot(plain);
    const sharer = await forBot(shared);
    const fullRuns: { ms: number; result: { evaluated: number } }[] = [];
    for (let i = 0; i < FULL_RUNS; i++) fullRuns.push(await timedRolledBack(database, (tx) => recomputeFindings(tx)));
    const full = { ms: median(fullRuns.map((r) => r.ms)), evaluated: fullRuns[0]!.result.evaluated };

    log(`\nApplying one approval (POST /approval-requests/{id}/approve, scope expansion, app.inject), median of n requests`);
    const inc = median(incrementalMs);
    const old = median(fullMs);
    log(
      table(
        ["findings recomputed by", "n", "bots recomputed", "median ms", "vs incremental"],
        [
          ["approval.applied -> recomputeFindingsFor", incrementalMs.length, one.evaluated, fmt(inc), "1.0x"],
          ["whole inventory (before domain events)", fullMs.length, full.evaluated, fmt(old), `${fmt(old / inc)}x`],
        ],
      ),
    );
    log(`\nThe recompute alone, in a rolled-back transaction (median of ${RUNS} runs; full: ${FULL_RUNS} runs)`);
    log(
      table(
        ["recompute", "bots evaluated", "median ms", "full / this"],
        [
          ["recomputeFindingsFor(one bot sharing nothing)", one.evaluated, fmt(one.ms, 2), `${fmt(full.ms / one.ms, 0)}x`],
          ["recomputeFindingsFor(one bot sharing a GitHub account)", sharer.evaluated, fmt(sharer.ms, 2), `${fmt(full.ms / sharer.ms, 0)}x`],
          ["recomputeFindings (whole inventory)", full.evaluated, fmt(full.ms, 1), "1x"],
        ],
      ),
    );
  } finally {
    if (app) await app.close().catch(() => {});
    if (database) await database.close().catch(() => {});
    if (KEEP_DB) log(`\nkept database ${dbName}`);
    else {
      await dropBenchDatabase(server.toString(), dbName);
      log(`\ndropped database ${dbName}`);
    }
  }
}

runBench(main);
