import type { TSystemClassification, ZListApprovalRequestsQuery } from "@bridle/contracts";
import {
  approvalRequests,
  approvalReviews,
  bots,
  connectedSystems,
  orgPolicy,
  people,
  type DbOrTx,
} from "@bridle/db";
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { isUuid, rowsOf, toDate } from "../../lib/sql.ts";
import type { BotScope } from "@bridle/policy";

export type RequestRow = typeof approvalRequests.$inferSelect;

/** One request with what its view needs from the bot, its team and owner, and the requester. */
export type RequestListRow = {
  id: string;
  kind: string;
  status: string;
  bot_id: string;
  requester_person_id: string | null;
  requester_bot_id: string | null;
  payload: Record<string, unknown>;
  justification: string | null;
  approver_role: string;
  approvals_required: number;
  runtime_request_id: string | null;
  expires_at: unknown;
  decided_at: unknown;
  consumed_at: unknown;
  created_at: unknown;
  bot_name: string;
  bot_environment: string;
  bot_owner_id: string | null;
  owner_email: string | null;
  team_name: string | null;
  requester_email: string | null;
  requester_bot_name: string | null;
  sort_key: string;
};

const SELECT_VIEW = sql`
  select r.id, r.kind, r.status, r.bot_id, r.requester_person_id, r.requester_bot_id, r.payload, r.justification,
         r.approver_role, r.approvals_required, r.runtime_request_id, r.expires_at, r.decided_at, r.consumed_at, r.created_at,
         b.name as bot_name, b.environment as bot_environment, b.owner_id as bot_owner_id, o.email as owner_email,
         t.name as team_name, rp.email as requester_email, rb.name as requester_bot_name, r.created_at::text as sort_key`;
const FROM_VIEW = sql`
  from approval_requests r
  join bots b on b.id = r.bot_id
  left join people o on o.id = b.owner_id
  left join teams t on t.id = b.team_id
  left join people rp on rp.id = r.requester_person_id
  left join bots rb on rb.id = r.requester_bot_id`;

type ListQuery = z.output<typeof ZListApprovalRequestsQuery>;

/**
 * Lists requests newest first, keyset-paginated on (created_at, id). `viewerId` restricts the list
 * to the viewer's own requests and requests on bots they own (people without `bots.read_all`).
 * A pending request past its expiry counts as expired (the expiry job persists that within a minute).
 */
export async function listRequests(db: DbOrTx, q: ListQuery, me: string, viewerId: string | null) {
  const where: SQL[] = [];
  if (viewerId) where.push(sql`(r.requester_person_id = ${viewerId} or b.owner_id = ${viewerId})`);
  if (q.status === "pending") where.push(sql`r.status = 'pending' and r.expires_at > now()`);
  else if (q.status === "expired") where.push(sql`(r.status = 'expired' or (r.status = 'pending' and r.expires_at <= now()))`);
  else if (q.status) where.push(sql`r.status = ${q.status}`);
  if (q.kind) where.push(sql`r.kind = ${q.kind}`);
  if (q.bot) where.push(isUuid(q.bot) ? sql`r.bot_id = ${q.bot}` : sql`b.name = ${q.bot}`);
  if (q.team) where.push(sql`b.team_id = (select id from teams where slug = ${q.team.toLowerCase()})`);
  if (q.olderThanMinutes !== undefined) where.push(sql`r.created_at <= now() - make_interval(mins => ${q.olderThanMinutes})`);
  if (q.mine === "true") where.push(sql`r.requester_person_id = ${me}`);
  const filter = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const cursor = decodeCursor(q.cursor);
  const keyset = cursor ? [...where, sql`(r.created_at, r.id) < (${cursor.k}::timestamptz, ${cursor.id}::uuid)`] : where;
  const keysetFilter = keyset.length ? sql`where ${sql.join(keyset, sql` and `)}` : sql``;
  const page = rowsOf<RequestListRow>(
    await db.execute(sql`${SELECT_VIEW} ${FROM_VIEW} ${keysetFilter} order by r.created_at desc, r.id desc limit ${q.limit + 1}`),
  );
  const total = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n ${FROM_VIEW} ${filter}`))[0]?.n ?? 0;
  const items = page.slice(0, q.limit);
  const last = items[items.length - 1];
  return { rows: items, nextCursor: page.length > q.limit && last ? encodeCursor({ k: last.sort_key, id: last.id }) : null, total };
}

export async function getRequestRow(db: DbOrTx, id: string): Promise<RequestListRow | null> {
  return rowsOf<RequestListRow>(await db.execute(sql`${SELECT_VIEW} ${FROM_VIEW} where r.id = ${id}`))[0] ?? null;
}

/**
 * Pending, unexpired requests this person could decide now: their role, not theirs, not about a
 * bot they own, not reviewed by them yet (the navigation badge).
 */
export async function countReviewable(db: DbOrTx, reviewer: { personId: string; roles: readonly string[] }): Promise<number> {
  if (!reviewer.roles.length) return 0;
  const roles = sql.join(
    reviewer.roles.map((r) => sql`${r}`),
    sql`, `,
  );
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(*)::int as n from approval_requests r join bots b on b.id = r.bot_id
      where r.status = 'pending' and r.expires_at > now() and r.approver_role in (${roles})
        and r.requester_person_id is distinct from ${reviewer.personId} and b.owner_id is distinct from ${reviewer.personId}
        and not exists (select 1 from approval_reviews v where v.request_id = r.id and v.reviewer_person_id = ${reviewer.personId})`),
  );
  return rows[0]?.n ?? 0;
}

export type ReviewRow = { requestId: string; reviewerId: string; email: string; displayName: string; decision: string; note: string | null; at: Date };

export async function reviewsFor(db: DbOrTx, requestIds: readonly string[]): Promise<ReviewRow[]> {
  if (!requestIds.length) return [];
  return db
    .select({
      requestId: approvalReviews.requestId,
      reviewerId: approvalReviews.reviewerPersonId,
      email: people.email,
      displayName: people.displayName,
      decision: approvalReviews.decision,
      note: approvalReviews.note,
      at: approvalReviews.createdAt,
    })
    .from(approvalReviews)
    .innerJoin(people, eq(people.id, approvalReviews.reviewerPersonId))
    .where(inArray(approvalReviews.requestId, [...requestIds]))
    .orderBy(asc(approvalReviews.createdAt), asc(approvalReviews.id));
}

type ScopeRow = {
  id: string;
  name: string;
  owner_email: string | null;
  internal_data_access: BotScope["internalDataAccess"];
  channels: string[];
  grants: { system: string; scope: string; access: "read" | "write"; expiresAt: string | null }[] | null;
  exc_status: string | null;
  exc_expires_at: unknown;
  exc_allowed_systems: string[] | null;
  exc_allowed_channels: string[] | null;
};

/** The scope of each bot (grants, channels, data access, exception), as the policy code reads it. */
export async function loadBotScopes(db: DbOrTx, botIds: readonly string[]): Promise<Map<string, BotScope>> {
  if (!botIds.length) return new Map();
  const ids = sql.join(
    [...new Set(botIds)].map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const res = await db.execute(sql`
    select b.id, b.name, p.email as owner_email, b.internal_data_access, b.channels, g.grants,
           e.status as exc_status, e.expires_at as exc_expires_at, e.allowed_systems as exc_allowed_systems, e.allowed_channels as exc_allowed_channels
    from bots b
    left join people p on p.id = b.owner_id
    left join lateral (
      select json_agg(json_build_object('system', s.key, 'scope', gr.scope, 'access', gr.access, 'expiresAt', gr.expires_at) order by s.key, gr.scope) as grants
      from grants gr join connected_systems s on s.id = gr.system_id where gr.bot_id = b.id
    ) g on true
    left join golden_rule_exceptions e on e.bot_id = b.id
    where b.id in (${ids})`);
  return new Map(
    rowsOf<ScopeRow>(res).map((r) => [
      r.id,
      {
        name: r.name,
        ownerEmail: r.owner_email,
        internalDataAccess: r.internal_data_access,
        channels: r.channels,
        grants: (r.grants ?? []).map((g) => ({ ...g, expiresAt: toDate(g.expiresAt) })),
        exception: r.exc_status
          ? {
              status: r.exc_status as "approved",
              expiresAt: toDate(r.exc_expires_at),
              allowedSystems: r.exc_allowed_systems ?? [],
              allowedChannels: r.exc_allowed_channels ?? [],
            }
          : null,
      },
    ]),
  );
}

export async function loadSystems(db: DbOrTx): Promise<Map<string, { id: string; classification: TSystemClassification }>> {
  const rows = await db.select({ id: connectedSystems.id, key: connectedSystems.key, c: connectedSystems.classification }).from(connectedSystems);
  return new Map(rows.map((r) => [r.key, { id: r.id, classification: r.c as TSystemClassification }]));
}

export async function findPeopleByEmail(db: DbOrTx, emails: readonly string[]) {
  if (!emails.length) return new Map<string, { id: string; email: string; displayName: string; status: string }>();
  const lower = [...new Set(emails.map((e) => e.toLowerCase()))];
  const rows = await db
    .select({ id: people.id, email: people.email, displayName: people.displayName, status: people.status })
    .from(people)
    .where(inArray(sql`lower(${people.email})`, lower));
  return new Map(rows.map((r) => [r.email.toLowerCase(), r]));
}

/** The org's bot email domain and whether `email` is some bot's recorded mailbox. */
export async function botEmailFacts(db: DbOrTx, email: string): Promise<{ domain: string | null; isKnownBotEmail: boolean }> {
  const [policy] = await db.select({ domain: orgPolicy.botEmailDomain }).from(orgPolicy).limit(1);
  const [bot] = await db
    .select({ id: bots.id })
    .from(bots)
    .where(sql`lower(${bots.email}) = ${email.toLowerCase()}`)
    .limit(1);
  return { domain: policy?.domain ?? null, isKnownBotEmail: bot !== undefined };
}

export async function insertRequest(tx: DbOrTx, v: typeof approvalRequests.$inferInsert): Promise<string> {
  const [row] = await tx.insert(approvalRequests).values(v).returning({ id: approvalRequests.id });
  return row!.id;
}

/**
 * A pending request that asks for the same thing: the same grant (system, scope, access) for a
 * scope expansion; any exception or any transfer for the bot (one of each is decided at a time).
 */
export async function findPendingDuplicate(db: DbOrTx, botId: string, kind: string, grant: { system: string; scope: string; access: string } | null): Promise<string | null> {
  const sameGrant = grant
    ? sql`and ${approvalRequests.payload}->>'system' = ${grant.system} and lower(${approvalRequests.payload}->>'scope') = ${grant.scope.toLowerCase()} and ${approvalRequests.payload}->>'access' = ${grant.access}`
    : sql``;
  const [row] = await db
    .select({ id: approvalRequests.id })
    .from(approvalRequests)
    .where(
      and(
        eq(approvalRequests.botId, botId),
        eq(approvalRequests.kind, kind),
        eq(approvalRequests.status, "pending"),
        sql`${approvalRequests.expiresAt} > now() ${sameGrant}`,
      ),
    )
    .limit(1);
  return row?.id ?? null;
}

/** Reads the request and locks its row until the transaction ends (concurrent reviews queue here). */
export async function lockRequest(tx: DbOrTx, id: string): Promise<RequestRow | null> {
  const [row] = await tx.select().from(approvalRequests).where(eq(approvalRequests.id, id)).for("update");
  return row ?? null;
}

/** The bot's name, for the audit events of its requests (`approval.approve`, ...). */
export async function botNameOf(db: DbOrTx, botId: string): Promise<string> {
  const [row] = await db.select({ name: bots.name }).from(bots).where(eq(bots.id, botId)).limit(1);
  return row?.name ?? botId;
}

/** The bot's pending requests of `kind`, locked for update (oldest first). */
export async function lockPendingOfBot(tx: DbOrTx, botId: string, kind: RequestRow["kind"]): Promise<RequestRow[]> {
  return tx
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.botId, botId), eq(approvalRequests.kind, kind), eq(approvalRequests.status, "pending")))
    .orderBy(asc(approvalRequests.createdAt))
    .for("update");
}

export async function findRequestWithOwner(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ request: approvalRequests, botOwnerId: bots.ownerId })
    .from(approvalRequests)
    .innerJoin(bots, eq(bots.id, approvalRequests.botId))
    .where(eq(approvalRequests.id, id))
    .limit(1);
  return row ?? null;
}

export async function hasReviewed(tx: DbOrTx, requestId: string, personId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: approvalReviews.id })
    .from(approvalReviews)
    .where(and(eq(approvalReviews.requestId, requestId), eq(approvalReviews.reviewerPersonId, personId)))
    .limit(1);
  return rows.length > 0;
}

export async function insertReview(tx: DbOrTx, v: { requestId: string; reviewerPersonId: string; decision: "approve" | "deny"; note: string | null }) {
  await tx.insert(approvalReviews).values(v);
}

/** The people who approved a request, in order. */
export async function approversOf(tx: DbOrTx, requestId: string): Promise<{ id: string; email: string }[]> {
  return tx
    .select({ id: people.id, email: people.email })
    .from(approvalReviews)
    .innerJoin(people, eq(people.id, approvalReviews.reviewerPersonId))
    .where(and(eq(approvalReviews.requestId, requestId), eq(approvalReviews.decision, "approve")))
    .orderBy(asc(approvalReviews.createdAt), asc(approvalReviews.id));
}

export async function setStatus(tx: DbOrTx, id: string, status: "approved" | "denied" | "expired" | "cancelled", at: Date) {
  await tx.update(approvalRequests).set({ status, decidedAt: at }).where(eq(approvalRequests.id, id));
}
