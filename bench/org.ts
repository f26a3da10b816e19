/**
 * The benchmarks' organization: a deterministic org of 10,000 bots (seeded PRNG, so every run
 * loads the same org) and its bulk load. Used by bench/inventory.ts and bench/findings-incremental.ts.
 *
 * ~20 connected systems, 5 teams, 300 people (a few deactivated), 10,000 bots, 50,000 grants,
 * service accounts (every 250th bot shares the previous bot's GitHub account), credential
 * references and Golden Rule exceptions.
 */
import pg from "pg";

export const N_BOTS = 10_000;
const N_PEOPLE = 300;
export const DOMAIN = "bench.example";
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

export type Org = {
  systems: Record<string, unknown>[];
  teams: Record<string, unknown>[];
  people: Record<string, unknown>[];
  bots: Record<string, unknown>[];
  grants: Record<string, unknown>[];
  serviceAccounts: Record<string, unknown>[];
  credentialReferences: Record<string, unknown>[];
  exceptions: Record<string, unknown>[];
};

export function generateOrg(now: number): Org {
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

export async function loadOrg(url: string, org: Org) {
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
    // The skills registry approves the tools every bench bot lists (RUNTIME_PROFILE.allowedTools).
    await client.query(
      `insert into skills (name, version, source_registry, source_package, status, reviewed_at)
       values ('gh', '2.63.0', 'git', 'https://github.com/cli/cli', 'approved', now()), ('jq', '1.7.1', 'git', 'https://github.com/jqlang/jq', 'approved', now())`,
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

