import type {
  THaltedBot,
  TKillSwitch,
  TKillSwitchPreview,
  TKillSwitchScope,
  TKillSwitchSettings,
  TKillSwitchStatus,
  TKillSwitchStatusResponse,
} from "@bridle/contracts";
import type { ZEngageKillSwitchRequest, ZKillSwitchListQuery } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import type { z } from "zod";
import { haltingSwitch, skillNameOf, switchCovers, type EngagedSwitch } from "@bridle/policy";
import type { RequestCtx } from "../../lib/context.ts";
import { emit } from "../../lib/domain-events.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can, canManageBot, canReadBot, type Principal } from "../../lib/permissions.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import { botScopeFacts, findBotRow, type BotScopeRow } from "../bots/index.ts";
import { directory } from "../people/index.ts";
import * as repo from "./kill-switch.repo.ts";

type Row = repo.KillSwitchRow;

const statusOf = (r: Row): TKillSwitchStatus => (r.resumedAt ? "resumed" : r.resumeRequestedAt ? "resume_requested" : "active");
const engagedOf = (r: Row): EngagedSwitch => ({
  id: r.id,
  scopeKind: r.scopeKind as EngagedSwitch["scopeKind"],
  subject: r.subject,
  label: r.subjectLabel,
  mode: r.mode as EngagedSwitch["mode"],
  reason: r.reason,
  engagedBy: r.engagedByEmail,
  engagedAt: r.engagedAt,
});

/** "1h 5m", "3m", "12s": how long a switch was engaged (audit detail). */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m ? `${m}m` : ""].filter(Boolean);
  return parts.length ? parts.join(" ") : `${s}s`;
}

const scopeDetail = (r: Row) => ({ kind: r.scopeKind as EngagedSwitch["scopeKind"], subject: r.subject, label: r.subjectLabel });
const channelKey = (c: string) => c.trim().toLowerCase();

/**
 * The kill switch (issue 11): engage on a scope, resume (with a second person when the org asks),
 * list, preview. Who:
 * - `kill_switch.manage` (admin, security) engages and resumes any scope;
 * - whoever manages a bot (its owner; admins and IT, `bots.write_all`) may engage a `bot`-scope
 *   switch on it, and resume only a switch on that bot that they engaged themselves: a switch
 *   security engaged stays until security or an admin resumes it;
 * - when the org requires a second person, a resume is a request that a different person with
 *   `kill_switch.manage` confirms (a second call of `resume`). A request made under the rule keeps
 *   needing that second person even if the rule is turned off later, and the rule cannot be turned
 *   off while any request waits (409): otherwise one admin could ask, turn the rule off and
 *   confirm alone (security review).
 * Every change and every refused attempt is audited; every change emits `kill_switch.changed`, so
 * every replica's decision snapshot re-reads the engaged switches (NOTIFY).
 */
export function createKillSwitchService(deps: { db: Db }) {
  const { db } = deps;

  const toView = (r: Row, facts: readonly BotScopeRow[] | null): TKillSwitch => ({
    id: r.id,
    scope: scopeDetail(r),
    mode: r.mode as TKillSwitch["mode"],
    reason: r.reason,
    status: statusOf(r),
    engagedBy: r.engagedByEmail,
    engagedAt: r.engagedAt.toISOString(),
    resumeRequest:
      r.resumeRequestedAt && !r.resumedAt ? { by: r.resumeRequestedByEmail ?? "", at: r.resumeRequestedAt.toISOString(), reason: r.resumeRequestReason ?? "" } : null,
    resumed: r.resumedAt ? { by: r.resumedByEmail ?? "", at: r.resumedAt.toISOString(), reason: r.resumeReason ?? "" } : null,
    haltedBots: r.resumedAt || !facts ? 0 : facts.filter((b) => switchCovers(engagedOf(r), b)).length,
  });

  /** The scope's subject checked and labelled; 400 when it names nothing. */
  async function resolveScope(tx: DbOrTx, scope: TKillSwitchScope): Promise<{ kind: TKillSwitchScope["kind"]; subject: string | null; label: string; botOwnerId: string | null }> {
    switch (scope.kind) {
      case "all":
        return { kind: "all", subject: null, label: "every bot", botOwnerId: null };
      case "bot": {
        const bot = await findBotRow(tx, scope.subject);
        if (!bot || bot.status === "offboarded") throw invalidFields([fieldError("scope.subject", "unknown_reference", "no such bot (or it is offboarded)")]);
        return { kind: "bot", subject: bot.id, label: `bot ${bot.name}`, botOwnerId: bot.ownerId };
      }
      case "team": {
        const [team] = await directory.listTeams(tx, { ids: [scope.subject] });
        if (!team) throw invalidFields([fieldError("scope.subject", "unknown_reference", "no such team")]);
        return { kind: "team", subject: team.id, label: `team ${team.name}`, botOwnerId: null };
      }
      case "channel":
        return { kind: "channel", subject: channelKey(scope.subject), label: `channel ${channelKey(scope.subject)}`, botOwnerId: null };
      case "skill": {
        const name = skillNameOf(scope.subject);
        return { kind: "skill", subject: name, label: `skill ${name}`, botOwnerId: null };
      }
    }
  }

  /** May this person engage on this scope? (bot scope: whoever manages the bot) */
  const mayEngage = (p: Principal, s: { kind: string; botOwnerId: string | null }) =>
    can(p, "kill_switch.manage") || (s.kind === "bot" && canManageBot(p, { ownerId: s.botOwnerId }));

  async function preview(ctx: RequestCtx, scope: TKillSwitchScope): Promise<TKillSwitchPreview> {
    // as in engage: a scope outside the caller's reach is refused before its subject is looked at
    if (scope.kind !== "bot" && !can(ctx.principal, "kill_switch.manage"))
      throw await denied(db, ctx, { action: "kill_switch.engage", resourceType: "kill_switch", what: `engage the kill switch on a ${scope.kind} scope` });
    const s = await resolveScope(db, scope);
    // the refusal names no bot the caller may not manage
    if (!mayEngage(ctx.principal, s)) throw await denied(db, ctx, { action: "kill_switch.engage", resourceType: "kill_switch", what: "engage the kill switch on this bot" });
    const bots = (await botScopeFacts(db)).filter((b) => switchCovers({ scopeKind: s.kind, subject: s.subject }, b));
    return { label: s.label, bots: bots.map((b) => ({ id: b.id, name: b.name })), count: bots.length };
  }

  /** Engages a switch: halts the scope's bots on every replica (the notice follows the commit). */
  async function engage(ctx: RequestCtx, input: z.output<typeof ZEngageKillSwitchRequest>): Promise<TKillSwitch> {
    const p = ctx.principal;
    // A scope outside the caller's reach is refused before its subject is even looked at (no probing).
    if (input.scope.kind !== "bot" && !can(p, "kill_switch.manage"))
      throw await denied(db, ctx, { action: "kill_switch.engage", resourceType: "kill_switch", what: `engage the kill switch on a ${input.scope.kind} scope` });
    const s = await resolveScope(db, input.scope);
    // the refusal names no bot the caller may not manage
    if (!mayEngage(p, s)) throw await denied(db, ctx, { action: "kill_switch.engage", resourceType: "kill_switch", what: "engage the kill switch on this bot" });
    return db.transaction(async (tx) => {
      const row = await repo.insertSwitch(tx, {
        scopeKind: s.kind,
        subject: s.subject,
        subjectLabel: s.label,
        mode: input.mode,
        reason: input.reason,
        engagedBy: p.personId,
        engagedByEmail: p.email,
        engagedAt: new Date(),
      });
      const facts = await botScopeFacts(tx);
      const halted = facts.filter((b) => switchCovers(engagedOf(row), b));
      await emit(tx, { type: "kill_switch.changed", switchId: row.id, change: "engaged", botIds: s.kind === "all" ? "all" : halted.map((b) => b.id) });
      await recordAudit(tx, {
        actor: actorOf(p),
        action: "kill_switch.engage",
        resourceType: "kill_switch",
        resourceId: row.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { scope: scopeDetail(row), mode: input.mode, reason: input.reason, haltedBots: halted.length },
      });
      return toView(row, facts);
    });
  }

  /** May this person resume (or confirm the resume of) this switch? */
  const mayResume = (p: Principal, r: Row, botOwnerId: string | null) =>
    can(p, "kill_switch.manage") || (r.scopeKind === "bot" && r.engagedBy === p.personId && canManageBot(p, { ownerId: botOwnerId }));

  /**
   * Resumes a switch, or (when the org requires a second person) records a resume request; a
   * later call by a different person with `kill_switch.manage` confirms it. A switch with a
   * request pending always needs that different person, whatever the setting says now.
   * @throws 404; 403 (audited) for a caller who may not resume it or (a request pending) confirm
   * it; 409 when the switch is already resumed, or when the requester confirms their own request
   * (audited as a refused `kill_switch.resume`)
   */
  async function resume(ctx: RequestCtx, id: string, reason: string): Promise<{ switch: TKillSwitch; outcome: "resumed" | "resume_requested" }> {
    const p = ctx.principal;
    const first = await repo.findSwitch(db, id);
    if (!first) throw notFound("Kill switch");
    const ownerId = first.scopeKind === "bot" && first.subject ? ((await findBotRow(db, first.subject))?.ownerId ?? null) : null;
    if (!mayResume(p, first, ownerId))
      throw await denied(db, ctx, { action: "kill_switch.resume", resourceType: "kill_switch", resourceId: id, what: `resume the kill switch on ${first.subjectLabel}` });
    const done = await db.transaction(async (tx) => {
      const r = (await repo.findSwitch(tx, id, true))!;
      if (r.resumedAt) throw new AppError("conflict", `This kill switch was already resumed by ${r.resumedByEmail} at ${r.resumedAt.toISOString()}`);
      const now = new Date();
      // locked: a change of the rule waits for this resume (and then counts its request)
      const { resumeRequiresSecondPerson } = await repo.getSettings(tx, true);
      if (resumeRequiresSecondPerson && !r.resumeRequestedAt) {
        await repo.setResumeRequest(tx, id, { by: p.personId, email: p.email, at: now, reason });
        await recordAudit(tx, {
          actor: actorOf(p),
          action: "kill_switch.resume_request",
          resourceType: "kill_switch",
          resourceId: id,
          outcome: "success",
          requestId: ctx.requestId,
          details: { scope: scopeDetail(r), reason },
        });
        const updated = (await repo.findSwitch(tx, id))!;
        return { switch: toView(updated, await botScopeFacts(tx)), outcome: "resume_requested" as const };
      }
      // A request made under the rule is confirmed by someone else even if the rule was turned off since.
      if (r.resumeRequestedAt) {
        if (r.resumeRequestedBy === p.personId || r.resumeRequestedByEmail === p.email) return { selfConfirm: true as const };
        if (!can(p, "kill_switch.manage"))
          throw await denied(db, ctx, { action: "kill_switch.resume", resourceType: "kill_switch", resourceId: id, what: "confirm the resume of a kill switch (security or an admin confirms)" });
      }
      const facts = await botScopeFacts(tx);
      const wasHalting = facts.filter((b) => switchCovers(engagedOf(r), b)).map((b) => b.id);
      const row = await repo.setResumed(tx, id, { by: p.personId, email: p.email, at: now, reason });
      await emit(tx, { type: "kill_switch.changed", switchId: id, change: "resumed", botIds: r.scopeKind === "all" ? "all" : wasHalting });
      await recordAudit(tx, {
        actor: actorOf(p),
        action: "kill_switch.resume",
        resourceType: "kill_switch",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { scope: scopeDetail(r), reason, requestedBy: r.resumeRequestedAt ? r.resumeRequestedByEmail : null, engagedFor: duration(now.getTime() - r.engagedAt.getTime()) },
      });
      return { switch: toView(row, facts), outcome: "resumed" as const };
    });
    if ("selfConfirm" in done) {
      // audited outside the transaction that found it, so the refusal stays on record
      await recordAudit(db, {
        actor: actorOf(p),
        action: "kill_switch.resume",
        resourceType: "kill_switch",
        resourceId: id,
        outcome: "denied",
        requestId: ctx.requestId,
        details: { roles: p.roles, attempted: `confirm the resume of the kill switch on ${first.subjectLabel}`, reason: "requested_by_same_person" },
      });
      throw new AppError("conflict", "You asked for this resume; a different person must confirm it (it was requested under the rule that a second person resumes a kill switch)");
    }
    return done;
  }

  /** Every switch, newest first (people who read every bot: admin, security, IT, auditor). */
  async function list(ctx: RequestCtx, q: z.output<typeof ZKillSwitchListQuery>): Promise<{ items: TKillSwitch[]; nextCursor: string | null }> {
    if (!can(ctx.principal, "bots.read_all") && !can(ctx.principal, "kill_switch.manage"))
      throw await denied(db, ctx, { action: "kill_switch.read", resourceType: "kill_switch", what: "read every kill switch (owners see the ones halting their bots in the status)" });
    const rows = await repo.listSwitches(db, { status: q.status, limit: q.limit, after: decodeCursor(q.cursor) });
    const page = rows.slice(0, q.limit);
    const facts = page.some((r) => !r.resumedAt) ? await botScopeFacts(db) : null;
    const last = page.at(-1);
    return { items: page.map((r) => toView(r, facts)), nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.engagedAt.toISOString(), id: last.id }) : null };
  }

  async function get(ctx: RequestCtx, id: string): Promise<TKillSwitch> {
    const r = await repo.findSwitch(db, id);
    if (!r) throw notFound("Kill switch");
    const facts = await botScopeFacts(db);
    if (!can(ctx.principal, "bots.read_all") && !can(ctx.principal, "kill_switch.manage")) {
      const mine = facts.some((b) => canReadBot(ctx.principal, b) && switchCovers(engagedOf(r), b));
      if (!mine) throw await denied(db, ctx, { action: "kill_switch.read", resourceType: "kill_switch", resourceId: id, what: "read this kill switch" });
    }
    return toView(r, facts);
  }

  /**
   * The engaged switches and the bots they halt now, as the caller may see them: everything for
   * people who read every bot; for an owner, the switches halting their own bots, and those bots.
   */
  async function status(ctx: RequestCtx): Promise<TKillSwitchStatusResponse> {
    const [rows, facts] = await Promise.all([repo.engagedSwitches(db), botScopeFacts(db)]);
    const switches = rows.map(engagedOf);
    const visible = facts.filter((b) => canReadBot(ctx.principal, b));
    const haltedBots: THaltedBot[] = [];
    const seen = new Set<string>();
    for (const b of visible) {
      const holding = switches.filter((s) => switchCovers(s, b));
      if (!holding.length) continue;
      const top = haltingSwitch(b, holding)!;
      haltedBots.push({ botId: b.id, bot: b.name, mode: top.mode, switchIds: holding.map((s) => s.id) });
      for (const s of holding) seen.add(s.id);
    }
    const all = can(ctx.principal, "bots.read_all") || can(ctx.principal, "kill_switch.manage");
    return { engaged: rows.filter((r) => all || seen.has(r.id)).map((r) => toView(r, facts)), haltedBots };
  }

  const getSettings = async (): Promise<TKillSwitchSettings> => repo.getSettings(db);

  /**
   * Turns the second-person rule on or off (`policy.update`, admins; audited
   * `kill_switch.settings_update` when it changes).
   * @throws 403 (audited); 409 when turning the rule off while a resume request waits for a second
   * person (`details.pendingResumeRequests`; audited as a refused `kill_switch.settings_update`)
   */
  async function updateSettings(ctx: RequestCtx, v: TKillSwitchSettings): Promise<TKillSwitchSettings> {
    if (!can(ctx.principal, "policy.update"))
      throw await denied(db, ctx, { action: "kill_switch.settings_update", resourceType: "kill_switch_settings", resourceId: "1", what: "change the kill switch settings" });
    const saved = await db.transaction(async (tx) => {
      // the settings row is locked first, so two admins' changes and this count do not interleave
      const current = await repo.getSettings(tx, true);
      if (current.resumeRequiresSecondPerson && !v.resumeRequiresSecondPerson) {
        const pending = await repo.countPendingResumeRequests(tx);
        if (pending > 0) return { refused: true as const, pending };
      }
      const before = await repo.saveSettings(tx, v);
      if (before.resumeRequiresSecondPerson !== v.resumeRequiresSecondPerson)
        await recordAudit(tx, {
          actor: actorOf(ctx.principal),
          action: "kill_switch.settings_update",
          resourceType: "kill_switch_settings",
          resourceId: "1",
          outcome: "success",
          requestId: ctx.requestId,
          details: { changes: { resumeRequiresSecondPerson: { before: before.resumeRequiresSecondPerson, after: v.resumeRequiresSecondPerson } } },
        });
      return { refused: false as const, settings: await repo.getSettings(tx) };
    });
    if (!saved.refused) return saved.settings;
    const n = saved.pending;
    const requests = n === 1 ? "1 kill switch resume request is" : `${n} kill switch resume requests are`;
    await recordAudit(db, {
      actor: actorOf(ctx.principal),
      action: "kill_switch.settings_update",
      resourceType: "kill_switch_settings",
      resourceId: "1",
      outcome: "denied",
      requestId: ctx.requestId,
      details: { roles: ctx.principal.roles, attempted: "turn off the second-person rule for resuming a kill switch", reason: `${n} resume request(s) pending` },
    });
    throw new AppError(
      "conflict",
      `The second-person rule cannot be turned off while ${requests} waiting for a second person: each was requested under the rule, so a different person with the kill switch permission must confirm ${n === 1 ? "it" : "them"} first`,
      { pendingResumeRequests: n },
    );
  }

  return { preview, engage, resume, list, get, status, getSettings, updateSettings };
}
export type KillSwitchService = ReturnType<typeof createKillSwitchService>;
