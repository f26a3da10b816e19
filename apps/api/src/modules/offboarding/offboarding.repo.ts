import { bots, offboardingCases, offboardingSteps, people, type DbOrTx } from "@bridle/db";
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";
import { alias } from "drizzle-orm/pg-core";

/**
 * The only file that queries `offboarding_cases` and `offboarding_steps` for the offboarding
 * module. It also reads (never writes) bots and people to build its read models: a bot's owner,
 * that owner's manager.
 */

export type CaseRow = typeof offboardingCases.$inferSelect;
type Who = { type: string; id: string | null; label: string | null };

const manager = alias(people, "manager");

/**
 * These bots, each with its owner (status, email, when deactivated) and the owner's manager
 * (the proposed new owner, when active). Bots that do not exist are left out.
 */
export async function botsWithOwners(db: DbOrTx, botIds: readonly string[]) {
  if (botIds.length === 0) return [];
  return db
    .select({
      id: bots.id,
      name: bots.name,
      status: bots.status,
      ownerId: bots.ownerId,
      ownerEmail: people.email,
      ownerStatus: people.status,
      ownerDeactivatedAt: people.deactivatedAt,
      managerId: manager.id,
      managerStatus: manager.status,
      managerEmail: manager.email,
    })
    .from(bots)
    .leftJoin(people, eq(people.id, bots.ownerId))
    .leftJoin(manager, eq(manager.id, people.managerId))
    .where(inArray(bots.id, [...botIds]));
}

/** The open cases of these bots (at most one each). */
export async function openCasesOf(db: DbOrTx, botIds: readonly string[]): Promise<CaseRow[]> {
  if (botIds.length === 0) return [];
  return db
    .select()
    .from(offboardingCases)
    .where(and(inArray(offboardingCases.botId, [...botIds]), eq(offboardingCases.status, "open")));
}

export type NewCase = {
  botId: string;
  trigger: string;
  reason: string;
  formerOwnerId: string | null;
  proposedOwnerId: string | null;
  orphanedSince: Date | null;
};

/**
 * Inserts open cases; a bot that already has an open case (the unique partial index) is skipped,
 * so two concurrent openings never make two cases.
 * @returns the cases this call inserted
 */
export async function insertOpenCases(tx: DbOrTx, cases: readonly NewCase[], by: Who, at: Date): Promise<CaseRow[]> {
  if (cases.length === 0) return [];
  return tx
    .insert(offboardingCases)
    .values(cases.map((c) => ({ ...c, status: "open", openedAt: at, updatedAt: at, openedByType: by.type, openedById: by.id, openedByLabel: by.label })))
    .onConflictDoNothing({ target: offboardingCases.botId, where: eq(offboardingCases.status, "open") })
    .returning();
}

/** A person's email and display name (the departed owner a case names); null when unknown. */
export async function departedPerson(db: DbOrTx, personId: string) {
  const [p] = await db.select({ email: people.email, displayName: people.displayName }).from(people).where(eq(people.id, personId));
  return p ?? null;
}

export type StepRow = typeof offboardingSteps.$inferSelect;

const former = alias(people, "former_owner");
const proposed = alias(people, "proposed_owner");
const transferee = alias(people, "transfer_to");
const personCols = <P extends typeof people | typeof former | typeof proposed | typeof transferee>(p: P) => ({ id: p.id, email: p.email, displayName: p.displayName, status: p.status });

/** Cases with their bot and the people they name (one query), for the list and the case view. */
function caseQuery(db: DbOrTx) {
  return db
    .select({
      c: offboardingCases,
      botName: bots.name,
      botStatus: bots.status,
      botOwnerId: bots.ownerId,
      former: personCols(former),
      proposed: personCols(proposed),
      transferTo: personCols(transferee),
      stepsDone: sql<number>`(select count(*)::int from offboarding_steps s where s.case_id = ${offboardingCases.id} and s.status = 'done')`,
      stepsTotal: sql<number>`(select count(*)::int from offboarding_steps s where s.case_id = ${offboardingCases.id} and s.status <> 'cancelled')`,
    })
    .from(offboardingCases)
    .innerJoin(bots, eq(bots.id, offboardingCases.botId))
    .leftJoin(former, eq(former.id, offboardingCases.formerOwnerId))
    .leftJoin(proposed, eq(proposed.id, offboardingCases.proposedOwnerId))
    .leftJoin(transferee, eq(transferee.id, offboardingCases.transferToId));
}
export type CaseView = Awaited<ReturnType<typeof getCase>> & {};

/** One case with its bot and people; null when there is none. */
export async function getCase(db: DbOrTx, id: string) {
  const [row] = await caseQuery(db).where(eq(offboardingCases.id, id));
  return row ?? null;
}

/** Locks the case row until the transaction ends (plan, steps and closing are serialised per case); with its bot's name. */
export async function lockCase(tx: DbOrTx, id: string): Promise<(CaseRow & { botName: string }) | null> {
  const [row] = await tx
    .select({ c: offboardingCases, botName: bots.name })
    .from(offboardingCases)
    .innerJoin(bots, eq(bots.id, offboardingCases.botId))
    .where(eq(offboardingCases.id, id))
    .for("update", { of: offboardingCases });
  return row ? { ...row.c, botName: row.botName } : null;
}

/**
 * Cases, newest first (keyset on `opened_at`, `id`), filtered by status, former owner, bot.
 * @param after the cursor: the last row's `openedAt` (ISO) and id
 */
export async function listCases(
  db: DbOrTx,
  q: { status?: string | undefined; personId?: string | undefined; botId?: string | undefined; transferToId?: string | undefined; limit: number; after: { at: Date; id: string } | null },
) {
  const where = [
    q.transferToId ? eq(offboardingCases.transferToId, q.transferToId) : undefined,
    q.status ? eq(offboardingCases.status, q.status) : undefined,
    q.personId ? eq(offboardingCases.formerOwnerId, q.personId) : undefined,
    q.botId ? eq(offboardingCases.botId, q.botId) : undefined,
    q.after ? or(lt(offboardingCases.openedAt, q.after.at), and(eq(offboardingCases.openedAt, q.after.at), lt(offboardingCases.id, q.after.id))) : undefined,
  ].filter((w) => w !== undefined);
  return caseQuery(db)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(offboardingCases.openedAt), desc(offboardingCases.id))
    .limit(q.limit + 1);
}

/** The ids of the open cases of the bots `personId` owned when each case opened, oldest first. */
export async function openCaseIdsOfPerson(db: DbOrTx, personId: string): Promise<string[]> {
  const rows = await db
    .select({ id: offboardingCases.id })
    .from(offboardingCases)
    .where(and(eq(offboardingCases.formerOwnerId, personId), eq(offboardingCases.status, "open")))
    .orderBy(asc(offboardingCases.openedAt), asc(offboardingCases.id));
  return rows.map((r) => r.id);
}

/** The steps of these cases, in checklist order. */
export async function stepsOf(db: DbOrTx, caseIds: readonly string[]): Promise<StepRow[]> {
  if (caseIds.length === 0) return [];
  return db
    .select()
    .from(offboardingSteps)
    .where(inArray(offboardingSteps.caseId, [...caseIds]))
    .orderBy(asc(offboardingSteps.caseId), asc(offboardingSteps.position));
}

/** Adds the plan's steps the case does not have yet (pending), or makes cancelled ones pending again. @returns those steps as they are now */
export async function ensureSteps(tx: DbOrTx, caseId: string, steps: readonly { kind: string; position: number; automatic: boolean }[]): Promise<StepRow[]> {
  if (steps.length === 0) return [];
  return tx
    .insert(offboardingSteps)
    .values(steps.map((s) => ({ caseId, ...s, status: "pending" })))
    .onConflictDoUpdate({
      target: [offboardingSteps.caseId, offboardingSteps.kind],
      set: { status: sql`case when ${offboardingSteps.status} = 'cancelled' then 'pending' else ${offboardingSteps.status} end` },
    })
    .returning();
}

/** Cancels the case's pending steps of these kinds (the plan changed). */
export async function cancelPendingSteps(tx: DbOrTx, caseId: string, kinds: readonly string[]): Promise<void> {
  if (kinds.length === 0) return;
  await tx
    .update(offboardingSteps)
    .set({ status: "cancelled" })
    .where(and(eq(offboardingSteps.caseId, caseId), eq(offboardingSteps.status, "pending"), inArray(offboardingSteps.kind, [...kinds])));
}

/** Marks steps of the case done (only pending ones: a rerun changes nothing), with who, when, and what; one statement. */
export async function markStepsDone(
  tx: DbOrTx,
  caseId: string,
  steps: readonly { kind: string; note?: string | null; link?: string | null; details?: Record<string, unknown> }[],
  by: Who,
  at: Date,
): Promise<void> {
  if (steps.length === 0) return;
  const payload = JSON.stringify(steps.map((s) => ({ kind: s.kind, note: s.note ?? null, link: s.link ?? null, details: s.details ?? {} })));
  await tx.execute(sql`
    update offboarding_steps s set status = 'done', done_at = ${at.toISOString()}::timestamptz,
      done_by_type = ${by.type}, done_by_id = ${by.id}, done_by_label = ${by.label}, note = v.note, link = v.link, details = v.details
    from jsonb_to_recordset(${payload}::jsonb) as v(kind text, note text, link text, details jsonb)
    where s.case_id = ${caseId} and s.kind = v.kind and s.status = 'pending'`);
}

/** Sets the case's plan and the chosen new owner (transfer), or clears the new owner (offboard). */
export async function setPlan(tx: DbOrTx, caseId: string, v: { plan: string; transferToId: string | null; at: Date }): Promise<void> {
  await tx.update(offboardingCases).set({ plan: v.plan, transferToId: v.transferToId, updatedAt: v.at }).where(eq(offboardingCases.id, caseId));
}

/** Closes the case with its outcome. */
export async function closeCase(tx: DbOrTx, caseId: string, v: { outcome: string; by: Who; at: Date }): Promise<void> {
  await tx
    .update(offboardingCases)
    .set({ status: "closed", outcome: v.outcome, closedAt: v.at, closedByType: v.by.type, closedById: v.by.id, closedByLabel: v.by.label, updatedAt: v.at })
    .where(and(eq(offboardingCases.id, caseId), eq(offboardingCases.status, "open")));
}

/** Whether a person holds the admin role and whether they are the bootstrap (break-glass) admin; null when unknown. */
export async function personPrivileges(db: DbOrTx, id: string) {
  const [p] = await db.select({ roles: people.roles, isBootstrapAdmin: people.isBootstrapAdmin }).from(people).where(eq(people.id, id));
  return p ? { admin: p.roles.includes("admin"), bootstrap: p.isBootstrapAdmin } : null;
}

/** A person by id (a new owner IT chose): null when unknown. */
export async function personById(db: DbOrTx, id: string) {
  const [p] = await db.select(personCols(people)).from(people).where(eq(people.id, id));
  return p ?? null;
}

/**
 * Bots without an active owner (none, or one who is not active) that are not offboarded: the
 * orphans. With `withoutOpenCase`, only those that have no open case.
 */
export async function orphanBots(db: DbOrTx, opts: { withoutOpenCase: boolean }) {
  return db
    .select({ id: bots.id, name: bots.name })
    .from(bots)
    .leftJoin(people, eq(people.id, bots.ownerId))
    .where(
      and(
        ne(bots.status, "offboarded"),
        or(isNull(bots.ownerId), ne(people.status, "active")),
        opts.withoutOpenCase
          ? sql`not exists (select 1 from offboarding_cases oc where oc.bot_id = ${bots.id} and oc.status = 'open')`
          : undefined,
      ),
    );
}

/**
 * Counts for the overview card: orphans (as `orphanBots`), those whose open case is past the
 * deadline, open cases, and transfers waiting for the new owner.
 */
export async function overviewCounts(db: DbOrTx, deadlineDays: number, now: Date) {
  const res = await db.execute(sql`
    select
      (select count(*)::int from bots b left join people p on p.id = b.owner_id
        where b.status <> 'offboarded' and (b.owner_id is null or p.status <> 'active')) as orphans,
      (select count(*)::int from offboarding_cases c join bots b on b.id = c.bot_id left join people p on p.id = b.owner_id
        where c.status = 'open' and b.status <> 'offboarded' and (b.owner_id is null or p.status <> 'active')
          and c.orphaned_since is not null and c.orphaned_since + make_interval(days => ${deadlineDays}) <= ${now.toISOString()}::timestamptz) as past_deadline,
      (select count(*)::int from offboarding_cases c where c.status = 'open') as open_cases,
      (select count(*)::int from offboarding_cases c join offboarding_steps s on s.case_id = c.id
        where c.status = 'open' and c.plan = 'transfer' and s.kind = 'accept_transfer' and s.status = 'pending') as awaiting`);
  const [r] = rowsOf<{ orphans: number; past_deadline: number; open_cases: number; awaiting: number }>(res);
  return { orphans: r!.orphans, orphansPastDeadline: r!.past_deadline, openCases: r!.open_cases, awaitingAcceptance: r!.awaiting };
}

/**
 * Open cases whose bot is still an orphan (no active owner, not offboarded) and whose transfer is
 * not accepted: what the orphan job warns about and pauses. With the former owner's manager.
 */
export async function openOrphanCases(db: DbOrTx) {
  return db
    .select({
      id: offboardingCases.id,
      botId: offboardingCases.botId,
      botName: bots.name,
      botStatus: bots.status,
      orphanedSince: offboardingCases.orphanedSince,
      orphanWarnedAt: offboardingCases.orphanWarnedAt,
      orphanPausedAt: offboardingCases.orphanPausedAt,
      proposedOwnerId: offboardingCases.proposedOwnerId,
    })
    .from(offboardingCases)
    .innerJoin(bots, eq(bots.id, offboardingCases.botId))
    .leftJoin(people, eq(people.id, bots.ownerId))
    .where(
      and(
        eq(offboardingCases.status, "open"),
        ne(bots.status, "offboarded"),
        or(isNull(bots.ownerId), ne(people.status, "active")),
        isNotNull(offboardingCases.orphanedSince),
      ),
    );
}

/** Records that the orphan job warned about (or paused) these cases. */
export async function markOrphanHandled(tx: DbOrTx, caseIds: readonly string[], field: "warned" | "paused", at: Date): Promise<void> {
  if (caseIds.length === 0) return;
  await tx
    .update(offboardingCases)
    .set(field === "warned" ? { orphanWarnedAt: at } : { orphanPausedAt: at })
    .where(inArray(offboardingCases.id, [...caseIds]));
}

/** Makes these steps of the case pending again (a transfer offered to someone else). */
export async function resetSteps(tx: DbOrTx, caseId: string, kinds: readonly string[]): Promise<void> {
  if (kinds.length === 0) return;
  await tx
    .update(offboardingSteps)
    .set({ status: "pending", doneAt: null, doneByType: null, doneById: null, doneByLabel: null, note: null, link: null, details: {} })
    .where(and(eq(offboardingSteps.caseId, caseId), inArray(offboardingSteps.kind, [...kinds])));
}

/**
 * The open cases a departure opened for these bots that nothing has been done on yet (no step
 * done), with the bot's name, locked until the transaction ends: what a reactivation cancels.
 */
export async function untouchedDepartureCases(tx: DbOrTx, botIds: readonly string[]) {
  if (botIds.length === 0) return [];
  const res = await tx.execute(sql`
    select c.id, c.bot_id, b.name as bot_name from offboarding_cases c join bots b on b.id = c.bot_id
    where c.bot_id in (${sql.join(botIds.map((id) => sql`${id}::uuid`), sql`, `)}) and c.status = 'open' and c.trigger = 'owner_departed'
      and not exists (select 1 from offboarding_steps s where s.case_id = c.id and s.status = 'done')
    for update of c`);
  return rowsOf<{ id: string; bot_id: string; bot_name: string }>(res).map((r) => ({ id: r.id, botId: r.bot_id, botName: r.bot_name }));
}
