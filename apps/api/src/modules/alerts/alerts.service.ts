import {
  changesBetween,
  type TAlert,
  type TAlertDetail,
  type TAlertListQuery,
  type TAlertRule,
  type TAlertsSummary,
  type TAlertStatus,
  type TChanges,
  type TUpdateAlertRulesRequest,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can } from "../../lib/permissions.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import * as repo from "./alerts.repo.ts";

const HOUR_MS = 3_600_000;
const RULE_FIELDS = ["enabled", "threshold", "windowMinutes", "factor", "baselineDays", "autoPause"] as const;

/** What security does with an alert: the status it goes to and the statuses it may come from. */
const TRANSITIONS = {
  acknowledge: { to: "acknowledged", from: ["open", "snoozed"], event: "alert.acknowledge", change: "acknowledged" },
  snooze: { to: "snoozed", from: ["open", "acknowledged", "snoozed"], event: "alert.snooze", change: "snoozed" },
  resolve: { to: "resolved", from: ["open", "acknowledged", "snoozed"], event: "alert.resolve", change: "resolved" },
} as const;
export type AlertAction = keyof typeof TRANSITIONS;

/**
 * Alerts and their rules (README "Alerts"). `alerts.read` (admin, security, auditor) reads them;
 * `alerts.manage` (admin, security) acknowledges, snoozes and resolves alerts and edits the rules.
 * Every change and every refused attempt is audited; an alert's history is kept after it is resolved.
 */
export function createAlertsService(deps: { db: Db }) {
  const { db } = deps;

  async function mayRead(ctx: RequestCtx, what: string, resourceId: string | null = null) {
    if (!can(ctx.principal, "alerts.read")) throw await denied(db, ctx, { action: "alert.read", resourceType: "alert", resourceId, what });
  }

  /** Alerts, most recently seen first, filtered by status (`active`: not resolved), rule and bot; keyset pages. */
  async function list(ctx: RequestCtx, q: TAlertListQuery): Promise<{ items: TAlert[]; nextCursor: string | null }> {
    await mayRead(ctx, "read alerts");
    const c = decodeCursor(q.cursor);
    const after = c && typeof c.k === "string" ? { at: new Date(c.k), id: c.id } : null;
    const rows = await repo.listAlerts(db, q, after);
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items: items.map(repo.toAlert), nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.lastSeenAt.toISOString(), id: last.id }) : null };
  }

  async function detailOf(id: string): Promise<TAlertDetail> {
    const row = await repo.getAlert(db, id);
    if (!row) throw notFound("Alert");
    const history = await repo.historyOf(db, id);
    return {
      ...repo.toAlert(row),
      history: history.map((h) => ({
        at: h.at.toISOString(),
        change: h.change as TAlertDetail["history"][number]["change"],
        status: h.status as TAlertStatus,
        actor: { type: h.actorType as TAlertDetail["history"][number]["actor"]["type"], label: h.actorLabel },
        reason: h.reason,
        snoozedUntil: h.snoozedUntil?.toISOString() ?? null,
      })),
    };
  }

  async function get(ctx: RequestCtx, id: string): Promise<TAlertDetail> {
    await mayRead(ctx, "read this alert", id);
    return detailOf(id);
  }

  /** The counts behind the console's badge. */
  async function summary(ctx: RequestCtx): Promise<TAlertsSummary> {
    await mayRead(ctx, "read alerts");
    const c = await repo.countByStatus(db);
    return { open: c.open ?? 0, acknowledged: c.acknowledged ?? 0, snoozed: c.snoozed ?? 0 };
  }

  /**
   * Acknowledge (open or snoozed -> acknowledged), snooze for `hours` (any active alert) or
   * resolve (any active alert). 403 without `alerts.manage` (audited), 404, 409 when the alert's
   * status does not allow it (a resolved alert stays resolved: the rule opens a new one if it fires again).
   */
  async function act(ctx: RequestCtx, id: string, action: AlertAction, body: { reason?: string | undefined; hours?: number }): Promise<TAlertDetail> {
    const t = TRANSITIONS[action];
    if (!can(ctx.principal, "alerts.manage")) throw await denied(db, ctx, { action: t.event, resourceType: "alert", resourceId: id, what: `${action} alerts` });
    const now = new Date();
    const snoozedUntil = action === "snooze" ? new Date(now.getTime() + (body.hours ?? 1) * HOUR_MS) : null;
    const reason = body.reason?.trim() ? body.reason.trim() : null;
    await db.transaction(async (tx) => {
      const row = await repo.getAlert(tx, id, true);
      if (!row) throw notFound("Alert");
      if (!(t.from as readonly string[]).includes(row.status)) throw new AppError("conflict", `This alert is ${row.status}: it cannot be ${t.to === "acknowledged" ? "acknowledged" : t.to} now`, { status: row.status });
      const who = actorOf(ctx.principal);
      await repo.updateAlert(tx, id, { status: t.to, snoozedUntil, actedBy: who.label, actedAt: now });
      await repo.addHistory(tx, { alertId: id, at: now, change: t.change, status: t.to, actorType: who.type, actorLabel: who.label, reason, snoozedUntil });
      await recordAudit(tx, {
        actor: who,
        action: t.event,
        resourceType: "alert",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { alertId: id, rule: row.rule, subject: row.subjectLabel, status: { before: row.status, after: t.to }, reason, ...(snoozedUntil ? { snoozedUntil: snoozedUntil.toISOString() } : {}) },
      });
    });
    return detailOf(id);
  }

  async function rules(ctx: RequestCtx): Promise<{ items: TAlertRule[] }> {
    await mayRead(ctx, "read the alert rules");
    return { items: (await repo.listRules(db)).map(repo.toRule) };
  }

  /** Changes some rules' settings (`alerts.manage`); one audit event lists every change. */
  async function updateRules(ctx: RequestCtx, body: TUpdateAlertRulesRequest): Promise<{ items: TAlertRule[] }> {
    if (!can(ctx.principal, "alerts.manage")) throw await denied(db, ctx, { action: "alert_rule.update", resourceType: "alert_rules", what: "change the alert rules" });
    const kinds = body.rules.map((r) => r.kind);
    if (new Set(kinds).size !== kinds.length) throw new AppError("validation_failed", "Each rule may appear once");
    const who = actorOf(ctx.principal);
    const now = new Date();
    await db.transaction(async (tx) => {
      const current = new Map((await repo.listRules(tx, true)).map((r) => [r.kind, r]));
      const changes: Record<string, TChanges> = {};
      for (const u of body.rules) {
        const before = current.get(u.kind)!;
        const after: repo.RuleRow = { ...before };
        for (const f of RULE_FIELDS) if (u[f] !== undefined) (after as Record<string, unknown>)[f] = u[f];
        const diff = changesBetween(before, after, [...RULE_FIELDS]);
        if (!Object.keys(diff).length) continue;
        changes[u.kind] = diff;
        await repo.saveRule(tx, { ...after, updatedAt: now, updatedBy: who.label });
      }
      if (!Object.keys(changes).length) return;
      await recordAudit(tx, { actor: who, action: "alert_rule.update", resourceType: "alert_rules", resourceId: null, outcome: "success", requestId: ctx.requestId, details: { rules: changes } });
    });
    return { items: (await repo.listRules(db)).map(repo.toRule) };
  }

  return { list, get, summary, act, rules, updateRules };
}
export type AlertsService = ReturnType<typeof createAlertsService>;
