import {
  LEAK_PLAYBOOK_STEPS,
  LEAK_SOURCE_LABELS,
  type TCompleteLeakStep,
  type TLeakPlaybook,
  type TLeakPlaybookStep,
  type TRole,
  type ZLeakPlaybookQuery,
  type ZLeakPlaybookSummary,
} from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { RequestCtx } from "../../lib/context.ts";
import { emit } from "../../lib/domain-events.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can, canReadBot } from "../../lib/permissions.ts";
import { isUuid, toIso } from "../../lib/sql.ts";
import { actorOf, denied, recordAudit, type Actor } from "../audit/index.ts";
import { notify } from "../notifications/index.ts";
import { markRotationDue, revokeCredentialReference } from "./credentials.commands.ts";
import * as creds from "./credentials.repo.ts";
import * as repo from "./leak-playbooks.repo.ts";

const DAY = 86_400_000;
/** The usage window a playbook reviews by default: from this long before it started until it closes. */
export const LEAK_USAGE_LOOKBACK_DAYS = 7;

type Stakeholder = TLeakPlaybook["stakeholders"][number];

const actorFrom = (type: string, id: string | null, label: string | null): Actor => ({ type: type as Actor["type"], id, label });

/**
 * The leak playbook (DESIGN.md "Credential reference"; issue 9): on a credential reference,
 * security (`credentials.respond`: admin, security) starts "suspected leak" with a reason, then
 * completes four steps, each recorded with who, when and notes:
 * 1. `revoke`: the reference is revoked (`credential_reference.revoke`);
 * 2. `review_usage`: the bot's audit events in the usage window were reviewed (the console shows
 *    them and links to the audit log filtered to the bot and the window);
 * 3. `notify`: the stakeholders are told through the notifications module: the bot's owner, the
 *    reference's owner, the bot's incident response owner (runtime profile) when they are a
 *    person in Bridle, and everyone with the security role;
 * 4. `trace`: how it leaked (screenshot, CI artifact, chat, screen share, other) and notes.
 * The playbook closes when all four are done. While it is open the bot's gated actions are held
 * for security's approval: starting and closing emit `leak_playbook.changed`, which refreshes the
 * decision snapshot on every replica. Starting also marks the reference due for rotation
 * (`leak_suspected`). Readers: `credentials.respond`, `bots.read_all`, and the bot's owner.
 */
export function createLeakPlaybooksService(deps: { db: Db }) {
  const { db } = deps;

  async function stakeholders(dbx: DbOrTx, p: repo.PlaybookRow): Promise<Stakeholder[]> {
    const bot = await repo.botOf(dbx, p.botId);
    const [ref] = p.credentialReferenceId ? await creds.detailRows(dbx, sqlId(p.credentialReferenceId)) : [];
    const irEmail = bot?.ir_owner && /^[^\s@]+@[^\s@]+$/.test(bot.ir_owner.trim()) ? bot.ir_owner.trim() : null;
    const people = await repo.peopleAmong(dbx, {
      ids: [bot?.owner_id, ref?.c.ownerId].filter((x): x is string => !!x),
      emails: irEmail ? [irEmail] : [],
    });
    const ref_ = (id: string | null | undefined) => {
      const r = id ? people.find((x) => x.id === id) : undefined;
      return r ? { id: r.id, email: r.email, displayName: r.display_name, status: r.status as "active" | "deactivated" } : null;
    };
    const out: Stakeholder[] = [];
    const owner = ref_(bot?.owner_id);
    out.push({ role: "owner", person: owner, email: owner?.email ?? null });
    if (ref?.c.ownerId && ref.c.ownerId !== bot?.owner_id) {
      const o = ref_(ref.c.ownerId);
      out.push({ role: "credential_owner", person: o, email: o?.email ?? null });
    }
    if (bot?.ir_owner) {
      const ir = irEmail ? people.find((x) => x.email.toLowerCase() === irEmail.toLowerCase()) : undefined;
      out.push({ role: "incident_response_owner", person: ir ? ref_(ir.id) : null, email: irEmail ?? bot.ir_owner });
    }
    out.push({ role: "security", person: null, email: null });
    return out;
  }

  async function view(dbx: DbOrTx, p: repo.PlaybookRow): Promise<TLeakPlaybook> {
    const [bot, steps, people] = [await repo.botOf(dbx, p.botId), await repo.stepsOf(dbx, p.id), await stakeholders(dbx, p)];
    const [ref] = p.credentialReferenceId ? await creds.detailRows(dbx, sqlId(p.credentialReferenceId)) : [];
    return {
      id: p.id,
      status: p.status as "open" | "closed",
      bot: { id: p.botId, name: bot?.name ?? "", status: bot?.status ?? "" },
      credentialReference: { id: p.credentialReferenceId, system: p.system, reference: p.reference, status: (ref?.c.status as "active") ?? null },
      reason: p.reason,
      startedAt: toIso(p.startedAt)!,
      startedBy: actorFrom(p.startedByType, p.startedById, p.startedByLabel),
      closedAt: toIso(p.closedAt),
      usageWindow: { from: new Date(p.startedAt.getTime() - LEAK_USAGE_LOOKBACK_DAYS * DAY).toISOString(), to: toIso(p.closedAt) },
      steps: LEAK_PLAYBOOK_STEPS.map((step) => {
        const s = steps.find((x) => x.step === step);
        return s
          ? { step, done: true, doneAt: toIso(s.doneAt), doneBy: actorFrom(s.doneByType, s.doneById, s.doneByLabel), notes: s.notes, details: s.details as Record<string, unknown> }
          : { step, done: false, doneAt: null, doneBy: null, notes: null, details: {} };
      }),
      stakeholders: people,
    };
  }

  async function readable(ctx: RequestCtx, id: string): Promise<repo.PlaybookRow> {
    const p = isUuid(id) ? await repo.findPlaybook(db, id) : null;
    if (!p) throw notFound("Leak playbook");
    if (can(ctx.principal, "credentials.respond")) return p;
    const bot = await repo.botOf(db, p.botId);
    if (!bot || !canReadBot(ctx.principal, { ownerId: bot.owner_id }))
      throw await denied(db, ctx, { action: "access.denied", resourceType: "leak_playbook", resourceId: id, what: "read this leak playbook" });
    return p;
  }

  /**
   * Starts "suspected leak" on a credential reference of the bot. Errors: 403 (audited) without
   * `credentials.respond`, 404 no such bot or reference, 409 a playbook is already open on it.
   */
  async function start(ctx: RequestCtx, botId: string, referenceId: string, input: { reason: string }): Promise<TLeakPlaybook> {
    if (!can(ctx.principal, "credentials.respond"))
      throw await denied(db, ctx, { action: "leak_playbook.start", resourceType: "credential_reference", resourceId: referenceId, what: "start a leak playbook" });
    const bot = isUuid(botId) ? await repo.botOf(db, botId) : null;
    if (!bot) throw notFound("Bot");
    const actor = actorOf(ctx.principal);
    const id = await db.transaction(async (tx) => {
      const ref = isUuid(referenceId) ? await creds.lockReference(tx, botId, referenceId) : null;
      if (!ref) throw notFound("Credential reference");
      if (await repo.openPlaybookOn(tx, referenceId)) throw new AppError("conflict", "A leak playbook is already open on this credential reference");
      const [detail] = await creds.detailRows(tx, sqlId(referenceId));
      const now = new Date();
      const p = await repo.insertPlaybook(tx, { botId, credentialReferenceId: referenceId, system: detail!.systemKey, reference: ref.reference, reason: input.reason, by: actor, at: now });
      await markRotationDue(tx, { botIds: [botId], referenceIds: [referenceId], reason: "leak_suspected" }, actor);
      await emit(tx, { type: "leak_playbook.changed", botId, playbookId: p.id, open: true });
      await recordAudit(tx, {
        actor,
        action: "leak_playbook.start",
        resourceType: "leak_playbook",
        resourceId: p.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId, bot: bot.name, playbookId: p.id, reference: { id: referenceId, system: detail!.systemKey, reference: ref.reference }, reason: input.reason },
      });
      return p.id;
    });
    return view(db, (await repo.findPlaybook(db, id))!);
  }

  async function get(ctx: RequestCtx, id: string): Promise<TLeakPlaybook> {
    return view(db, await readable(ctx, id));
  }

  /** Playbooks, newest first: everyone's for `credentials.respond` and `bots.read_all`, else those of the bots one owns. */
  async function list(ctx: RequestCtx, q: z.output<typeof ZLeakPlaybookQuery>): Promise<{ items: z.infer<typeof ZLeakPlaybookSummary>[]; nextCursor: string | null }> {
    const all = can(ctx.principal, "credentials.respond") || can(ctx.principal, "bots.read_all");
    const c = decodeCursor(q.cursor);
    const rows = await repo.listPlaybooks(db, {
      status: q.status,
      botId: q.bot,
      visibleTo: all ? null : ctx.principal.personId,
      before: c && typeof c.k === "string" ? { at: new Date(c.k), id: c.id } : null,
      limit: q.limit,
    });
    const page = rows.slice(0, q.limit);
    const items = await Promise.all(
      page.map(async ({ p, stepsDone }) => {
        const v = await view(db, p);
        return { id: v.id, status: v.status, bot: v.bot, credentialReference: v.credentialReference, reason: v.reason, startedAt: v.startedAt, startedBy: v.startedBy, closedAt: v.closedAt, stepsDone };
      }),
    );
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.p.startedAt.toISOString(), id: last.p.id }) : null };
  }

  /**
   * Completes one step, recording who, when, the notes and what it did; the fourth step closes the
   * playbook. Errors: 400 a review window that ends before it starts, 403 (audited) without
   * `credentials.respond`, 404, 409 a closed playbook or a step already done.
   */
  async function completeStep(ctx: RequestCtx, id: string, input: TCompleteLeakStep): Promise<TLeakPlaybook> {
    if (!can(ctx.principal, "credentials.respond"))
      throw await denied(db, ctx, { action: "leak_playbook.step", resourceType: "leak_playbook", resourceId: id, what: "work on a leak playbook" });
    const actor = actorOf(ctx.principal);
    await db.transaction(async (tx) => {
      const p = isUuid(id) ? await repo.findPlaybook(tx, id, { lock: true }) : null;
      if (!p) throw notFound("Leak playbook");
      if (p.status !== "open") throw new AppError("conflict", "This leak playbook is closed");
      const bot = await repo.botOf(tx, p.botId);
      const now = new Date();
      const details = await doStep(tx, p, input, actor, now);
      const notes = input.notes?.trim() || null;
      if (!(await repo.insertStep(tx, { playbookId: p.id, step: input.step, by: actor, at: now, notes, details })))
        throw new AppError("conflict", `The ${stepLabel(input.step)} step is already done`);
      const done = await repo.stepsOf(tx, p.id);
      const closed = LEAK_PLAYBOOK_STEPS.every((s) => done.some((d) => d.step === s));
      if (closed) {
        await repo.closePlaybook(tx, p.id, now);
        await emit(tx, { type: "leak_playbook.changed", botId: p.botId, playbookId: p.id, open: false });
      }
      await recordAudit(tx, {
        actor,
        action: "leak_playbook.step",
        resourceType: "leak_playbook",
        resourceId: p.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { botId: p.botId, bot: bot?.name ?? "", playbookId: p.id, step: input.step, notes, details, closed },
      });
    });
    return view(db, (await repo.findPlaybook(db, id))!);
  }

  /** What a step does besides being recorded, and what it records. */
  async function doStep(tx: DbOrTx, p: repo.PlaybookRow, input: TCompleteLeakStep, actor: Actor, now: Date): Promise<Record<string, unknown>> {
    switch (input.step) {
      case "revoke": {
        if (!p.credentialReferenceId) return { references: [] };
        const refs = await revokeCredentialReference(tx, { botId: p.botId, referenceId: p.credentialReferenceId, reason: `suspected leak: ${p.reason}` }, actor);
        return { references: refs.map((r) => ({ id: r.id, system: r.system, reference: r.reference, revokedNow: r.revokedNow })) };
      }
      case "review_usage": {
        const from = input.from ?? new Date(p.startedAt.getTime() - LEAK_USAGE_LOOKBACK_DAYS * DAY).toISOString();
        const to = input.to ?? now.toISOString();
        if (new Date(to) < new Date(from)) throw invalidFields([fieldError("to", "invalid", "must not be before the start of the window")]);
        return { from, to };
      }
      case "notify": {
        const people = await stakeholders(tx, p);
        const personIds = people.flatMap((s) => (s.person ? [s.person.id] : []));
        const roles: TRole[] = ["security"];
        const bot = await repo.botOf(tx, p.botId);
        const sent = await notify(
          tx,
          {
            recipients: { personIds, roles },
            kind: "leak_playbook_started",
            title: `Suspected leak of a ${p.system} credential of ${bot?.name ?? "a bot"}`,
            body:
              `Security is handling a suspected leak of the credential reference ${p.reference} (${p.system}) of the bot ${bot?.name ?? ""}. ` +
              `Reason: ${p.reason}. Until the leak playbook closes, the bot's gated actions need security's approval.`,
            link: `/leak-playbooks/${p.id}`,
            botId: p.botId,
          },
          actor,
        );
        const recipients = await repo.peopleAmong(tx, { ids: sent.recipientIds, emails: [] });
        return {
          recipients: recipients.map((r) => r.email).sort(),
          notReached: people.filter((s) => s.role === "incident_response_owner" && !s.person).map((s) => s.email),
        };
      }
      case "trace":
        return { source: input.source, sourceLabel: LEAK_SOURCE_LABELS[input.source] };
    }
  }

  /** The bot a playbook is about (for auditing a refused step's secret), or null. */
  async function botIdOf(id: string | null): Promise<string | null> {
    const p = id ? await repo.findPlaybook(db, id) : null;
    return p?.botId ?? null;
  }

  return { start, get, list, completeStep, botIdOf };
}
export type LeakPlaybooksService = ReturnType<typeof createLeakPlaybooksService>;

const STEP_LABELS: Record<TLeakPlaybookStep, string> = { revoke: "revoke", review_usage: "review recent usage", notify: "notify stakeholders", trace: "trace how it leaked" };
const stepLabel = (s: TLeakPlaybookStep) => STEP_LABELS[s];

const sqlId = (id: string) => sql`c.id = ${id}`;
