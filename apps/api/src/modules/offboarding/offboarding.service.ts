import {
  OFFBOARDING_STEP_LABELS,
  type TListOffboardingCasesQuery,
  type TOffboardingCase,
  type TOffboardingCaseSummary,
  type TOffboardingOverview,
  type TOffboardingPlanRequest,
  type TOffboardingStepKind,
  type TOffboardPersonRequest,
  type TRecordOffboardingStepRequest,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import type { RequestCtx } from "../../lib/context.ts";
import { fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can } from "../../lib/permissions.ts";
import { isUuid } from "../../lib/sql.ts";
import { actorOf, denied } from "../audit/index.ts";
import { deactivatePerson } from "../people/index.ts";
import { loadOrphanDeadlineDays } from "../policy-settings/index.ts";
import { acceptTransfer, applyPlan, applyPlanEach, recordStep } from "./offboarding.plan.ts";
import * as repo from "./offboarding.repo.ts";

const DAY_MS = 86_400_000;
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const who = (type: string | null, label: string | null) => (type ? { type, label: type === "system" ? null : label } : null);

function toSummary(r: repo.CaseView, deadlineDays: number): TOffboardingCaseSummary {
  const c = r.c;
  const person = (p: { id: string | null; email: string | null; displayName: string | null; status: string | null } | null) =>
    p?.id ? { id: p.id, email: p.email!, displayName: p.displayName!, status: p.status! } : null;
  return {
    id: c.id,
    botId: c.botId,
    bot: r.botName,
    botStatus: r.botStatus,
    trigger: c.trigger as TOffboardingCaseSummary["trigger"],
    reason: c.reason,
    status: c.status as TOffboardingCaseSummary["status"],
    plan: (c.plan as TOffboardingCaseSummary["plan"]) ?? null,
    outcome: (c.outcome as TOffboardingCaseSummary["outcome"]) ?? null,
    formerOwner: person(r.former),
    proposedOwner: person(r.proposed),
    transferTo: person(r.transferTo),
    orphanedSince: iso(c.orphanedSince),
    orphanDeadline: c.orphanedSince && c.status === "open" ? new Date(c.orphanedSince.getTime() + deadlineDays * DAY_MS).toISOString() : null,
    orphanPausedAt: iso(c.orphanPausedAt),
    openedAt: c.openedAt.toISOString(),
    openedBy: who(c.openedByType, c.openedByLabel)!,
    closedAt: iso(c.closedAt),
    closedBy: who(c.closedByType, c.closedByLabel),
    stepsDone: r.stepsDone,
    stepsTotal: r.stepsTotal,
  };
}

/**
 * Offboarding (DESIGN.md "Offboarding"; README "Offboarding"). IT and admins (`bots.write_all`)
 * choose each case's plan (one case, or every open case of a person), record manual steps, and
 * offboard a person (`people.manage`); readers of every bot (`bots.read_all`) read every case; the
 * person a bot is offered to reads that case and accepts it. Every refusal is audited.
 */
export function createOffboardingService(deps: { db: Db }) {
  const { db } = deps;

  async function view(ctx: RequestCtx, dbx: DbOrTx, id: string, deadlineDays: number): Promise<TOffboardingCase> {
    const row = await repo.getCase(dbx, id);
    if (!row) throw notFound("Offboarding case");
    const steps = await repo.stepsOf(dbx, [id]);
    const summary = toSummary(row, deadlineDays);
    const acceptPending = steps.some((s) => s.kind === "accept_transfer" && s.status === "pending");
    return {
      ...summary,
      steps: steps.map((s) => ({
        id: s.id,
        kind: s.kind as TOffboardingStepKind,
        label: OFFBOARDING_STEP_LABELS[s.kind as TOffboardingStepKind],
        position: s.position,
        automatic: s.automatic,
        status: s.status as TOffboardingCase["steps"][number]["status"],
        doneAt: iso(s.doneAt),
        doneBy: who(s.doneByType, s.doneByLabel),
        note: s.note,
        link: s.link,
        details: (s.details as Record<string, unknown>) ?? {},
      })),
      mayAccept: summary.status === "open" && acceptPending && row.c.transferToId === ctx.principal.personId,
      mayManage: can(ctx.principal, "bots.write_all") && summary.status === "open",
    };
  }

  /** Loads a case the caller may read (`bots.read_all`, or the person it is offered to); others get 404 (audited). */
  async function readable(ctx: RequestCtx, id: string) {
    const row = isUuid(id) ? await repo.getCase(db, id) : null;
    if (!row) throw notFound("Offboarding case");
    if (can(ctx.principal, "bots.read_all") || row.c.transferToId === ctx.principal.personId) return row;
    await denied(db, ctx, { action: "access.denied", resourceType: "bot", resourceId: row.c.botId, what: "read this offboarding case" });
    throw notFound("Offboarding case");
  }

  /**
   * Cases, newest first, 50 a page (`limit` up to 200, `cursor` from the last page). Readers of
   * every bot see every case; anyone else only the cases offered to them.
   */
  async function list(ctx: RequestCtx, q: TListOffboardingCasesQuery): Promise<{ items: TOffboardingCaseSummary[]; nextCursor: string | null }> {
    const cursor = decodeCursor(q.cursor);
    const after = cursor && typeof cursor.k === "string" ? { at: new Date(cursor.k), id: cursor.id } : null;
    const mine = can(ctx.principal, "bots.read_all") ? undefined : ctx.principal.personId;
    const rows = await repo.listCases(db, { status: q.status, personId: q.personId, botId: q.botId, transferToId: mine, limit: q.limit, after });
    const deadlineDays = await loadOrphanDeadlineDays(db);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => toSummary(r, deadlineDays)),
      nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.c.openedAt.toISOString(), id: last.c.id }) : null,
    };
  }

  /** One case with its checklist. @throws 404 (also when the caller may not read it: audited) */
  async function get(ctx: RequestCtx, id: string): Promise<TOffboardingCase> {
    await readable(ctx, id);
    return view(ctx, db, id, await loadOrphanDeadlineDays(db));
  }

  /** Orphans and open cases, for the dashboard and inventory card (any signed-in person: counts only). */
  async function overview(): Promise<TOffboardingOverview> {
    const days = await loadOrphanDeadlineDays(db);
    return { ...(await repo.overviewCounts(db, days, new Date())), orphanDeadlineDays: days };
  }

  async function mustManage(ctx: RequestCtx, action: "offboarding.plan_set" | "offboarding.steps_done", resourceId: string | null, what: string, resourceType = "offboarding_case") {
    if (can(ctx.principal, "bots.write_all")) return;
    throw await denied(db, ctx, { action, resourceType, resourceId, what });
  }

  /**
   * IT's "Offboard person" (`people.manage`): deactivates them through the people module (their
   * sessions end, their API tokens are revoked) and so, on `person.deactivated`, opens a case per
   * bot they own, proposing their manager; all in one transaction.
   * @throws 403 (audited), 404 no such person, 400 offboarding yourself
   */
  async function offboardPerson(ctx: RequestCtx, personId: string, body: TOffboardPersonRequest) {
    if (!can(ctx.principal, "people.manage"))
      throw await denied(db, ctx, { action: "person.deactivate", resourceType: "person", resourceId: personId, what: "offboard people" });
    const target = isUuid(personId) ? await repo.personPrivileges(db, personId) : null;
    if (!target) throw notFound("Person");
    if (personId === ctx.principal.personId) throw invalidFields([fieldError("confirm", "invalid", "you cannot offboard yourself; ask another admin or IT")]);
    // The break-glass account is disabled in Settings, never offboarded; an admin is offboarded
    // only by someone who may change roles (`identity.manage`), so IT cannot lock admins out.
    if (target.bootstrap)
      throw await denied(db, ctx, { action: "person.deactivate", resourceType: "person", resourceId: personId, what: "offboard the bootstrap admin (disable it in Settings instead)" });
    if (target.admin && !can(ctx.principal, "identity.manage"))
      throw await denied(db, ctx, { action: "person.deactivate", resourceType: "person", resourceId: personId, what: "offboard an admin" });
    const orphaned = await db.transaction((tx) => deactivatePerson(tx, personId, { actor: actorOf(ctx.principal), requestId: ctx.requestId, reason: body.reason }));
    const deadlineDays = await loadOrphanDeadlineDays(db);
    const rows = await repo.listCases(db, { status: "open", personId, limit: 200, after: null });
    return { personId, deactivated: orphaned.length > 0 || rows.length > 0, cases: rows.map((r) => toSummary(r, deadlineDays)) };
  }

  /** One case's plan (IT, admins: `bots.write_all`); see `applyPlan`. @returns the case after */
  async function choosePlan(ctx: RequestCtx, id: string, body: TOffboardingPlanRequest): Promise<TOffboardingCase> {
    await mustManage(ctx, "offboarding.plan_set", id, "choose how this bot is offboarded");
    if (!isUuid(id)) throw notFound("Offboarding case");
    await db.transaction((tx) => applyPlan(tx, { caseId: id, ...body }, actorOf(ctx.principal), new Date()));
    return get(ctx, id);
  }

  /**
   * The same plan for every open case of a person (bulk "transfer all to ..." / "offboard all"):
   * BULK_CHUNK bots to a transaction, in turn (`applyPlanEach`). A failure stops the run with its
   * error and rolls back its transaction: the bots of earlier transactions are done, the rest
   * untouched, and rerunning completes them (idempotent).
   */
  async function choosePlanForPerson(ctx: RequestCtx, personId: string, body: TOffboardingPlanRequest): Promise<{ cases: TOffboardingCase[] }> {
    await mustManage(ctx, "offboarding.plan_set", personId, "choose how this person's bots are offboarded", "person");
    if (!isUuid(personId) || !(await repo.personById(db, personId))) throw notFound("Person");
    const ids = await repo.openCaseIdsOfPerson(db, personId);
    const actor = actorOf(ctx.principal);
    await applyPlanEach(db, ids, body, actor);
    const days = await loadOrphanDeadlineDays(db);
    return { cases: await Promise.all(ids.map((id) => view(ctx, db, id, days))) };
  }

  /** IT records a manual step (`bots.write_all`); see `recordStep`. */
  async function record(ctx: RequestCtx, id: string, kind: "destroy_runtime" | "archive_workspace", body: TRecordOffboardingStepRequest): Promise<TOffboardingCase> {
    await mustManage(ctx, "offboarding.steps_done", id, "record offboarding steps");
    if (!isUuid(id)) throw notFound("Offboarding case");
    await db.transaction((tx) => recordStep(tx, { caseId: id, kind, ...body }, actorOf(ctx.principal), new Date()));
    return get(ctx, id);
  }

  /** The new owner accepts the bot offered to them; see `acceptTransfer`. Anyone else: 404 (audited). */
  async function accept(ctx: RequestCtx, id: string): Promise<TOffboardingCase> {
    const row = isUuid(id) ? await repo.getCase(db, id) : null;
    if (!row) throw notFound("Offboarding case");
    // Owning bots needs `bots.own` (an API token narrowed without it cannot take a bot on).
    if (row.c.transferToId !== ctx.principal.personId || !can(ctx.principal, "bots.own")) {
      const refusal = await denied(db, ctx, { action: "offboarding.transfer_accept", resourceType: "bot", resourceId: row.c.botId, what: "accept this bot: it was offered to someone else" });
      if (can(ctx.principal, "bots.read_all")) throw refusal;
      throw notFound("Offboarding case");
    }
    await db.transaction((tx) => acceptTransfer(tx, { caseId: id, personId: ctx.principal.personId }, actorOf(ctx.principal), new Date()));
    return get(ctx, id);
  }

  return { list, get, overview, offboardPerson, choosePlan, choosePlanForPerson, record, accept };
}

export type OffboardingService = ReturnType<typeof createOffboardingService>;
