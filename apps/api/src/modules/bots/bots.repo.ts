import type { TBot, TBotSummary, TCredentialReference, TFinding, TFindingKind, TListBotsQuery, TPersonStatus } from "@bridle/contracts";
import { type z } from "zod";
import { type ZListBotsQuery } from "@bridle/contracts";
import {
  bots,
  connectedSystems,
  credentialReferences,
  goldenRuleExceptions,
  grants,
  people,
  serviceAccounts,
  teams,
  type DbOrTx,
} from "@bridle/db";
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { escapeLike, isUuid, rowsOf, toIso } from "../../lib/sql.ts";

type ListQuery = z.output<typeof ZListBotsQuery>;

/** Sort expressions; each has a SQL type so the keyset cursor value can be cast back. */
const SORTS: Record<ListQuery["sort"], { expr: SQL; type: "text" | "int" | "timestamptz" }> = {
  name: { expr: sql`b.name`, type: "text" },
  owner: { expr: sql`coalesce(p.display_name, '')`, type: "text" },
  team: { expr: sql`coalesce(t.name, '')`, type: "text" },
  environment: { expr: sql`b.environment`, type: "text" },
  status: { expr: sql`b.status`, type: "text" },
  lastReviewedAt: { expr: sql`coalesce(b.last_reviewed_at, '-infinity'::timestamptz)`, type: "timestamptz" },
  findingCount: { expr: sql`b.finding_count`, type: "int" },
  createdAt: { expr: sql`b.created_at`, type: "timestamptz" },
};

type SummaryRow = {
  id: string;
  name: string;
  purpose: string;
  environment: string;
  status: string;
  internal_data_access: string;
  channels: string[];
  last_reviewed_at: unknown;
  next_review_due: unknown;
  finding_count: number;
  finding_kinds: string[];
  owner_id: string | null;
  owner_email: string | null;
  owner_name: string | null;
  owner_status: string | null;
  team_id: string | null;
  team_slug: string | null;
  team_name: string | null;
  sort_key: string | number | null;
};

function toSummary(r: SummaryRow): TBotSummary {
  return {
    id: r.id,
    name: r.name,
    purpose: r.purpose,
    owner:
      r.owner_id && r.owner_email
        ? { id: r.owner_id, email: r.owner_email, displayName: r.owner_name ?? r.owner_email, status: r.owner_status as "active" | "deactivated" }
        : null,
    team: r.team_id && r.team_slug ? { id: r.team_id, slug: r.team_slug, name: r.team_name ?? r.team_slug } : null,
    environment: r.environment as TBotSummary["environment"],
    status: r.status as TBotSummary["status"],
    internalDataAccess: r.internal_data_access as TBotSummary["internalDataAccess"],
    channels: r.channels,
    lastReviewedAt: toIso(r.last_reviewed_at),
    nextReviewDue: toIso(r.next_review_due),
    findingCount: r.finding_count,
    findingKinds: r.finding_kinds as TFindingKind[],
  };
}

/**
 * Lists bots with server-side filters, sort and keyset pagination.
 * `visibleOwnerId` restricts the list to one owner's bots (people without a read-all role).
 */
export async function listBots(db: DbOrTx, q: ListQuery, visibleOwnerId: string | null) {
  const where: SQL[] = [];
  if (visibleOwnerId) where.push(sql`b.owner_id = ${visibleOwnerId}`);
  if (q.owner) where.push(isUuid(q.owner) ? sql`b.owner_id = ${q.owner}` : sql`lower(p.email) = ${q.owner.toLowerCase()}`);
  // By id, so the planner can use the team index instead of filtering the joined rows.
  if (q.team) where.push(isUuid(q.team) ? sql`b.team_id = ${q.team}` : sql`b.team_id = (select id from teams where slug = ${q.team.toLowerCase()})`);
  if (q.environment) where.push(sql`b.environment = ${q.environment}`);
  if (q.status) where.push(sql`b.status = ${q.status}`);
  if (q.finding) where.push(sql`b.finding_kinds @> array[${q.finding}]::text[]`);
  if (q.hasFindings === true) where.push(sql`b.finding_count > 0`);
  if (q.hasFindings === false) where.push(sql`b.finding_count = 0`);
  if (q.q) {
    const like = `%${escapeLike(q.q)}%`;
    where.push(sql`(b.name ilike ${like} or b.purpose ilike ${like})`);
  }
  const filter = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;

  const sort = SORTS[q.sort];
  const desc = q.order === "desc";
  const cursor = decodeCursor(q.cursor);
  const keyset: SQL[] = [...where];
  if (cursor) {
    const k = sql`${cursor.k}::${sql.raw(sort.type)}`;
    keyset.push(desc ? sql`(${sort.expr}, b.id) < (${k}, ${cursor.id}::uuid)` : sql`(${sort.expr}, b.id) > (${k}, ${cursor.id}::uuid)`);
  }
  const keysetFilter = keyset.length ? sql`where ${sql.join(keyset, sql` and `)}` : sql``;
  const dir = sql.raw(desc ? "desc" : "asc");
  const from = sql`from bots b left join people p on p.id = b.owner_id left join teams t on t.id = b.team_id`;

  const [pageRes, countRes] = await Promise.all([
    db.execute(sql`
      select b.id, b.name, b.purpose, b.environment, b.status, b.internal_data_access, b.channels,
             b.last_reviewed_at, b.next_review_due, b.finding_count, b.finding_kinds,
             p.id as owner_id, p.email as owner_email, p.display_name as owner_name, p.status as owner_status,
             t.id as team_id, t.slug as team_slug, t.name as team_name,
             (${sort.expr})::text as sort_key
      ${from} ${keysetFilter}
      order by ${sort.expr} ${dir}, b.id ${dir}
      limit ${q.limit + 1}`),
    db.execute(sql`select count(*)::int as n ${from} ${filter}`),
  ]);
  const rows = rowsOf<SummaryRow>(pageRes);
  const hasMore = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toSummary),
    nextCursor: hasMore && last ? encodeCursor({ k: last.sort_key, id: last.id }) : null,
    total: rowsOf<{ n: number }>(countRes)[0]?.n ?? 0,
  };
}

export type BotRow = typeof bots.$inferSelect;

export async function findBotRow(db: DbOrTx, id: string): Promise<BotRow | null> {
  const rows = await db.select().from(bots).where(eq(bots.id, id)).limit(1);
  return rows[0] ?? null;
}

/** The whole bot record for the bot page and exports. */
export async function getBotDetail(db: DbOrTx, id: string): Promise<(TBot & { ownerId: string | null }) | null> {
  const rows = await db
    .select({ bot: bots, owner: people, team: teams })
    .from(bots)
    .leftJoin(people, eq(people.id, bots.ownerId))
    .leftJoin(teams, eq(teams.id, bots.teamId))
    .where(eq(bots.id, id))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const { bot, owner, team } = row;
  const [grantRows, saRows, credRows, excRows] = await Promise.all([
    db
      .select({ g: grants, key: connectedSystems.key, systemName: connectedSystems.name })
      .from(grants)
      .innerJoin(connectedSystems, eq(connectedSystems.id, grants.systemId))
      .where(eq(grants.botId, id))
      .orderBy(connectedSystems.key, grants.scope),
    db
      .select({ s: serviceAccounts, key: connectedSystems.key })
      .from(serviceAccounts)
      .innerJoin(connectedSystems, eq(connectedSystems.id, serviceAccounts.systemId))
      .where(eq(serviceAccounts.botId, id))
      .orderBy(connectedSystems.key),
    db
      .select({ c: credentialReferences, key: connectedSystems.key })
      .from(credentialReferences)
      .innerJoin(connectedSystems, eq(connectedSystems.id, credentialReferences.systemId))
      .where(eq(credentialReferences.botId, id))
      .orderBy(connectedSystems.key, credentialReferences.reference),
    db.select().from(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, id)).limit(1),
  ]);
  const exc = excRows[0];
  // A departed owner's manager is proposed first as the new owner (DESIGN.md "Offboarding").
  const [manager] =
    owner && owner.status !== "active" && owner.managerId
      ? await db.select({ id: people.id, email: people.email, displayName: people.displayName, status: people.status }).from(people).where(eq(people.id, owner.managerId))
      : [];
  return {
    id: bot.id,
    ownerId: bot.ownerId,
    name: bot.name,
    email: bot.email,
    purpose: bot.purpose,
    owner: owner ? { id: owner.id, email: owner.email, displayName: owner.displayName, status: owner.status as TPersonStatus } : null,
    team: team ? { id: team.id, slug: team.slug, name: team.name } : null,
    environment: bot.environment as TBot["environment"],
    status: bot.status as TBot["status"],
    internalDataAccess: bot.internalDataAccess as TBot["internalDataAccess"],
    channels: bot.channels,
    runtime: bot.runtime,
    credentialStorage: bot.credentialStorage,
    gatedActions: bot.gatedActions as TBot["gatedActions"],
    createdAt: toIso(bot.createdAt)!,
    updatedAt: toIso(bot.updatedAt)!,
    lastReviewedAt: toIso(bot.lastReviewedAt),
    nextReviewDue: toIso(bot.nextReviewDue),
    runtimeProfile: bot.runtimeProfile as TBot["runtimeProfile"],
    emailSendingEnabled: bot.emailSendingEnabled,
    grants: grantRows.map(({ g, key, systemName }) => ({
      id: g.id,
      system: key,
      systemName,
      scope: g.scope,
      access: g.access as "read" | "write",
      expiresAt: toIso(g.expiresAt),
    })),
    serviceAccounts: saRows.map(({ s, key }) => ({ id: s.id, system: key, account: s.account })),
    // A read of the credentials module's table for the bot page (docs/ARCHITECTURE.md: reading is not writing).
    credentialReferences: credRows.map(({ c, key }) => ({
      id: c.id,
      system: key,
      reference: c.reference,
      rotationIntervalDays: c.rotationIntervalDays,
      lastRotatedAt: toIso(c.lastRotatedAt),
      createdAt: toIso(c.createdAt)!,
      status: c.status as TCredentialReference["status"],
      rotationDueSince: toIso(c.rotationDueSince),
      rotationDueReason: (c.rotationDueReason as TCredentialReference["rotationDueReason"]) ?? null,
      revokedAt: toIso(c.revokedAt),
      revokedBy: c.revokedAt
        ? { type: (c.revokedByType ?? "system") as NonNullable<TCredentialReference["revokedBy"]>["type"], id: c.revokedById, label: c.revokedByLabel }
        : null,
    })),
    exception: exc
      ? {
          id: exc.id,
          status: exc.status as "approved",
          businessPurpose: exc.businessPurpose,
          allowedSystems: exc.allowedSystems,
          allowedChannels: exc.allowedChannels,
          dataClassification: exc.dataClassification,
          approvalRequirements: exc.approvalRequirements,
          approvedBy: exc.approvedBy,
          approvedAt: toIso(exc.approvedAt),
          expiresAt: toIso(exc.expiresAt),
        }
      : null,
    findings: bot.findings as TFinding[],
    suggestedOwner: manager?.status === "active" ? { id: manager.id, email: manager.email, displayName: manager.displayName, status: "active" } : null,
    findingCount: bot.findingCount,
    findingKinds: bot.findingKinds as TFindingKind[],
    version: bot.version,
  };
}

export type ListBotsQuery = TListBotsQuery;

/** Lookup tables that bot input refers to by key: owners by email, teams by slug, systems by key. */
export type Refs = {
  people: Map<string, { id: string; status: string }>;
  teams: Map<string, string>;
  systems: Map<string, string>;
};

export async function loadRefs(db: DbOrTx): Promise<Refs> {
  const p = await db.select({ id: people.id, email: people.email, status: people.status }).from(people);
  const t = await db.select({ id: teams.id, slug: teams.slug }).from(teams);
  const s = await db.select({ id: connectedSystems.id, key: connectedSystems.key }).from(connectedSystems);
  return {
    people: new Map(p.map((r) => [r.email.toLowerCase(), { id: r.id, status: r.status }])),
    teams: new Map(t.map((r) => [r.slug, r.id])),
    systems: new Map(s.map((r) => [r.key, r.id])),
  };
}

export async function botIdsByName(db: DbOrTx, names: readonly string[]): Promise<Map<string, { id: string; version: number }>> {
  if (names.length === 0) return new Map();
  const rows = await db.select({ id: bots.id, name: bots.name, version: bots.version }).from(bots).where(inArray(bots.name, [...names]));
  return new Map(rows.map((r) => [r.name, { id: r.id, version: r.version }]));
}

/** A bot record with every reference resolved to ids; produced by the service from a TBotInputParsed. */
export type ResolvedBot = {
  name: string;
  email: string;
  ownerId: string;
  teamId: string;
  purpose: string;
  environment: string;
  runtime: string | null;
  status: string;
  internalDataAccess: string;
  channels: string[];
  credentialStorage: string | null;
  gatedActions: string[];
  runtimeProfile: Record<string, unknown>;
  createdAt: Date | null;
  lastReviewedAt: Date | null;
  grants: { systemId: string; scope: string; access: string; expiresAt: Date | null }[];
  serviceAccounts: { systemId: string; account: string }[];
  credentialReferences: { systemId: string; reference: string; rotationIntervalDays: number | null; lastRotatedAt: Date | null }[];
  /** undefined keeps the current exception, null removes it */
  exception:
    | {
        status: string;
        businessPurpose: string;
        allowedSystems: string[];
        allowedChannels: string[];
        dataClassification: string;
        approvalRequirements: string;
        approvedBy: string | null;
        approvedAt: Date | null;
        expiresAt: Date | null;
      }
    | null
    | undefined;
};

/**
 * Inserts (no `existingId`) or replaces a bot and its grants and service accounts. Its credential
 * references (`bot.credentialReferences`) belong to the credentials module: the caller writes them
 * next, in the same transaction, with its `replaceCredentialReferences`. Call inside a transaction;
 * findings follow from the domain event the caller emits.
 * @returns the bot id
 */
export async function writeBot(tx: DbOrTx, bot: ResolvedBot, existingId?: string): Promise<string> {
  const now = new Date();
  const values = {
    name: bot.name,
    email: bot.email,
    ownerId: bot.ownerId,
    teamId: bot.teamId,
    purpose: bot.purpose,
    environment: bot.environment,
    runtime: bot.runtime,
    status: bot.status,
    internalDataAccess: bot.internalDataAccess,
    channels: bot.channels,
    credentialStorage: bot.credentialStorage,
    gatedActions: bot.gatedActions,
    runtimeProfile: bot.runtimeProfile,
    lastReviewedAt: bot.lastReviewedAt,
    updatedAt: now,
  };
  let id: string;
  if (existingId) {
    id = existingId;
    await tx
      .update(bots)
      .set({ ...values, ...(bot.createdAt ? { createdAt: bot.createdAt } : {}), version: sql`${bots.version} + 1` })
      .where(eq(bots.id, id));
    await tx.delete(grants).where(eq(grants.botId, id));
    await tx.delete(serviceAccounts).where(eq(serviceAccounts.botId, id));
  } else {
    const [row] = await tx
      .insert(bots)
      .values({ ...values, createdAt: bot.createdAt ?? now })
      .returning({ id: bots.id });
    id = row!.id;
  }
  if (bot.grants.length) await tx.insert(grants).values(bot.grants.map((g) => ({ ...g, botId: id })));
  if (bot.serviceAccounts.length) await tx.insert(serviceAccounts).values(bot.serviceAccounts.map((s) => ({ ...s, botId: id })));
  if (bot.exception !== undefined) {
    await tx.delete(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, id));
    if (bot.exception) await tx.insert(goldenRuleExceptions).values({ ...bot.exception, botId: id });
  }
  return id;
}

/**
 * Other bots already using this bot email or one of these service accounts (case-insensitive),
 * for the "one identity per bot and environment" rule on registration and edits.
 */
export async function findIdentityConflicts(
  db: DbOrTx,
  identity: { email: string; serviceAccounts: { systemId: string; account: string }[] },
  selfId: string | null,
): Promise<string[]> {
  const self = selfId ? sql`and b.id <> ${selfId}` : sql``;
  const conflicts: string[] = [];
  const byEmail = rowsOf<{ name: string }>(
    await db.execute(sql`select b.name from bots b where lower(b.email) = ${identity.email.toLowerCase()} ${self}`),
  );
  for (const r of byEmail) conflicts.push(`bot email ${identity.email} is already the identity of ${r.name}`);
  for (const sa of identity.serviceAccounts) {
    const rows = rowsOf<{ name: string; key: string }>(
      await db.execute(sql`
        select b.name, s.key from service_accounts a join bots b on b.id = a.bot_id join connected_systems s on s.id = a.system_id
        where a.system_id = ${sa.systemId} and lower(a.account) = ${sa.account.toLowerCase()} ${self}`),
    );
    for (const r of rows) conflicts.push(`service account ${sa.account} on ${r.key} is already used by ${r.name}`);
  }
  return conflicts;
}

/** One person by email (case-insensitive), for an ownership transfer; null when unknown. */
export async function findPersonByEmail(db: DbOrTx, email: string) {
  const rows = await db
    .select({ id: people.id, email: people.email, displayName: people.displayName, status: people.status })
    .from(people)
    .where(sql`lower(${people.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return rows[0] ?? null;
}

/** Whether this address is a bot's mailbox in the inventory (case-insensitive). */
export async function isBotEmail(db: DbOrTx, email: string): Promise<boolean> {
  const rows = await db.select({ id: bots.id }).from(bots).where(sql`lower(${bots.email}) = ${email.toLowerCase()}`).limit(1);
  return rows.length > 0;
}

/**
 * Gives the bot to a new owner if its owner is still `fromOwnerId` (compare-and-set, so a change
 * made meanwhile is not overwritten). Call inside a transaction. @returns false when it changed.
 */
export async function setOwner(tx: DbOrTx, botId: string, fromOwnerId: string | null, toOwnerId: string): Promise<boolean> {
  const rows = await tx
    .update(bots)
    .set({ ownerId: toOwnerId, updatedAt: new Date(), version: sql`${bots.version} + 1` })
    .where(and(eq(bots.id, botId), fromOwnerId === null ? isNull(bots.ownerId) : eq(bots.ownerId, fromOwnerId)))
    .returning({ id: bots.id });
  return rows.length > 0;
}
