/**
 * Notifications benchmark: `pnpm bench:notifications` (tsx bench/notifications.ts).
 *
 * What a caller pays for `notify` inside its own transaction (the offboarding of a person with 50
 * bots notifies once per bot, and must stay under a second in all), and how fast the delivery
 * worker empties the outbox.
 * 1. Creates a throwaway database `bridle_bench_<timestamp>` on BENCH_DATABASE_URL's server
 *    (default postgres://postgres@127.0.0.1:5432/postgres), migrated, with BENCH_PEOPLE people
 *    holding the IT role (default 20) and one more person.
 * 2. Times, each in a transaction rolled back afterwards so every run starts alike:
 *    notify to one named person; notify to the IT role (fan-out); 50 notify calls in one
 *    transaction (one per bot, as an offboarding does, each to a manager and the IT role); the
 *    same 50 in one notifyMany call. Plain text, then a body holding a secret (which is
 *    redacted). Prints medians over BENCH_RUNS runs (default 20).
 * 3. Queues BENCH_OUTBOX emails (default 500) and times one worker run delivering them to a local
 *    SMTP server (smtp-server, accepting everything): deliveries per second.
 *
 * Exits non-zero only on errors. The database is dropped at the end (BENCH_KEEP_DB=1 keeps it).
 */
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDb, people, type DbHandle, type DbOrTx } from "../packages/db/src/index.ts";
import { SYSTEM_ACTOR } from "../apps/api/src/modules/audit/index.ts";
import { createNotificationDelivery, notify, notifyMany } from "../apps/api/src/modules/notifications/index.ts";
import { startSmtpReceiver } from "../apps/api/test/receivers.ts";
import { dropBenchDatabase, runBench } from "./harness.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const KEEP_DB = process.env.BENCH_KEEP_DB === "1";
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const OUTBOX = Number(process.env.BENCH_OUTBOX ?? 500);
const SECRET_BODY = "The runtime printed token ghp_abcdefghijklmnopqrstuvwxyz0123456789 in a CI log.";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};

class Rollback extends Error {}
/** Runs `fn` in a transaction that is rolled back; returns how long it took (ms). */
async function timedRolledBack(database: DbHandle, fn: (tx: DbOrTx) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  try {
    await database.db.transaction(async (tx) => {
      await fn(tx);
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return performance.now() - t0;
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
  const database = await createDb({ databaseUrl: url.toString(), poolSize: 5 });
  const smtp = await startSmtpReceiver({ user: "bench", pass: "bench-pass" });
  try {
    await database.migrate();
    const it = await database.db
      .insert(people)
      .values(Array.from({ length: PEOPLE }, (_, i) => ({ email: `it${i}@bench.example`, displayName: `IT ${i}`, roles: ["it"] })))
      .returning({ id: people.id });
    const [one] = await database.db.insert(people).values({ email: "owner@bench.example", displayName: "Owner" }).returning({ id: people.id });
    log(`notify, inside a transaction rolled back afterwards; ${RUNS} runs each, ${PEOPLE} people hold the IT role (PostgreSQL at ${url.host})`);

    const cases: [string, (tx: DbOrTx, body: string) => Promise<unknown>][] = [
      ["one named person", (tx, body) => notify(tx, { recipients: { personIds: [one!.id] }, kind: "rotation_due", title: "Rotate it", body }, SYSTEM_ACTOR)],
      [`the IT role (${it.length} people)`, (tx, body) => notify(tx, { recipients: { roles: ["it"] }, kind: "offboarding_case_opened", title: "Case opened", body }, SYSTEM_ACTOR)],
      [
        "50 calls in one transaction (one per bot, manager + IT)",
        async (tx, body) => {
          for (let i = 0; i < 50; i++)
            await notify(tx, { recipients: { personIds: [one!.id], roles: ["it"] }, kind: "offboarding_case_opened", title: `Case for bot ${i}`, body }, SYSTEM_ACTOR);
        },
      ],
      [
        "notifyMany: the same 50 in one call",
        (tx, body) =>
          notifyMany(
            tx,
            Array.from({ length: 50 }, (_, i) => ({ recipients: { personIds: [one!.id], roles: ["it" as const] }, kind: "offboarding_case_opened" as const, title: `Case for bot ${i}`, body })),
            SYSTEM_ACTOR,
          ),
      ],
    ];
    const rows: string[][] = [];
    for (const [name, fn] of cases) {
      const plain: number[] = [];
      const secret: number[] = [];
      await timedRolledBack(database, (tx) => fn(tx, "warm up"));
      for (let r = 0; r < RUNS; r++) plain.push(await timedRolledBack(database, (tx) => fn(tx, "The owner left on Friday; choose transfer or offboard.")));
      for (let r = 0; r < RUNS; r++) secret.push(await timedRolledBack(database, (tx) => fn(tx, SECRET_BODY)));
      rows.push([name, median(plain).toFixed(1), median(secret).toFixed(1)]);
    }
    const head = ["case", "median ms (plain)", "median ms (secret redacted)"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    log([line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"));

    // the worker: OUTBOX emails to a local SMTP server
    for (let i = 0; i < OUTBOX; i++) await notify(database.db, { recipients: { personIds: [one!.id] }, kind: "test", title: `Mail ${i}`, body: "x" }, SYSTEM_ACTOR);
    const worker = createNotificationDelivery({
      db: database.db,
      config: { BRIDLE_SMTP_URL: smtp.url, BRIDLE_MAIL_FROM: "bench@bench.example" },
      log: { info: () => {}, warn: () => {}, error: () => {} },
    });
    const t0 = performance.now();
    const run = await worker.runOnce();
    const ms = performance.now() - t0;
    await worker.stop();
    log(`\ndelivery worker: ${run.sent} emails sent to a local SMTP server in ${ms.toFixed(0)} ms (${((run.sent / ms) * 1000).toFixed(0)}/s); received ${smtp.mails.length}`);
    if (run.sent !== OUTBOX || smtp.mails.length !== OUTBOX) throw new Error(`expected ${OUTBOX} emails, sent ${run.sent}, received ${smtp.mails.length}`);
  } finally {
    await smtp.close();
    // pg's pool.end() resolves before its clients' sockets have closed; the forced drop below may
    // still reach one, which then reports an error nobody waits for any more
    database.pool?.on("error", () => {});
    await database.close();
    if (!KEEP_DB) await dropBenchDatabase(SERVER_URL, dbName);
  }
}

runBench(main);
