/**
 * Inventory benchmark: `pnpm bench:inventory` (tsx bench/inventory.ts from the repo root).
 *
 * 1. Creates a throwaway database `bridle_bench_<timestamp>` on BENCH_DATABASE_URL's server
 *    (default postgres://postgres@127.0.0.1:5432/postgres), migrates it, and bulk-loads an org:
 *    ~20 connected systems, 5 teams, 300 people (a few deactivated), 10,000 bots, 50,000 grants,
 *    service accounts (a few shared), credential references and Golden Rule exceptions.
 * 2. Measures recomputeFindings over every bot in a transaction: the cold first run (every bot's
 *    findings written) and the median of 5 further runs (target: under 2 s).
 * 3. Serves the real app (buildApp) on 127.0.0.1 and measures GET /api/v1/bots over HTTP with ONE
 *    keep-alive connection, sequentially, per scenario (target: p95 under 50 ms). For a scenario
 *    over target it prints EXPLAIN ANALYZE of the SQL that listBots actually sends.
 *
 * Exits non-zero only on errors, never on a missed target. The database is dropped at the end
 * (BENCH_KEEP_DB=1 keeps it). Knobs: BENCH_REQUESTS (default 300), BENCH_WARMUP (default 30),
 * BENCH_EXPLAIN=all (print the plans of every scenario), BENCH_STALE_STATS=1 (skip the
 * `vacuum analyze bots` that follows the cold recompute).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { ZListBotsQuery } from "../packages/contracts/src/index.ts";
import { createDb, type DbHandle } from "../packages/db/src/index.ts";
import { buildApp } from "../apps/api/src/app.ts";
import { prepareDatabase } from "../apps/api/src/bootstrap/start.ts";
import { loadConfig } from "../apps/api/src/config.ts";
import { listBots } from "../apps/api/src/modules/bots/bots.repo.ts";
import { recomputeFindings } from "../apps/api/src/modules/findings/findings.service.ts";

const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 30);
const EXPLAIN_ALL = process.env.BENCH_EXPLAIN === "all";
const KEEP_DB = process.env.BENCH_KEEP_DB === "1";
const STALE_STATS = process.env.BENCH_STALE_STATS === "1";

const N_BOTS = 10_000;
const N_PEOPLE = 300;
const RECOMPUTE_TARGET_MS = 2_000;
const HTTP_P95_TARGET_MS = 50;
const DOMAIN = "bench.example";
const ADMIN_EMAIL = `bench.admin@${DOMAIN}`;
const ADMIN_TOKEN = `brdl_bench_${randomBytes(24).toString("hex")}`;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Deterministic data

/** mulberry32: a small seeded PRNG, so every run loads the same org. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(0xb41d1e);
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
/** Picks from [value, weight] pairs. */
function weighted<T>(pairs: readonly (readonly [T, number])[]): T {
  let r = rand() * pairs.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1]![0];
}
function sample<T>(list: readonly T[], n: number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}
const uuid = () => crypto.randomUUID();

const SYSTEMS: { key: string; name: string; classification: string }[] = [
  { key: "github", name: "GitHub", classification: "internal_data" },
  { key: "slack-internal", name: "Slack (internal)", classification: "internal_data" },
  { key: "company-chat", name: "Company chat", classification: "internal_data" },
  { key: "email-internal", name: "Internal mailing lists", classification: "internal_data" },
  { key: "axiom", name: "Axiom", classification: "internal_data" },
  { key: "vercel-logs", name: "Vercel logs", classification: "internal_data" },
  { key: "linear", name: "Linear", classification: "internal_data" },
  { key: "notion", name: "Notion", classification: "internal_data" },
  { key: "postgres-replica", name: "Postgres read replica", classification: "internal_data" },
  { key: "sentry", name: "Sentry", classification: "internal_data" },
  { key: "pagerduty", name: "PagerDuty", classification: "internal_data" },
  { key: "hubspot", name: "HubSpot CRM", classification: "internal_data" },
  { key: "jira", name: "Jira", classification: "internal_data" },
  { key: "confluence", name: "Confluence", classification: "internal_data" },
  { key: "gmail", name: "Gmail", classification: "both" },
  { key: "statuspage", name: "Public status page", classification: "external_communication" },
  { key: "telegram", name: "Telegram", classification: "external_communication" },
  { key: "discord", name: "Discord", classification: "external_communication" },
  { key: "whatsapp", name: "WhatsApp", classification: "external_communication" },
  { key: "personal-email", name: "Personal email", classification: "external_communication" },
  { key: "npm-registry", name: "npm registry", classification: "neither" },
];
const INTERNAL_SYSTEMS = SYSTEMS.filter((s) => s.classification === "internal_data").map((s) => s.key);
const EXTERNAL_SYSTEMS = ["statuspage", "telegram", "discord", "whatsapp", "personal-email"];
const ALLOWLIST = ["slack-internal", "company-chat", "email-internal", "github"];
const BLOCKLIST = ["telegram", "discord", "whatsapp", "personal-email"];
const TEAMS = [
  { slug: "platform", name: "Platform Engineering" },
  { slug: "data", name: "Data" },
  { slug: "support", name: "Customer Support" },
  { slug: "sales", name: "Sales" },
  { slug: "people-ops", name: "People Operations & IT" },
];
const FIRST = ["maya", "omar", "priya", "lucas", "sofia", "daniel", "ethan", "hana", "grace", "raj", "lena", "tomas", "yuki", "noah", "amara", "jonas", "ines", "kofi", "mei", "pablo"];
const LAST = ["chen", "haddad", "nair", "meyer", "rossi", "kim", "brooks", "sato", "okafor", "patel", "fischer", "silva", "tanaka", "williams", "mensah"];
const TASKS = ["triage", "digest", "deploy", "review", "sync", "notify", "report", "forecast", "tagger", "summarizer", "escalation", "onboarding", "audit", "backup", "invoice", "lead-enrich", "changelog", "standup"];
const OBJECTS = ["support tickets", "pull requests", "incident timelines", "sales leads", "billing invoices", "build logs", "on-call schedules", "release notes", "customer feedback", "access requests", "flaky tests", "SQL questions"];
const GATED = ["shell.exec", "email.send", "message.post_external", "config.change_production", "data.delete", "repo.approve", "repo.merge", "credential.rotate"];
const RUNTIME_PROFILE = {
  runtimeOwner: "platform@bench.example",
  hostingEnvironment: "k8s prod-eu / namespace bots",
  workspacePersistence: "ephemeral",
  networkAccessPolicy: ["api.github.com", "slack.com"],
  allowedTools: ["gh@2.63.0", "jq@1.7.1"],
  shellExecutionPolicy: "allowlist",
  dataRetention: "30 days",
  deletionProcedure: "Delete the namespace and the workspace volume; revoke tokens.",
  incidentResponseOwner: "security@bench.example",
};

type Org = {
  systems: Record<string, unknown>[];
  teams: Record<string, unknown>[];
  people: Record<string, unknown>[];
  bots: Record<string, unknown>[];
  grants: Record<string, unknown>[];
  serviceAccounts: Record<string, unknown>[];
  credentialReferences: Record<string, unknown>[];
  exceptions: Record<string, unknown>[];
};

function generateOrg(now: number): Org {
  const systems = SYSTEMS.map((s) => ({ id: uuid(), ...s, description: null }));
  const systemId = new Map(systems.map((s) => [s.key, s.id]));
  const teams = TEAMS.map((t) => ({ id: uuid(), ...t }));

  const people: { id: string; email: string; display_name: string; status: string; roles: string[]; team_id: string }[] = [];
  for (let i = 0; i < N_PEOPLE; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    const roles = i === 0 ? ["admin"] : i < 6 ? ["security"] : i < 10 ? ["it"] : i < 12 ? ["auditor"] : [];
    people.push({
      id: uuid(),
      email: `${first}.${last}${i}@${DOMAIN}`,
      display_name: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)} ${i}`,
      status: i % 37 === 17 ? "deactivated" : "active", // 8 people have left
      roles,
      team_id: teams[i % teams.length]!.id,
    });
  }
  const peopleByTeam = teams.map((_t, ti) => people.filter((_p, pi) => pi % teams.length === ti));

  const bots: Record<string, unknown>[] = [];
  const grants: Record<string, unknown>[] = [];
  const serviceAccounts: Record<string, unknown>[] = [];
  const credentialReferences: Record<string, unknown>[] = [];
  const exceptions: Record<string, unknown>[] = [];
  let lastGithubAccount: { bot: number; account: string } | null = null;

  for (let i = 0; i < N_BOTS; i++) {
    const id = uuid();
    const ti = i % teams.length;
    const team = teams[ti]!;
    const task = pick(TASKS);
    const env = weighted([["production", 60], ["staging", 25], ["test", 15]] as const);
    const badName = rand() < 0.03;
    const name = badName ? `${task}-helper-${i}` : `bench-${team.slug}-${task}-${i}-bot`;
    const emailRoll = rand();
    const email = emailRoll < 0.015 ? null : emailRoll < 0.03 ? `${name}@${DOMAIN}` : `${name}.bot@${DOMAIN}`;
    const owner = rand() < 0.005 ? null : pick(peopleByTeam[ti]!);
    const status = weighted([["active", 75], ["paused", 7], ["proposed", 6], ["offboarding", 3], ["offboarded", 9]] as const);
    const access = weighted([["none", 30], ["internal", 40], ["confidential", 22], ["restricted", 8]] as const);
    const channels = sample(ALLOWLIST, Math.floor(rand() * 3));
    if (rand() < 0.03) channels.push(pick(BLOCKLIST));
    const created = now - (30 + Math.floor(rand() * 670)) * DAY;
    const reviewed = rand() < 0.05 ? null : Math.max(created, now - Math.floor(rand() * 120) * DAY);
    let profile: Record<string, unknown> = RUNTIME_PROFILE;
    if (rand() < 0.12) {
      const drop = sample(Object.keys(RUNTIME_PROFILE), 1 + Math.floor(rand() * 3));
      profile = Object.fromEntries(Object.entries(RUNTIME_PROFILE).filter(([k]) => !drop.includes(k)));
    }
    bots.push({
      id,
      name,
      email,
      owner_id: owner?.id ?? null,
      team_id: team.id,
      purpose: `${task[0]!.toUpperCase()}${task.slice(1)} bot: works through ${pick(OBJECTS)} for ${team.name}`,
      environment: env,
      runtime: "openclaw 2026.3",
      status,
      internal_data_access: access,
      channels,
      credential_storage: `1Password vault bots-${env}`,
      gated_actions: sample(GATED, Math.floor(rand() * 4)),
      runtime_profile: profile,
      last_reviewed_at: reviewed === null ? null : new Date(reviewed).toISOString(),
      created_at: new Date(created).toISOString(),
    });

    // 3..7 grants per bot (50,000 in all), on distinct systems; ~8% of bots also talk outside.
    const nGrants = 3 + (i % 5);
    const external = rand() < 0.08 ? pick([...EXTERNAL_SYSTEMS, "gmail"]) : null;
    const grantSystems = [...sample(INTERNAL_SYSTEMS, external ? nGrants - 1 : nGrants), ...(external ? [external] : [])];
    for (const [gi, sys] of grantSystems.entries()) {
      const write = sys === external || rand() < 0.35;
      const expRoll = rand();
      grants.push({
        id: uuid(),
        bot_id: id,
        system_id: systemId.get(sys),
        scope: `${sys}:${gi % 2 ? "data" : "issues"}:${write ? "write" : "read"}`,
        access: write ? "write" : "read",
        expires_at: expRoll < 0.025 ? new Date(now - 10 * DAY).toISOString() : expRoll < 0.05 ? new Date(now + 60 * DAY).toISOString() : null,
      });
    }

    // A service account on the bot's first two systems; every 250th bot shares the previous
    // bot's GitHub account (shared_identity).
    for (const sys of grantSystems.slice(0, 2)) {
      let account = `${name}@${sys}`;
      if (sys === "github") {
        if (i % 250 === 0 && lastGithubAccount && lastGithubAccount.bot !== i) account = lastGithubAccount.account;
        else lastGithubAccount = { bot: i, account };
      }
      serviceAccounts.push({ id: uuid(), bot_id: id, system_id: systemId.get(sys), account });
    }
    credentialReferences.push({
      id: uuid(),
      bot_id: id,
      system_id: systemId.get(grantSystems[0]!),
      reference: `op://bots-${env}/${name}/${grantSystems[0]}`,
      rotation_interval_days: 90,
      last_rotated_at: new Date(now - Math.floor(rand() * 120) * DAY).toISOString(),
    });

    // Golden Rule exceptions for about a third of the bots that talk outside: mostly approved and
    // current, some expired, some pending.
    const externals = [...(external ? [external] : []), ...channels.filter((c) => BLOCKLIST.includes(c))];
    if (externals.length && rand() < 0.35) {
      const kind = weighted([["valid", 70], ["expired", 20], ["pending", 10]] as const);
      exceptions.push({
        id: uuid(),
        bot_id: id,
        status: kind === "pending" ? "pending" : "approved",
        business_purpose: "Posts incident updates to customers",
        allowed_systems: external ? [external] : [],
        allowed_channels: channels.filter((c) => BLOCKLIST.includes(c)),
        data_classification: "internal",
        approval_requirements: "security approves every external post",
        approved_by: kind === "pending" ? null : people[1]!.email,
        approved_at: kind === "pending" ? null : new Date(now - 100 * DAY).toISOString(),
        expires_at: kind === "expired" ? new Date(now - 5 * DAY).toISOString() : kind === "valid" ? new Date(now + 200 * DAY).toISOString() : null,
      });
    }
  }
  return {
    systems: systems.map((s) => ({ id: s.id, key: s.key, name: s.name, classification: s.classification, description: s.description })),
    teams,
    people,
    bots,
    grants,
    serviceAccounts,
    credentialReferences,
    exceptions,
  };
}

// ---------------------------------------------------------------------------------------------
// Bulk load: one `insert ... select from jsonb_to_recordset($1)` per chunk of rows.

async function bulkInsert(client: pg.ClientBase, table: string, columns: Record<string, string>, rows: Record<string, unknown>[], chunk = 2_500) {
  const names = Object.keys(columns);
  const recordType = names.map((c) => `${c} ${columns[c]}`).join(", ");
  const text = `insert into ${table} (${names.join(", ")}) select ${names.join(", ")} from jsonb_to_recordset($1::jsonb) as v(${recordType})`;
  for (let i = 0; i < rows.length; i += chunk) await client.query(text, [JSON.stringify(rows.slice(i, i + chunk))]);
}

async function loadOrg(url: string, org: Org) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("begin");
    await client.query(
      `insert into org_policy (id, org_name, bot_email_domain, naming_required_tokens, naming_org_prefix, channel_allowlist, channel_blocklist, review_interval_days)
       values (1, 'Bench Corp', $1, $2, $3, $4, $5, 90)`,
      [DOMAIN, ["bot"], "bench-", ALLOWLIST, BLOCKLIST],
    );
    await bulkInsert(client, "connected_systems", { id: "uuid", key: "text", name: "text", classification: "text", description: "text" }, org.systems);
    await bulkInsert(client, "teams", { id: "uuid", slug: "text", name: "text" }, org.teams);
    await bulkInsert(client, "people", { id: "uuid", email: "text", display_name: "text", status: "text", roles: "text[]", team_id: "uuid" }, org.people);
    await bulkInsert(
      client,
      "bots",
      {
        id: "uuid",
        name: "text",
        email: "text",
        owner_id: "uuid",
        team_id: "uuid",
        purpose: "text",
        environment: "text",
        runtime: "text",
        status: "text",
        internal_data_access: "text",
        channels: "text[]",
        credential_storage: "text",
        gated_actions: "text[]",
        runtime_profile: "jsonb",
        last_reviewed_at: "timestamptz",
        created_at: "timestamptz",
      },
      org.bots,
    );
    await bulkInsert(client, "grants", { id: "uuid", bot_id: "uuid", system_id: "uuid", scope: "text", access: "text", expires_at: "timestamptz" }, org.grants, 10_000);
    await bulkInsert(client, "service_accounts", { id: "uuid", bot_id: "uuid", system_id: "uuid", account: "text" }, org.serviceAccounts, 10_000);
    await bulkInsert(
      client,
      "credential_references",
      { id: "uuid", bot_id: "uuid", system_id: "uuid", reference: "text", rotation_interval_days: "int", last_rotated_at: "timestamptz" },
      org.credentialReferences,
      10_000,
    );
    await bulkInsert(
      client,
      "golden_rule_exceptions",
      {
        id: "uuid",
        bot_id: "uuid",
        status: "text",
        business_purpose: "text",
        allowed_systems: "text[]",
        allowed_channels: "text[]",
        data_classification: "text",
        approval_requirements: "text",
        approved_by: "text",
        approved_at: "timestamptz",
        expires_at: "timestamptz",
      },
      org.exceptions,
    );
    await client.query("commit");
    await client.query("analyze");
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Renders rows as a plain-text table with right-aligned numbers. */
function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_h, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

type Scenario = { name: string; query: string };

async function timeScenario(agent: http.Agent, port: number, path: string, n: number, warmup: number) {
  const request = () =>
    new Promise<{ status: number; body: string }>((resolvePromise, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path, agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: "application/json" } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
  let last = { status: 0, body: "" };
  for (let i = 0; i < warmup; i++) last = await request();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    last = await request();
    times.push(performance.now() - t0);
    if (last.status !== 200) throw new Error(`GET ${path} answered ${last.status}: ${last.body.slice(0, 300)}`);
  }
  const page = JSON.parse(last.body) as { items: unknown[]; total: number; nextCursor: string | null };
  return { times: times.sort((a, b) => a - b), items: page.items.length, total: page.total };
}

/** EXPLAIN ANALYZE of the statements listBots sends for a query string (captured from the pool). */
async function explainScenario(url: string, qs: string): Promise<string> {
  const capture = await createDb({ databaseUrl: url, poolSize: 2 });
  const statements: { text: string; values: unknown[] }[] = [];
  const pool = capture.pool!;
  const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (cfg: unknown, values?: unknown) => {
    const c = cfg as string | { text: string; values?: unknown[] };
    statements.push({ text: typeof c === "string" ? c : c.text, values: (values as unknown[] | undefined) ?? (typeof c === "string" ? [] : (c.values ?? [])) });
    return original(cfg, values);
  };
  try {
    const q = ZListBotsQuery.parse(Object.fromEntries(new URLSearchParams(qs)));
    await listBots(capture.db, q, null);
  } finally {
    await capture.close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: string[] = [];
    for (const s of statements) {
      const res = await client.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers) ${s.text}`, s.values);
      out.push(`  SQL: ${s.text.replace(/\s+/g, " ").trim()}`, `  params: ${JSON.stringify(s.values)}`, ...res.rows.map((r) => `    ${r["QUERY PLAN"]}`), "");
    }
    return out.join("\n");
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------

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

    const now = Date.now();
    let t0 = performance.now();
    const org = generateOrg(now);
    const genMs = performance.now() - t0;
    t0 = performance.now();
    await loadOrg(benchUrl.toString(), org);
    log(
      `seeded ${org.systems.length} systems, ${org.teams.length} teams, ${org.people.length} people (${org.people.filter((p) => p.status === "deactivated").length} deactivated), ` +
        `${org.bots.length} bots, ${org.grants.length} grants, ${org.serviceAccounts.length} service accounts, ` +
        `${org.credentialReferences.length} credential references, ${org.exceptions.length} Golden Rule exceptions ` +
        `(generated in ${fmt(genMs, 0)} ms, loaded in ${fmt(performance.now() - t0, 0)} ms)`,
    );

    // (a) recomputeFindings over the whole inventory
    const db = database.db;
    const runRecompute = async () => {
      const s = performance.now();
      const r = await db.transaction((tx) => recomputeFindings(tx));
      return { ms: performance.now() - s, ...r };
    };
    const cold = await runRecompute();
    // The cold run rewrites most bots' finding_count / finding_kinds; autovacuum would re-analyze
    // the table within a minute or so. Measure that steady state (BENCH_STALE_STATS=1 skips it, to
    // see the plans the list gets right after a mass recompute).
    if (!STALE_STATS) await database.pool!.query("vacuum analyze bots");
    const warm: { ms: number; evaluated: number; changed: number }[] = [];
    for (let i = 0; i < 5; i++) warm.push(await runRecompute());
    const warmMedian = median(warm.map((w) => w.ms));

    const kindCounts = await database.pool!.query<{ kind: string; n: number }>(
      "select k as kind, count(*)::int as n from bots, unnest(finding_kinds) k group by k order by k",
    );

    // (b) the inventory list over HTTP
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
    let connections = 0;
    app.server.on("connection", () => connections++);
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

    const owner = await database.pool!.query<{ email: string }>(
      "select p.email from people p join bots b on b.owner_id = p.id where p.status = 'active' group by p.email order by count(*) desc, p.email limit 1",
    );
    const ownerEmail = owner.rows[0]!.email;
    const firstPage = await new Promise<string>((resolvePromise, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: "/api/v1/bots?limit=50", agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolvePromise(body));
        })
        .on("error", reject);
    });
    const cursor = (JSON.parse(firstPage) as { nextCursor: string | null }).nextCursor;
    if (!cursor) throw new Error("the first page has no nextCursor");

    const scenarios: Scenario[] = [
      { name: "no filter", query: "limit=50" },
      { name: "sort=findingCount desc", query: "limit=50&sort=findingCount&order=desc" },
      { name: "finding=golden_rule", query: "limit=50&finding=golden_rule" },
      { name: "env=production status=active", query: "limit=50&environment=production&status=active" },
      { name: "team=support", query: "limit=50&team=support" },
      { name: `owner=<email>`, query: `limit=50&owner=${encodeURIComponent(ownerEmail)}` },
      { name: "q=invoice", query: "limit=50&q=invoice" },
      { name: "hasFindings=true", query: "limit=50&hasFindings=true" },
      { name: "page 2 (cursor)", query: `limit=50&cursor=${encodeURIComponent(cursor)}` },
    ];

    log(`\nGET /api/v1/bots over HTTP, 1 keep-alive connection, ${WARMUP} warm-up + ${REQUESTS} sequential requests per scenario`);
    const results: { s: Scenario; p50: number; p95: number; p99: number; items: number; total: number }[] = [];
    for (const s of scenarios) {
      const r = await timeScenario(agent, port, `/api/v1/bots?${s.query}`, REQUESTS, WARMUP);
      results.push({ s, p50: percentile(r.times, 50), p95: percentile(r.times, 95), p99: percentile(r.times, 99), items: r.items, total: r.total });
    }
    agent.destroy();

    log(
      table(
        ["scenario", "requests", "items/total", "p50 ms", "p95 ms", "p99 ms", "p95 / 50 ms"],
        results.map((r) => [r.s.name, REQUESTS, `${r.items}/${r.total}`, fmt(r.p50, 2), fmt(r.p95, 2), fmt(r.p99, 2), `${fmt(r.p95 / HTTP_P95_TARGET_MS, 2)}${r.p95 > HTTP_P95_TARGET_MS ? "  OVER" : ""}`]),
      ),
    );
    log(`(owner=${ownerEmail}; TCP connections opened by the client: ${connections})`);

    log(`\nrecomputeFindings over ${cold.evaluated} bots, in a transaction (target ${RECOMPUTE_TARGET_MS} ms)`);
    log(
      table(
        ["run", "ms", "bots evaluated", "bots changed", "ms / 2000 ms"],
        [
          ["cold (first run)", fmt(cold.ms, 0), cold.evaluated, cold.changed, fmt(cold.ms / RECOMPUTE_TARGET_MS, 2)],
          ["median of 5 runs", fmt(warmMedian, 0), warm[0]!.evaluated, warm.map((w) => w.changed).join(","), fmt(warmMedian / RECOMPUTE_TARGET_MS, 2)],
        ],
      ),
    );
    log(`  the 5 runs: ${warm.map((w) => fmt(w.ms, 0)).join(", ")} ms${STALE_STATS ? "" : " (after `vacuum analyze bots`, which also precedes the HTTP runs)"}`);
    log(`  bots per finding kind: ${kindCounts.rows.map((r) => `${r.kind} ${r.n}`).join(", ")}`);

    const slow = results.filter((r) => EXPLAIN_ALL || r.p95 > HTTP_P95_TARGET_MS);
    for (const r of slow) {
      log(`\nEXPLAIN ANALYZE for "${r.s.name}" (p95 ${fmt(r.p95, 2)} ms):`);
      log(await explainScenario(benchUrl.toString(), r.s.query));
    }
  } finally {
    if (app) await app.close().catch(() => {});
    if (database) await database.close().catch(() => {});
    if (KEEP_DB) log(`\nkept database ${dbName}`);
    else {
      const drop = new pg.Client({ connectionString: server.toString() });
      await drop.connect();
      await drop.query(`drop database if exists ${dbName} with (force)`);
      await drop.end();
      log(`\ndropped database ${dbName}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
