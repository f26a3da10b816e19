import { ALERT_RULE_INFO, type TAlertRuleKind } from "@bridle/contracts";
import type { Db, DbOrTx } from "@bridle/db";
import { emit } from "../../lib/domain-events.ts";
import { auditEventsSince, recordAudit, SYSTEM_ACTOR } from "../audit/index.ts";
import { findBotRow, lockBotForChange, setBotStatus } from "../bots/index.ts";
import { notifyMany, type NotifyInput } from "../notifications/index.ts";
import * as repo from "./alerts.repo.ts";
import { analyzePage, expectedCalls, HOUR_MS, METRIC, MINUTE_MS, WATCHED_ACTIONS, type PageAnalysis, type Touch } from "./alerts.rules.ts";

const DAY_MS = 86_400_000;

/** One rule's finding about one subject in a page: open an alert, or add to the active one. */
export type Hit = {
  rule: TAlertRuleKind;
  subjectType: "bot" | "skill" | "team";
  subjectId: string;
  subjectLabel: string;
  botId: string | null;
  /** matching events in this page */
  n: number;
  /** the count a new alert starts with: the window's count for a windowed rule, else `n` */
  opening?: number;
  /** oldest first */
  eventIds: string[];
  sessionId: string | null;
  at: Date;
  title: string;
  summary: string;
};

/** What one run did. `cursor`: the transaction id the next run reads from. */
export type EvaluatorReport = { events: number; opened: number; updated: number; reopened: number; paused: number; cursor: string; busy: boolean };

type Rules = Map<TAlertRuleKind, repo.RuleRow>;

/** The console paths of an alert's evidence, for the notification's body (and so the webhook's text). */
const evidenceLines = (hit: { botId: string | null; sessionId: string | null; eventIds: readonly string[] }) => {
  const lines = hit.eventIds
    .slice(-3)
    .reverse()
    .map((id) => `Audit event: /audit/${id}`);
  if (hit.botId && hit.sessionId) lines.push(`Session: /bots/${hit.botId}/sessions/${encodeURIComponent(hit.sessionId)}`);
  return lines.join("\n");
};

/** Windowed counts for the touched subjects of one metric: each subject's count in (at - window, at]. */
async function windowCounts(tx: DbOrTx, metric: string, touched: Map<string, Touch>, windowMinutes: number) {
  return repo.sumCounts(
    tx,
    metric,
    [...touched.values()].map((t) => ({ subject: t.subject, from: new Date(t.at.getTime() - windowMinutes * MINUTE_MS), to: new Date(t.at.getTime() + 1) })),
  );
}

const base = (t: Touch) => ({ subjectId: t.subject, subjectLabel: t.label, botId: t.botId, n: t.n, eventIds: t.eventIds, sessionId: t.sessionId, at: t.at });

/** The rules' findings for one page of events. */
async function findHits(tx: DbOrTx, a: PageAnalysis, rules: Rules, now: Date): Promise<Hit[]> {
  const hits: Hit[] = [];
  const on = (k: TAlertRuleKind) => (rules.get(k)?.enabled ? rules.get(k)! : null);

  const callRate = on("call_rate");
  if (callRate && a.calls.size) {
    const w = await windowCounts(tx, METRIC.callsMinute, a.calls, callRate.windowMinutes);
    const candidates = [...a.calls.values()].filter((t) => (w.get(t.subject) ?? 0) >= callRate.threshold);
    const first = await repo.firstBuckets(
      tx,
      METRIC.callsHour,
      candidates.map((t) => t.subject),
    );
    const spans = candidates.flatMap((t) => {
      const f = first.get(t.subject);
      if (!f) return [];
      const from = new Date(Math.max(f.getTime(), t.at.getTime() - callRate.baselineDays * DAY_MS));
      const to = new Date(Math.floor((t.at.getTime() - callRate.windowMinutes * MINUTE_MS) / HOUR_MS) * HOUR_MS);
      return to > from ? [{ t, from, to }] : [];
    });
    const totals = new Map<string, number>();
    for (const s of spans) {
      // one subject each: sumCounts keys by subject
      const m = await repo.sumCounts(tx, METRIC.callsHour, [{ subject: s.t.subject, from: s.from, to: s.to }]);
      totals.set(s.t.subject, m.get(s.t.subject) ?? 0);
    }
    for (const s of spans) {
      const count = w.get(s.t.subject) ?? 0;
      const hours = (s.to.getTime() - s.from.getTime()) / HOUR_MS;
      const expected = expectedCalls({ baselineTotal: totals.get(s.t.subject) ?? 0, baselineHours: hours, windowMinutes: callRate.windowMinutes });
      if (expected === null || count < callRate.factor * expected) continue;
      hits.push({
        rule: "call_rate",
        subjectType: "bot",
        ...base(s.t),
        opening: count,
        title: `${s.t.label}: ${count} decision requests in ${callRate.windowMinutes} min, ${callRate.factor}× or more its usual ${Math.round(expected * 10) / 10}`,
        summary: `${s.t.label} asked Bridle for ${count} decisions in the last ${callRate.windowMinutes} minutes; over the previous ${Math.round(hours)} hours it averaged ${Math.round(expected * 10) / 10} in such a window (rule: at least ${callRate.threshold} and ${callRate.factor}× the baseline).`,
      });
    }
  }

  const windowed = async (kind: "skill_errors" | "sensitive_access" | "denied_burst", metric: string, touched: Map<string, Touch>, text: (t: Touch, count: number, r: repo.RuleRow) => { title: string; summary: string }) => {
    const r = on(kind);
    if (!r || !touched.size) return;
    const w = await windowCounts(tx, metric, touched, r.windowMinutes);
    for (const t of touched.values()) {
      const count = w.get(t.subject) ?? 0;
      if (count < r.threshold) continue;
      hits.push({ rule: kind, subjectType: kind === "skill_errors" ? "skill" : "bot", ...base(t), opening: count, ...text(t, count, r) });
    }
  };
  await windowed("skill_errors", METRIC.skillFailures, a.skillFailures, (t, count, r) => {
    const timeouts = a.timeouts.get(t.subject) ?? 0;
    const bots = [...t.extra].slice(0, 5).join(", ");
    return {
      title: `Skill ${t.label}: ${count} failed calls in ${r.windowMinutes} min`,
      summary: `${count} calls of ${t.label} failed (errors or timeouts) in the last ${r.windowMinutes} minutes (rule: ${r.threshold}); ${timeouts} of this run's were timeouts. Bots: ${bots}.`,
    };
  });
  await windowed("sensitive_access", METRIC.sensitive, a.sensitive, (t, count, r) => ({
    title: `${t.label}: ${count} requests to sensitive systems in ${r.windowMinutes} min`,
    summary: `${t.label} asked for ${count} actions on systems classified internal data in the last ${r.windowMinutes} minutes (rule: ${r.threshold}). Systems named in the latest requests: ${[...t.extra].slice(0, 5).join(", ")}.`,
  }));
  await windowed("denied_burst", METRIC.denied, a.denied, (t, count, r) => ({
    title: `${t.label}: ${count} denied decisions in ${r.windowMinutes} min`,
    summary: `${t.label} was denied ${count} times in the last ${r.windowMinutes} minutes (rule: ${r.threshold}): it may be trying to get around its policy.`,
  }));

  if (on("enforcement_gap") && a.gapCandidates.size) {
    const gaps = await repo.gapsOf(tx, [...a.gapCandidates.keys()]);
    const byBot = new Map<string, typeof gaps>();
    for (const g of gaps) byBot.set(g.botId, [...(byBot.get(g.botId) ?? []), g]);
    for (const [botId, list] of byBot) {
      const last = list[list.length - 1]!;
      const bot = await findBotRow(tx, botId);
      const label = bot?.name ?? botId;
      hits.push({
        rule: "enforcement_gap",
        subjectType: "bot",
        subjectId: botId,
        subjectLabel: label,
        botId,
        n: list.length,
        eventIds: list.map((g) => a.gapCandidates.get(g.eventId)!),
        sessionId: last.sessionId,
        at: now,
        title: `Enforcement gap: ${label}${last.kind === "undecided_call" ? ` ran ${last.tool ?? "a tool"} without a Bridle decision` : " runs on a path Bridle cannot gate"}`,
        summary: `${last.message}. Session ${last.sessionId}.`,
      });
    }
  }

  if (on("budget"))
    for (const e of a.budget) {
      // the usage module's `budget.threshold_reached` / `budget.exhausted` (contracts: audit-events.ts)
      const d = e.details as { scope?: string; subjectId?: string; subject?: string; period?: string; capUsd?: number; spentUsd?: number; percent?: number };
      if (typeof d.subjectId !== "string" || (d.scope !== "bot" && d.scope !== "team")) continue;
      const team = d.scope === "team" ? d.subjectId : null;
      const botId = d.scope === "bot" ? d.subjectId : null;
      const label = d.subject ?? (botId ? ((await findBotRow(tx, botId))?.name ?? botId) : d.subjectId);
      const what =
        e.action === "budget.exhausted"
          ? `spent its ${d.period === "month" ? "monthly" : "daily"} budget cap of $${Number(d.capUsd ?? 0).toFixed(2)}`
          : `reached ${d.percent ?? 80} % of its ${d.period === "month" ? "monthly" : "daily"} budget cap of $${Number(d.capUsd ?? 0).toFixed(2)}`;
      hits.push({
        rule: "budget",
        subjectType: team ? "team" : "bot",
        subjectId: team ?? botId!,
        subjectLabel: label,
        botId: team ? null : botId,
        n: 1,
        eventIds: [e.id],
        sessionId: e.sessionId,
        at: e.at,
        title: `${team ? "Team" : "Bot"} ${label} ${what}`,
        summary: `${label} ${what} ($${Number(d.spentUsd ?? 0).toFixed(2)} spent; ${e.action}).`,
      });
    }

  const shapes = on("new_shape");
  if (shapes && a.shapes.size) {
    const fresh = await repo.newShapes(
      tx,
      [...a.shapes.values()].map((s) => ({ botId: s.botId, shape: s.shape, at: s.event.at.toISOString() })),
    );
    const byBot = new Map<string, Touch>();
    for (const f of fresh) {
      const s = a.shapes.get(`${f.botId}\u0000${f.shape}`)!;
      // A bot's first days are its learning period: every shape is new then.
      if (!f.historyFrom || s.event.at.getTime() - f.historyFrom.getTime() < shapes.baselineDays * DAY_MS) continue;
      const t = byBot.get(f.botId) ?? { subject: f.botId, label: s.label, botId: f.botId, n: 0, eventIds: [], at: s.event.at, sessionId: null, extra: new Set<string>() };
      t.n++;
      t.eventIds.push(s.event.id);
      t.extra.add(f.shape);
      if (s.event.at >= t.at) {
        t.at = s.event.at;
        t.sessionId = s.event.sessionId ?? t.sessionId;
      }
      byBot.set(f.botId, t);
    }
    for (const t of byBot.values())
      hits.push({
        rule: "new_shape",
        subjectType: "bot",
        ...base(t),
        title: `${t.label} asked for something it never asked for before (heuristic, to review)`,
        summary: `First time after ${shapes.baselineDays} days of history: ${[...t.extra].slice(0, 5).join("; ")}. A simple heuristic for a person to review, not a detection.`,
      });
  }
  return hits;
}

type Outcome = "opened" | "updated";

/**
 * Opens an alert for a hit, or adds it to the rule and subject's active one (the count, the last
 * seen time, the newest evidence): a sustained burst never opens a second alert. A snoozed alert
 * stays quiet (no notification) until its time is up.
 */
async function raise(tx: DbOrTx, hit: Hit, rules: Rules, now: Date, notices: NotifyInput[]): Promise<{ outcome: Outcome; paused: boolean }> {
  const existing = await repo.activeAlertFor(tx, { rule: hit.rule, subjectType: hit.subjectType, subjectId: hit.subjectId });
  if (existing) {
    await repo.updateAlert(tx, existing.id, {
      count: existing.count + hit.n,
      lastSeenAt: hit.at > existing.lastSeenAt ? hit.at : existing.lastSeenAt,
      eventIds: repo.mergeEvidence(hit.eventIds, existing.eventIds),
      sessionId: hit.sessionId ?? existing.sessionId,
      summary: hit.summary,
    });
    return { outcome: "updated", paused: false };
  }
  let alert = await repo.insertAlert(tx, {
    rule: hit.rule,
    subjectType: hit.subjectType,
    subjectId: hit.subjectId,
    subjectLabel: hit.subjectLabel,
    botId: hit.botId,
    status: "open",
    title: hit.title,
    summary: hit.summary,
    count: hit.opening ?? hit.n,
    firstSeenAt: hit.at,
    lastSeenAt: hit.at,
    eventIds: repo.mergeEvidence(hit.eventIds, []),
    sessionId: hit.sessionId,
  });
  await repo.addHistory(tx, { alertId: alert.id, at: now, change: "opened", status: "open", actorType: "system", actorLabel: "bridle" });
  await recordAudit(tx, {
    actor: SYSTEM_ACTOR,
    action: "alert.open",
    resourceType: "alert",
    resourceId: alert.id,
    outcome: "success",
    details: { alertId: alert.id, rule: hit.rule, subjectType: hit.subjectType, subject: hit.subjectLabel, botId: hit.botId, count: alert.count, eventIds: alert.eventIds },
  });
  let paused = false;
  const rule = rules.get(hit.rule)!;
  if (hit.rule === "denied_burst" && rule.autoPause && hit.botId) paused = await autoPause(tx, alert.id, hit.botId, now);
  if (paused) alert = await repo.updateAlert(tx, alert.id, { botPaused: true, title: `${hit.title}; Bridle paused the bot` });
  const bot = hit.botId ? await findBotRow(tx, hit.botId) : null;
  notices.push({
    recipients: { roles: ["security"], ...(bot?.ownerId ? { personIds: [bot.ownerId] } : {}) },
    kind: "alert",
    title: `Alert: ${alert.title}`,
    body: `${hit.summary}${paused ? "\nBridle paused the bot (the org's auto-pause on repeated denials); resuming it is a person's decision." : ""}\n${evidenceLines({ ...hit, eventIds: alert.eventIds.slice().reverse() })}`,
    link: `/alerts/${alert.id}`,
    ...(hit.botId ? { botId: hit.botId } : {}),
  });
  return { outcome: "opened", paused };
}

/** Pauses an active bot for a denied-burst alert (the org's choice): audited, and every replica's snapshot refreshes. */
async function autoPause(tx: DbOrTx, alertId: string, botId: string, now: Date): Promise<boolean> {
  const bot = await lockBotForChange(tx, botId);
  if (!bot || bot.status !== "active") return false;
  const row = await findBotRow(tx, botId);
  await setBotStatus(tx, { botId, status: "paused", now });
  await emit(tx, { type: "bot.changed", botId, fields: ["status"] });
  await recordAudit(tx, {
    actor: SYSTEM_ACTOR,
    action: "alert.auto_pause",
    resourceType: "bot",
    resourceId: botId,
    outcome: "success",
    details: { alertId, botId, bot: row?.name ?? botId, statusBefore: bot.status },
  });
  await repo.addHistory(tx, { alertId, at: now, change: "bot_paused", status: "open", actorType: "system", actorLabel: "bridle" });
  return true;
}

/** Snoozed alerts whose time is up come back open, and security is told. */
async function wakeSnoozed(tx: DbOrTx, now: Date, notices: NotifyInput[]): Promise<number> {
  const woke = await repo.endSnoozes(tx, now);
  for (const a of woke) {
    await repo.addHistory(tx, { alertId: a.id, at: now, change: "snooze_ended", status: "open", actorType: "system", actorLabel: "bridle" });
    notices.push({
      recipients: { roles: ["security"] },
      kind: "alert",
      title: `Alert back from snooze: ${a.title}`,
      body: `${a.summary}\nSeen ${a.count} times since ${a.firstSeenAt.toISOString()}; still unresolved.`,
      link: `/alerts/${a.id}`,
      ...(a.botId ? { botId: a.botId } : {}),
    });
  }
  return woke.length;
}

/** How much one run reads: pages of about PAGE_SIZE events, at most MAX_PAGES (the rest waits for the next run). */
export const PAGE_SIZE = 5_000;
export const MAX_PAGES = 20;

/**
 * One run of the alert evaluator (the `alert-evaluator` job, every minute; tests call it
 * directly). Reads the audit events written since the last run from the durable cursor
 * (`auditEventsSince`: finished transactions only, each event once), page by page, each page in
 * one transaction with the cursor's row locked (a second replica running at the same time finds
 * it locked and does nothing: `busy`): adds the page to the rolling counts, evaluates each
 * enabled rule for the subjects the page touched, opens or updates alerts, notifies security
 * (and the bot's owner) of each new one, pauses the bot where the org chose to, and moves the
 * cursor, so a crash repeats nothing and loses nothing. Snoozed alerts whose time is up reopen.
 */
export async function runAlertEvaluator(db: Db, now: Date = new Date(), opts: { pageSize?: number; maxPages?: number } = {}): Promise<EvaluatorReport> {
  const report: EvaluatorReport = { events: 0, opened: 0, updated: 0, reopened: 0, paused: 0, cursor: "", busy: false };
  const pageSize = opts.pageSize ?? PAGE_SIZE;
  for (let page = 0; page < (opts.maxPages ?? MAX_PAGES); page++) {
    const more = await db.transaction(async (tx) => {
      const from = await repo.lockCursor(tx);
      if (from === null) {
        report.busy = true;
        return false;
      }
      const notices: NotifyInput[] = [];
      if (page === 0) report.reopened = await wakeSnoozed(tx, now, notices);
      const { events, next } = await auditEventsSince(tx, { from, actions: WATCHED_ACTIONS, limit: pageSize });
      report.cursor = next;
      if (events.length) {
        const rules: Rules = new Map((await repo.listRules(tx)).map((r) => [r.kind as TAlertRuleKind, r]));
        const a = analyzePage(events, await repo.sensitiveSystemKeys(tx));
        await repo.addCounts(tx, a.counts);
        for (const hit of await findHits(tx, a, rules, now)) {
          const r = await raise(tx, hit, rules, now, notices);
          report[r.outcome]++;
          if (r.paused) report.paused++;
        }
        report.events += events.length;
      }
      if (notices.length) await notifyMany(tx, notices, SYSTEM_ACTOR);
      if (next !== from) await repo.saveCursor(tx, next, now);
      return events.length >= pageSize;
    });
    if (!more) break;
  }
  if (!report.busy)
    await db.transaction(async (tx) => {
      for (const m of [METRIC.callsMinute, METRIC.skillFailures, METRIC.sensitive, METRIC.denied]) await repo.pruneCounts(tx, m, new Date(now.getTime() - 2 * DAY_MS));
      await repo.pruneCounts(tx, METRIC.callsHour, new Date(now.getTime() - 31 * DAY_MS));
    });
  return report;
}

/** The label of a rule kind (for messages). */
export const ruleLabel = (k: TAlertRuleKind) => ALERT_RULE_INFO[k].label;
