import { ENFORCEMENT_GAP_WINDOW_DAYS, parseToolRef, type TFinding, type TSkillStatus, type TSystemClassification } from "@bridle/contracts";
import { connectedSystems, type DbOrTx } from "@bridle/db";
import { skillRegistryOf, type BotFacts, type SkillRegistry } from "@bridle/policy";
import { sql, type SQL } from "drizzle-orm";
import { rowsOf, toDate } from "../../lib/sql.ts";

type FactRow = {
  id: string;
  name: string;
  email: string | null;
  environment: BotFacts["environment"];
  status: BotFacts["status"];
  internal_data_access: BotFacts["internalDataAccess"];
  channels: string[];
  created_at: unknown;
  last_reviewed_at: unknown;
  runtime_profile: BotFacts["runtimeProfile"];
  owner_email: string | null;
  owner_status: "active" | "deactivated" | null;
  findings: TFinding[];
  next_review_due: unknown;
  grants: { system: string; scope: string; access: "read" | "write"; expiresAt: string | null }[] | null;
  accounts: { system: string; account: string }[] | null;
  creds:
    | {
        id: string;
        system: string;
        reference: string;
        status: BotFacts["credentialReferences"][number]["status"];
        rotationIntervalDays: number | null;
        lastRotatedAt: string | null;
        createdAt: string;
        rotationDueSince: string | null;
        rotationDueReason: BotFacts["credentialReferences"][number]["rotationDueReason"];
      }[]
    | null;
  live_tokens: number;
  runtime_seen_at: unknown;
  runtime_gaps: { sessionId: string; kind: "undecided_call" | "reported"; tool: string | null; message: string; at: string }[] | null;
  exc_status: string | null;
  exc_expires_at: unknown;
  exc_allowed_systems: string[] | null;
  exc_allowed_channels: string[] | null;
};

export type StoredBotFacts = BotFacts & { storedFindings: TFinding[]; storedNextReviewDue: Date | null };

/** `where b.id in (ids)` with the ids as one parameter, or nothing for every bot. */
const idFilter = (ids: readonly string[] | undefined): SQL =>
  ids ? sql`where b.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)` : sql``;

/**
 * Everything the rules read about every bot (or the given ids), in one round trip (grants and
 * service accounts are aggregated per bot so 10,000 bots and 50,000 grants stay one query).
 */
export async function loadBotFacts(db: DbOrTx, ids?: readonly string[]): Promise<StoredBotFacts[]> {
  const res = await db.execute(sql`
    select b.id, b.name, b.email, b.environment, b.status, b.internal_data_access, b.channels,
           b.created_at, b.last_reviewed_at, b.runtime_profile, b.findings, b.next_review_due,
           p.email as owner_email, p.status as owner_status,
           g.grants, sa.accounts, cr.creds,
           -- a read of the bot-tokens module's table: live runtime tokens (BR-OFFBOARDING)
           (select count(*)::int from bot_tokens t where t.bot_id = b.id and t.revoked_at is null
              and (t.expires_at is null or t.expires_at > now())) as live_tokens,
           -- reads of the events module's tables: the latest heartbeat (BR-RUNTIME-HEARTBEAT) and
           -- enforcement gaps within the window (BR-ENFORCEMENT-GAP), both by primary key / index
           (select max(rt.last_seen_at) from bot_runtimes rt where rt.bot_id = b.id) as runtime_seen_at,
           (select json_agg(json_build_object('sessionId', rg.session_id, 'kind', rg.kind, 'tool', rg.tool,
                                              'message', rg.message, 'at', rg.at) order by rg.at desc)
              from runtime_gaps rg where rg.bot_id = b.id
                and rg.at >= now() - make_interval(days => ${ENFORCEMENT_GAP_WINDOW_DAYS})) as runtime_gaps,
           e.status as exc_status, e.expires_at as exc_expires_at,
           e.allowed_systems as exc_allowed_systems, e.allowed_channels as exc_allowed_channels
    from bots b
    left join people p on p.id = b.owner_id
    left join lateral (
      select json_agg(json_build_object('system', s.key, 'scope', gr.scope, 'access', gr.access, 'expiresAt', gr.expires_at)) as grants
      from grants gr join connected_systems s on s.id = gr.system_id where gr.bot_id = b.id
    ) g on true
    left join lateral (
      select json_agg(json_build_object('system', s.key, 'account', a.account)) as accounts
      from service_accounts a join connected_systems s on s.id = a.system_id where a.bot_id = b.id
    ) sa on true
    left join lateral (
      -- a read of the credentials module's table (docs/ARCHITECTURE.md: reading is not writing)
      select json_agg(json_build_object('id', c.id, 'system', s.key, 'reference', c.reference, 'status', c.status,
                                        'rotationIntervalDays', c.rotation_interval_days, 'lastRotatedAt', c.last_rotated_at,
                                        'createdAt', c.created_at, 'rotationDueSince', c.rotation_due_since,
                                        'rotationDueReason', c.rotation_due_reason) order by s.key, c.reference) as creds
      from credential_references c join connected_systems s on s.id = c.system_id where c.bot_id = b.id
    ) cr on true
    left join golden_rule_exceptions e on e.bot_id = b.id
    ${idFilter(ids)}`);
  return rowsOf<FactRow>(res).map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    environment: r.environment,
    status: r.status,
    owner: r.owner_email && r.owner_status ? { email: r.owner_email, status: r.owner_status } : null,
    internalDataAccess: r.internal_data_access,
    channels: r.channels,
    grants: (r.grants ?? []).map((g) => ({ ...g, expiresAt: toDate(g.expiresAt) })),
    serviceAccounts: r.accounts ?? [],
    exception: r.exc_status
      ? {
          status: r.exc_status as "approved",
          expiresAt: toDate(r.exc_expires_at),
          allowedSystems: r.exc_allowed_systems ?? [],
          allowedChannels: r.exc_allowed_channels ?? [],
        }
      : null,
    createdAt: toDate(r.created_at)!,
    lastReviewedAt: toDate(r.last_reviewed_at),
    runtimeProfile: r.runtime_profile ?? {},
    credentialReferences: (r.creds ?? []).map((c) => ({
      ...c,
      lastRotatedAt: toDate(c.lastRotatedAt),
      createdAt: toDate(c.createdAt)!,
      rotationDueSince: toDate(c.rotationDueSince),
    })),
    liveTokens: Number(r.live_tokens ?? 0),
    runtime: {
      lastSeenAt: toDate(r.runtime_seen_at),
      gaps: (r.runtime_gaps ?? []).map((g) => ({ ...g, at: toDate(g.at)! })),
    },
    storedFindings: r.findings ?? [],
    storedNextReviewDue: toDate(r.next_review_due),
  }));
}

/** What the shared-identity check needs of a bot, and its stored shared-identity findings. */
export type IdentityRow = Pick<BotFacts, "id" | "name" | "environment" | "status" | "email" | "serviceAccounts"> & { storedShared: TFinding[] };

/** Trims what JavaScript's trim() trims among ASCII characters (btrim alone trims only spaces; E'' has no \\v). */
const ASCII_SPACE = sql.raw(`E' \\t\\n\\r\\f\\x0B'`);

/**
 * The identities of the given bots, or of every bot that is not offboarded and may use one of
 * the given normalised emails or service account names (lowercased, trimmed). The lookup is a
 * pre-filter: it also returns every bot whose email or account holds a non-ASCII character (where
 * PostgreSQL's lower() and trim may differ from JavaScript's), and the caller keeps only exact
 * matches by identityKeysOf.
 */
export async function loadIdentities(db: DbOrTx, q: { ids: readonly string[] } | { emails: readonly string[]; accounts: readonly string[] }): Promise<IdentityRow[]> {
  let where: SQL;
  if ("ids" in q) where = idFilter(q.ids);
  else {
    // First the ids, one index lookup each (migration 0006: the expressions match the indexes'
    // exactly); then their rows, so the planner never weighs the per-bot aggregation over guesses.
    const list = (xs: readonly string[]) => sql`array(select jsonb_array_elements_text(${JSON.stringify(xs)}::jsonb))`;
    const hits = rowsOf<{ id: string }>(
      await db.execute(sql`
        select id from bots where lower(btrim(email, ${ASCII_SPACE})) = any(${list(q.emails)})
        union select id from bots where (octet_length(email) <> char_length(email))
        union select bot_id from service_accounts where lower(btrim(account, ${ASCII_SPACE})) = any(${list(q.accounts)})
        union select bot_id from service_accounts where (octet_length(account) <> char_length(account))`),
    );
    if (hits.length === 0) return [];
    where = sql`${idFilter(hits.map((h) => h.id))} and b.status <> 'offboarded'`;
  }
  const res = await db.execute(sql`
    select b.id, b.name, b.environment, b.status, b.email, sa.accounts,
           ${"ids" in q ? sql`jsonb_path_query_array(b.findings, '$[*] ? (@.kind == "shared_identity")')` : sql`'[]'::jsonb`} as shared
    from bots b
    left join lateral (
      select json_agg(json_build_object('system', s.key, 'account', a.account)) as accounts
      from service_accounts a join connected_systems s on s.id = a.system_id where a.bot_id = b.id
    ) sa on true
    ${where}`);
  return rowsOf<Pick<FactRow, "id" | "name" | "email" | "environment" | "status" | "accounts"> & { shared: TFinding[] }>(res).map((r) => ({
    id: r.id,
    name: r.name,
    environment: r.environment,
    status: r.status,
    email: r.email,
    serviceAccounts: r.accounts ?? [],
    storedShared: r.shared ?? [],
  }));
}

/**
 * The skills registry the `unapproved_skill` rule reads (a read of the skills module's table, for
 * the findings facts): every entry, or those named in `tools` (allowed tools, `name@version`).
 */
export async function loadSkillRegistry(db: DbOrTx, tools?: readonly string[]): Promise<SkillRegistry> {
  const names = tools ? [...new Set(tools.map((t) => parseToolRef(t).name))] : null;
  if (names && names.length === 0) return skillRegistryOf([]);
  const where = names ? sql`where name in (select jsonb_array_elements_text(${JSON.stringify(names)}::jsonb))` : sql``;
  const res = await db.execute(sql`select name, version, status from skills ${where}`);
  return skillRegistryOf(rowsOf<{ name: string; version: string; status: TSkillStatus }>(res));
}

/** Every allowed tool the bots list (for loadSkillRegistry). */
export const toolsOf = (facts: readonly BotFacts[]): string[] =>
  facts.flatMap((f) => (Array.isArray(f.runtimeProfile?.allowedTools) ? f.runtimeProfile.allowedTools.filter((t): t is string => typeof t === "string") : []));

export async function loadSystemClassifications(db: DbOrTx): Promise<Map<string, TSystemClassification>> {
  const rows = await db.select({ key: connectedSystems.key, c: connectedSystems.classification }).from(connectedSystems);
  return new Map(rows.map((r) => [r.key, r.c as TSystemClassification]));
}

/** Counts of bots per finding kind (for the overview), optionally for one owner's bots. */
export async function countFindings(db: DbOrTx, ownerId: string | null) {
  const filter = ownerId ? sql`where owner_id = ${ownerId}` : sql``;
  const [kindsRes, totalsRes] = await Promise.all([
    db.execute(sql`select k as kind, count(*)::int as n from bots, unnest(finding_kinds) k ${filter} group by k`),
    db.execute(sql`select count(*)::int as total, count(*) filter (where finding_count > 0)::int as with_findings from bots ${filter}`),
  ]);
  const totals = rowsOf<{ total: number; with_findings: number }>(totalsRes)[0];
  return {
    perKind: new Map(rowsOf<{ kind: string; n: number }>(kindsRes).map((r) => [r.kind, r.n])),
    total: totals?.total ?? 0,
    withFindings: totals?.with_findings ?? 0,
  };
}

/** One row per finding, for `GET /findings`, keyset-paginated on (bot name, position in the bot's list). */
export async function listFindingRows(
  db: DbOrTx,
  q: { kind?: string | undefined; limit: number; after: { name: string; ord: number } | null; ownerId: string | null },
) {
  const where = [sql`b.finding_count > 0`];
  if (q.kind) where.push(sql`b.finding_kinds @> array[${q.kind}]::text[]`, sql`f.value->>'kind' = ${q.kind}`);
  if (q.ownerId) where.push(sql`b.owner_id = ${q.ownerId}`);
  if (q.after) where.push(sql`(b.name, f.ord) > (${q.after.name}::text, ${q.after.ord}::bigint)`);
  const res = await db.execute(sql`
    select b.id, b.name, f.value as finding, f.ord::int as ord
    from bots b, jsonb_array_elements(b.findings) with ordinality f(value, ord)
    where ${sql.join(where, sql` and `)}
    order by b.name, f.ord limit ${q.limit + 1}`);
  return rowsOf<{ id: string; name: string; finding: TFinding; ord: number }>(res);
}
