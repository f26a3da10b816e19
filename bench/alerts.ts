/**
 * Alert evaluator benchmark: `pnpm bench:alerts` (tsx bench/alerts.ts).
 *
 * How fast the `alert-evaluator` job reads the audit log and applies the rules, off the hot paths.
 * 1. Creates a throwaway database `bridle_bench_<timestamp>` on BENCH_DATABASE_URL's server
 *    (default postgres://postgres@127.0.0.1:5432/postgres), migrated and seeded with the demo
 *    organization (42 bots), and runs the evaluator once to start from there.
 * 2. Writes BENCH_EVENTS audit events (default 100,000) through the audit writer, in batches of
 *    5,000 as the group commits would: decisions of the demo bots (90% allowed, 5% denied, 5%
 *    asking approval; a third naming an internal-data system) and failed tool results, over the
 *    last 10 minutes, plus 500 audit events the evaluator passes over (`bot.read` refusals).
 * 3. Times one evaluator run catching up on all of them (pages of 5,000, one transaction each):
 *    events per second, alerts opened; then BENCH_STEADY more events (default 20,000: a minute at
 *    about 330 decisions a second) and one more run, as the every-minute job would find them.
 *
 * Exits non-zero only on errors. The database is dropped at the end (BENCH_KEEP_DB=1 keeps it).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { bots, createDb } from "../packages/db/src/index.ts";
import { recordAuditBatch, type AuditEventInput } from "../apps/api/src/modules/audit/index.ts";
import { runAlertEvaluator } from "../apps/api/src/modules/alerts/index.ts";
import { prepareDatabase } from "../apps/api/src/bootstrap/start.ts";
import { loadConfig } from "../apps/api/src/config.ts";
import { dropBenchDatabase, runBench, table } from "./harness.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const KEEP_DB = process.env.BENCH_KEEP_DB === "1";
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const STEADY = Number(process.env.BENCH_STEADY ?? 20_000);
const BATCH = 5_000;

function eventsFor(botList: { id: string; name: string }[], n: number, spanMs: number): AuditEventInput[] {
  const now = Date.now();
  return Array.from({ length: n }, (_v, i) => {
    const bot = botList[i % botList.length]!;
    const at = new Date(now - spanMs + Math.floor((i / n) * spanMs));
    const id = randomUUID();
    if (i % 20 === 19)
      return { actor: { type: "bot", id: bot.id, label: bot.name }, action: "runtime.tool_result", resourceType: "runtime_event", resourceId: id, outcome: "failure", at, sessionId: `s-${i % 50}`, details: { bot: bot.name, time: at.toISOString(), tool: `tool_${i % 7}`, ok: false, error: i % 40 === 39 ? "timed out" : "HTTP 502" } };
    const verdict = i % 20 === 0 ? "deny" : i % 20 === 1 ? "require_approval" : "allow";
    const system = i % 3 === 0 ? "github" : i % 3 === 1 ? "discord" : null;
    return {
      actor: { type: "bot", id: bot.id, label: bot.name },
      action: `decision.${verdict}`,
      resourceType: "decision",
      resourceId: id,
      outcome: verdict === "deny" ? "denied" : "success",
      at,
      sessionId: `s-${i % 50}`,
      details: { decisionId: id, bot: bot.name, tokenId: randomUUID(), action: `action.${i % 5}`, target: system ? { system } : { channel: "slack:#ops" }, decision: verdict, reasons: [], runtimeRequestId: randomUUID(), sessionId: `s-${i % 50}`, approvalRequestId: null, policyVersion: 1, paramsHash: "x" },
    } as AuditEventInput;
  });
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
  const config = loadConfig({ DATABASE_URL: url.toString(), BRIDLE_SEED: "demo", BRIDLE_BOOTSTRAP_ADMIN_PASSWORD: "bench-password-0123456789", LOG_LEVEL: "silent" });
  const database = await createDb({ databaseUrl: config.DATABASE_URL, poolSize: 5 });
  try {
    await prepareDatabase(config, database, () => {});
    await runAlertEvaluator(database.db);
    const botList = await database.db.select({ id: bots.id, name: bots.name }).from(bots);
    const write = async (events: AuditEventInput[]) => {
      for (let i = 0; i < events.length; i += BATCH) await recordAuditBatch(database.db, events.slice(i, i + BATCH));
    };
    await write(eventsFor(botList, EVENTS, 10 * 60_000));
    await write(
      Array.from({ length: 500 }, () => ({ actor: { type: "system", id: null, label: "bench" }, action: "bot.read", resourceType: "bot", resourceId: null, outcome: "denied", details: {} }) as AuditEventInput),
    );
    const rows: (string | number)[][] = [];
    const timed = async (label: string, expected: number) => {
      const t0 = performance.now();
      let r = await runAlertEvaluator(database.db, new Date(), { maxPages: 1_000 });
      let events = r.events;
      // the horizon waits for transactions still open elsewhere on the server: run again until all are read
      while (events < expected && performance.now() - t0 < 120_000) {
        r = await runAlertEvaluator(database.db, new Date(), { maxPages: 1_000 });
        events += r.events;
      }
      const ms = performance.now() - t0;
      rows.push([label, events, ms.toFixed(0), ((events / ms) * 1000).toFixed(0), r.opened]);
    };
    await timed(`catch-up: ${EVENTS} events`, EVENTS);
    await write(eventsFor(botList, STEADY, 60_000));
    await timed(`a minute's worth: ${STEADY} events`, STEADY);
    log(`alert evaluator on PostgreSQL at ${url.host}, demo organization (${botList.length} bots), every rule on with its defaults`);
    log(table(["run", "events read", "ms", "events/s", "alerts opened (last run)"], rows));
  } finally {
    database.pool?.on("error", () => {});
    await database.close();
    if (!KEEP_DB) await dropBenchDatabase(SERVER_URL, dbName);
  }
}

runBench(main);
