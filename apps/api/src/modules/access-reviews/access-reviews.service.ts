import type {
  TAccessReviewCampaign,
  TAccessReviewEvidenceRow,
  TAccessReviewItemDetail,
  TAccessReviewItemSummary,
  TDecideAccessReviewItemRequest,
  TStartAccessReviewRequest,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { stringify } from "csv-stringify/sync";
import type { RequestCtx } from "../../lib/context.ts";
import { emit } from "../../lib/domain-events.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import { actorOf, denied, listAuditEvents, recordAudit, systemsUsedInDecisions } from "../audit/index.ts";
import { findBotRow, getBotDetail, lockBotForChange, markBotChanged, removeChannels, removeGrants, setLastReviewed } from "../bots/index.ts";
import { revokeCredentialReferences } from "../credentials/index.ts";
import { openOffboardingCase } from "../offboarding/index.ts";
import { grantLabel, startCampaign, type Reviewed } from "./access-reviews.commands.ts";
import * as repo from "./access-reviews.repo.ts";

const DAY_MS = 86_400_000;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

type ItemJoin = Awaited<ReturnType<typeof repo.getItem>> & {};

function toSummary(r: ItemJoin, now: Date): TAccessReviewItemSummary {
  const pending = r.i.status === "pending";
  return {
    id: r.i.id,
    campaignId: r.i.campaignId,
    campaign: r.campaign,
    botId: r.i.botId,
    bot: r.i.botName,
    owner: r.i.ownerEmail,
    assignedTo: r.i.assignedTo as TAccessReviewItemSummary["assignedTo"],
    status: r.i.status as TAccessReviewItemSummary["status"],
    decision: (r.i.decision as TAccessReviewItemSummary["decision"]) ?? null,
    dueAt: r.dueAt.toISOString(),
    overdue: pending && r.dueAt.getTime() < now.getTime(),
    paused: pending && r.i.pausedAt !== null,
    decidedAt: iso(r.i.decidedAt),
    decidedBy: r.i.decidedByLabel,
  };
}

/** The look-back window's start: `lookbackDays` before the campaign started (decisions up to now count). */
const lookbackFrom = (startedAt: Date, days: number) => new Date(startedAt.getTime() - days * DAY_MS);

/**
 * Access reviews (DESIGN.md "Access review"; README "Access reviews"). Admins (`reviews.manage`)
 * start campaigns; each bot's owner (or an admin) decides its item: keep, reduce (applied at once
 * through the bots and credentials modules' commands) or offboard (an offboarding case through the
 * offboarding module). Admins and auditors (`reviews.read_all`) read every campaign and export its
 * evidence pack. Every refusal is audited.
 */
export function createAccessReviewsService(deps: { db: Db }) {
  const { db } = deps;

  async function campaignView(db: DbOrTx, row: NonNullable<Awaited<ReturnType<typeof repo.getCampaign>>>, now: Date): Promise<TAccessReviewCampaign> {
    const progress = (await repo.progressOf(db, [row.c.id], now)).get(row.c.id) ?? { total: 0, decided: 0, pending: 0, overdue: 0, keep: 0, reduce: 0, offboard: 0 };
    return toCampaign(row, progress);
  }

  function toCampaign(row: NonNullable<Awaited<ReturnType<typeof repo.getCampaign>>>, progress: repo.Progress): TAccessReviewCampaign {
    const c = row.c;
    return {
      id: c.id,
      name: c.name,
      scope: c.scope as TAccessReviewCampaign["scope"],
      team: c.teamId && row.teamName ? { id: c.teamId, name: row.teamName } : null,
      trigger: c.trigger as TAccessReviewCampaign["trigger"],
      period: c.period,
      status: c.status as TAccessReviewCampaign["status"],
      dueAt: c.dueAt.toISOString(),
      lookbackDays: c.lookbackDays,
      startedAt: c.startedAt.toISOString(),
      startedBy: c.startedByType === "system" ? null : c.startedByLabel,
      closedAt: iso(c.closedAt),
      progress,
    };
  }

  /** Starts a campaign now (`reviews.manage`). @throws 403 (audited), 400 for a past due date or an unknown team */
  async function start(ctx: RequestCtx, input: TStartAccessReviewRequest): Promise<TAccessReviewCampaign> {
    if (!can(ctx.principal, "reviews.manage"))
      throw await denied(db, ctx, { action: "access_review.campaign_start", resourceType: "access_review_campaign", what: "start an access review campaign" });
    const now = new Date();
    const dueAt = new Date(input.dueAt);
    if (dueAt.getTime() <= now.getTime()) throw invalidFields([fieldError("dueAt", "invalid", "the due date must be in the future")]);
    if (input.scope === "team" && !input.teamId) throw invalidFields([fieldError("teamId", "required", "choose the team to review")]);
    const teamId = input.scope === "team" ? input.teamId! : null;
    const teamName = teamId ? await repo.teamName(db, teamId) : null;
    if (teamId && !teamName) throw invalidFields([fieldError("teamId", "unknown_reference", "unknown team")]);
    const id = await db.transaction(async (tx) => {
      const c = await startCampaign(
        tx,
        { name: input.name ?? `Access review ${now.toISOString().slice(0, 10)}`, scope: input.scope, teamId, teamName, trigger: "manual", period: null, dueAt, lookbackDays: input.lookbackDays },
        { ...actorOf(ctx.principal) },
        now,
      );
      return c!.id;
    });
    return (await campaignView(db, (await repo.getCampaign(db, id))!, now));
  }

  async function mustRead(ctx: RequestCtx, what: string, resourceId: string | null) {
    if (can(ctx.principal, "reviews.read_all")) return;
    throw await denied(db, ctx, { action: "access_review.item_read", resourceType: "access_review_campaign", resourceId, what });
  }

  /** Every campaign, newest first, with progress (`reviews.read_all`). */
  async function list(ctx: RequestCtx): Promise<{ items: TAccessReviewCampaign[] }> {
    await mustRead(ctx, "read access review campaigns", null);
    const now = new Date();
    const rows = await repo.listCampaigns(db, 200);
    const progress = await repo.progressOf(
      db,
      rows.map((r) => r.c.id),
      now,
    );
    return { items: rows.map((r) => toCampaign(r, progress.get(r.c.id) ?? { total: 0, decided: 0, pending: 0, overdue: 0, keep: 0, reduce: 0, offboard: 0 })) };
  }

  /** One campaign with every item (`reviews.read_all`). @throws 404 */
  async function get(ctx: RequestCtx, id: string): Promise<TAccessReviewCampaign & { items: TAccessReviewItemSummary[] }> {
    await mustRead(ctx, "read access review campaigns", id);
    const row = await repo.getCampaign(db, id);
    if (!row) throw notFound("Access review campaign");
    const now = new Date();
    const items = await repo.itemsOfCampaign(db, id);
    return { ...(await campaignView(db, row, now)), items: items.map((i) => toSummary(i, now)) };
  }

  /** The items the caller decides: bots they own now, and, for admins, the orphans' items. */
  async function mine(ctx: RequestCtx): Promise<{ items: TAccessReviewItemSummary[] }> {
    const now = new Date();
    const rows = await repo.itemsFor(db, { personId: ctx.principal.personId, orphans: can(ctx.principal, "reviews.manage") });
    return { items: rows.map((r) => toSummary(r, now)) };
  }

  /**
   * Who may decide an item: an admin (`reviews.manage`), or the bot's owner now (the owner it had
   * at the campaign's start who still owns it, or whoever it was transferred to since).
   */
  const mayDecide = (ctx: RequestCtx, bot: { ownerId: string | null }) =>
    can(ctx.principal, "reviews.manage") || (bot.ownerId !== null && bot.ownerId === ctx.principal.personId);

  /** Loads an item the caller may see (its deciders and `reviews.read_all`); others get 404 (audited). */
  async function visibleItem(ctx: RequestCtx, id: string, attempt: "read" | "decide") {
    const row = await repo.getItem(db, id);
    const bot = row ? await findBotRow(db, row.i.botId) : null;
    if (!row || !bot) throw notFound("Access review item");
    const decides = mayDecide(ctx, bot);
    if (decides) return { row, bot, decides };
    if (attempt === "read" && can(ctx.principal, "reviews.read_all")) return { row, bot, decides };
    const refusal = await denied(db, ctx, {
      action: attempt === "read" ? "access_review.item_read" : "access_review.item_decide",
      resourceType: "bot",
      resourceId: row.i.botId,
      what: attempt === "read" ? "read this access review item" : "decide this access review item",
    });
    // Readers of every review (auditors) learn they may not decide; anyone else learns nothing.
    if (can(ctx.principal, "reviews.read_all")) throw refusal;
    throw notFound("Access review item");
  }

  /** Everything needed to decide one item (its deciders, `reviews.read_all`). @throws 404 */
  async function item(ctx: RequestCtx, id: string): Promise<TAccessReviewItemDetail> {
    const { row, decides } = await visibleItem(ctx, id, "read");
    const now = new Date();
    const campaign = (await repo.getCampaign(db, row.i.campaignId))!;
    const from = lookbackFrom(campaign.c.startedAt, campaign.c.lookbackDays);
    const detail = await getBotDetail(db, row.i.botId);
    if (!detail) throw notFound("Access review item");
    const [used, decisions, approvals] = await Promise.all([
      systemsUsedInDecisions(db, { botId: row.i.botId, from }),
      listAuditEvents(db, { actorType: "bot", actorId: row.i.botId, action: "decision." }, 10),
      listAuditEvents(db, { botId: row.i.botId, action: "approval." }, 10),
    ]);
    return {
      ...toSummary(row, now),
      lookbackDays: campaign.c.lookbackDays,
      lookbackFrom: from.toISOString(),
      grants: detail.grants.map((g) => {
        const last = used.get(g.system.toLowerCase()) ?? null;
        return { id: g.id, system: g.system, scope: g.scope, access: g.access, expiresAt: g.expiresAt, used: last !== null, lastUsedAt: iso(last) };
      }),
      channels: detail.channels,
      credentialReferences: detail.credentialReferences.map((c) => ({ id: c.id, system: c.system, reference: c.reference, status: c.status })),
      findings: detail.findings,
      recentDecisions: decisions.map((e) => {
        const d = e.details as { action?: string; decision?: string; target?: Record<string, unknown> };
        return { at: e.at.toISOString(), action: d.action ?? "", decision: d.decision ?? e.action.slice("decision.".length), target: d.target ?? {} };
      }),
      recentApprovals: approvals.map((e) => ({ at: e.at.toISOString(), action: e.action, actor: e.actorLabel, outcome: e.outcome })),
      removed: row.i.removed ?? null,
      note: row.i.note,
      mayDecide: decides && row.i.status === "pending",
    };
  }

  /**
   * Decides an item (its bot's owner, or an admin): keep, reduce (removes exactly the picked grants,
   * channels and credential references, at once, through the owning modules' commands) or
   * offboard (opens an offboarding case, trigger `access_review`). Sets the bot's last review date
   * (clearing `review_overdue`), lifts an overdue pause, and closes the campaign with its last item,
   * all in one transaction.
   * Audit: `access_review.item_decide`; `access_review.reduce_apply` and `credential_reference.revoke`
   * for a reduce; `offboarding.case_open` for an offboard; `access_review.overdue_lift` when paused.
   * @throws 404 (not found, or not the caller's: audited), 403 (a reader who may not decide: audited),
   *   409 already decided, 400 a reduce picking nothing or something the bot does not have
   */
  async function decide(ctx: RequestCtx, id: string, input: TDecideAccessReviewItemRequest): Promise<TAccessReviewItemDetail> {
    await visibleItem(ctx, id, "decide");
    const actor = actorOf(ctx.principal);
    await db.transaction(async (tx) => {
      const row = await repo.getItem(tx, id, { lock: true });
      if (!row) throw notFound("Access review item");
      if (row.i.status !== "pending") throw new AppError("conflict", `This item was already decided (${row.i.decision}) by ${row.i.decidedByLabel ?? "someone"}`);
      const bot = await lockBotForChange(tx, row.i.botId);
      if (!bot) throw notFound("Access review item");
      if (!mayDecide(ctx, bot)) throw new AppError("forbidden", "You do not have permission to decide this access review item");
      const now = new Date();
      const state = (await repo.reviewStateOf(tx, [row.i.botId])).get(row.i.botId)!;
      const botName = row.i.botName;
      const fields = ["lastReviewedAt"];
      let removed: string[] = [];
      let caseId: string | undefined;

      if (input.decision === "reduce") {
        const pick = input.remove;
        const problems = [
          ...pick.grantIds.filter((g) => !state.grants.some((x) => x.id === g)).map((g) => fieldError(["remove", "grantIds"], "unknown_reference", `the bot holds no grant ${g}`)),
          ...pick.channels.filter((c) => !state.channels.includes(c)).map((c) => fieldError(["remove", "channels"], "unknown_reference", `the bot has no channel ${c}`)),
          ...pick.credentialReferenceIds
            .filter((r) => !state.credentialReferences.some((x) => x.id === r && x.status !== "revoked"))
            .map((r) => fieldError(["remove", "credentialReferenceIds"], "unknown_reference", `the bot has no unrevoked credential reference ${r}`)),
        ];
        if (problems.length) throw invalidFields(problems);
        if (pick.grantIds.length + pick.channels.length + pick.credentialReferenceIds.length === 0)
          throw invalidFields([fieldError("remove", "required", "pick at least one grant, channel or credential reference to remove, or choose keep")]);
        const grants = await removeGrants(tx, { botId: row.i.botId, grantIds: pick.grantIds });
        const channels = await removeChannels(tx, { botId: row.i.botId, channels: pick.channels });
        const refs = await revokeCredentialReferences(tx, { botId: row.i.botId, referenceIds: pick.credentialReferenceIds, reason: `access review "${row.campaign}": reduced` }, actor);
        if (grants.length) fields.push("grants");
        if (channels.length) fields.push("channels");
        await markBotChanged(tx, row.i.botId, now);
        removed = [...grants.map((g) => `grant ${grantLabel(g)}`), ...channels.map((c) => `channel ${c}`), ...refs.map((r) => `credential reference ${r.system} ${r.reference}`)];
        await recordAudit(tx, {
          actor,
          action: "access_review.reduce_apply",
          resourceType: "bot",
          resourceId: row.i.botId,
          outcome: "success",
          requestId: ctx.requestId,
          details: {
            campaignId: row.i.campaignId,
            itemId: id,
            botId: row.i.botId,
            bot: botName,
            grants: grants.map((g) => ({ id: g.id, system: g.system, scope: g.scope, access: g.access })),
            channels,
            credentialReferences: refs.map((r) => ({ id: r.id, system: r.system, reference: r.reference })),
          },
        });
      }
      if (input.decision === "offboard") {
        const c = await openOffboardingCase(tx, { botId: row.i.botId, trigger: "access_review", reason: input.reason }, actor);
        caseId = c.id;
      }

      await setLastReviewed(tx, { botId: row.i.botId, at: now });
      await emit(tx, { type: "bot.changed", botId: row.i.botId, fields });
      const note = input.decision === "offboard" ? input.reason : (input.note ?? null);
      await repo.markDecided(tx, id, { decision: input.decision, note: note || null, reviewed: state, removed, at: now, by: actor });
      await recordAudit(tx, {
        actor,
        action: "access_review.item_decide",
        resourceType: "bot",
        resourceId: row.i.botId,
        outcome: "success",
        requestId: ctx.requestId,
        details: {
          campaignId: row.i.campaignId,
          itemId: id,
          botId: row.i.botId,
          bot: botName,
          decision: input.decision,
          note: note || null,
          grantsAtReview: state.grants.map(grantLabel),
          ...(caseId ? { offboardingCaseId: caseId } : {}),
        },
      });
      if (row.i.pausedAt) {
        await recordAudit(tx, {
          actor,
          action: "access_review.overdue_lift",
          resourceType: "bot",
          resourceId: row.i.botId,
          outcome: "success",
          requestId: ctx.requestId,
          details: { campaignId: row.i.campaignId, itemId: id, botId: row.i.botId, bot: botName, decision: input.decision },
        });
        await emit(tx, { type: "access_review.changed", botIds: [row.i.botId] });
      }
      await repo.closeIfDone(tx, row.i.campaignId, now);
    });
    return item(ctx, id);
  }

  /**
   * A campaign's evidence pack (`reviews.read_all`): each bot, its owner, its grants at review time
   * (as the reviewer saw them when deciding; for a pending item, at the campaign's start), the
   * decision, what a reduce removed, who decided and when. Audit: `access_review.evidence_export`.
   */
  async function evidence(ctx: RequestCtx, id: string, format: "csv" | "json"): Promise<string> {
    await mustRead(ctx, "export an access review's evidence pack", id);
    const row = await repo.getCampaign(db, id);
    if (!row) throw notFound("Access review campaign");
    const now = new Date();
    const items = await repo.itemsOfCampaign(db, id);
    const rows: TAccessReviewEvidenceRow[] = items.map(({ i }) => ({
      bot: i.botName,
      botId: i.botId,
      owner: i.ownerEmail,
      grantsAtReview: ((i.reviewed as Reviewed | null)?.grants ?? []).map(grantLabel),
      decision: (i.decision as TAccessReviewEvidenceRow["decision"]) ?? null,
      removed: (i.removed as string[] | null) ?? [],
      decidedBy: i.decidedByLabel,
      decidedAt: iso(i.decidedAt),
      note: i.note,
    }));
    await recordAudit(db, {
      actor: actorOf(ctx.principal),
      action: "access_review.evidence_export",
      resourceType: "access_review_campaign",
      resourceId: id,
      outcome: "success",
      requestId: ctx.requestId,
      details: { campaignId: id, format, items: rows.length },
    });
    if (format === "json") return JSON.stringify({ campaign: await campaignView(db, row, now), exportedAt: now.toISOString(), items: rows }, null, 2);
    return stringify(
      rows.map((r) => [r.bot, r.botId, r.owner ?? "", r.grantsAtReview.join("; "), r.decision ?? "pending", r.removed.join("; "), r.decidedBy ?? "", r.decidedAt ?? "", r.note ?? ""]),
      { header: true, columns: ["bot", "bot_id", "owner", "grants_at_review", "decision", "removed", "decided_by", "decided_at", "note"], escape_formulas: true },
    );
  }

  return { start, list, get, mine, item, decide, evidence };
}

export type AccessReviewsService = ReturnType<typeof createAccessReviewsService>;
