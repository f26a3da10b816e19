import { ALERT_EVIDENCE_MAX, ALERT_RULE_INFO, type TAlert, type TAlertListQuery, type TAlertRule, type TAlertRuleKind, type TAlertStatus } from "@bridle/contracts";
import { alertCursor, alertHistory, alertRules, alerts, type DbOrTx } from "@bridle/db";
import { and, asc, desc, eq, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { rowsOf } from "../../lib/sql.ts";

// ---------------------------------------------------------------------------------------------
// Rules

export type RuleRow = typeof alertRules.$inferSelect;

export const toRule = (r: RuleRow): TAlertRule => ({
  kind: r.kind as TAlertRuleKind,
  label: ALERT_RULE_INFO[r.kind as TAlertRuleKind].label,
  meaning: ALERT_RULE_INFO[r.kind as TAlertRuleKind].meaning,
  enabled: r.enabled,
  threshold: r.threshold,
  windowMinutes: r.windowMinutes,
  factor: r.factor,
  baselineDays: r.baselineDays,
  autoPause: r.autoPause,
  updatedAt: r.updatedAt.toISOString(),
  updatedBy: r.updatedBy,
});

export async function listRules(db: DbOrTx, lock = false): Promise<RuleRow[]> {
  const q = db.select().from(alertRules).orderBy(asc(alertRules.kind));
  return lock ? q.for("update") : q;
}

export async function saveRule(tx: DbOrTx, r: RuleRow): Promise<void> {
  await tx
    .update(alertRules)
    .set({ enabled: r.enabled, threshold: r.threshold, windowMinutes: r.windowMinutes, factor: r.factor, baselineDays: r.baselineDays, autoPause: r.autoPause, updatedAt: r.updatedAt, updatedBy: r.updatedBy })
    .where(eq(alertRules.kind, r.kind));
}

// ---------------------------------------------------------------------------------------------
// The evaluator's cursor and counts

/** The cursor row, locked for this transaction; null when another evaluator holds it (it runs instead). */
export async function lockCursor(tx: DbOrTx): Promise<string | null> {
  const [row] = rowsOf<{ xid: string }>(await tx.execute(sql`select xid::text as xid from alert_cursor where id = 1 for update skip locked`));
  return row?.xid ?? null;
}

export async function saveCursor(tx: DbOrTx, xid: string, now: Date): Promise<void> {
  await tx.update(alertCursor).set({ xid: sql`${xid}::xid8` as unknown as string, ranAt: now }).where(eq(alertCursor.id, 1));
}

export async function readCursor(db: DbOrTx): Promise<string> {
  const [row] = rowsOf<{ xid: string }>(await db.execute(sql`select xid::text as xid from alert_cursor where id = 1`));
  return row!.xid;
}

export type CountRow = { metric: string; subject: string; bucket: string; n: number };

/** Adds counts (one statement). */
export async function addCounts(tx: DbOrTx, rows: readonly CountRow[]): Promise<void> {
  if (!rows.length) return;
  await tx.execute(sql`
    insert into alert_counts as c (metric, subject, bucket, n)
    select metric, subject, bucket, n from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(metric text, subject text, bucket timestamptz, n int)
    on conflict (metric, subject, bucket) do update set n = c.n + excluded.n`);
}

/** The sum of a metric's buckets for each subject in [from, to). */
export async function sumCounts(tx: DbOrTx, metric: string, items: readonly { subject: string; from: Date; to: Date }[]): Promise<Map<string, number>> {
  if (!items.length) return new Map();
  const rows = rowsOf<{ subject: string; n: string | number }>(
    await tx.execute(sql`
      select v.subject, coalesce((select sum(c.n) from alert_counts c where c.metric = ${metric} and c.subject = v.subject and c.bucket >= v.f and c.bucket < v.t), 0) as n
      from jsonb_to_recordset(${JSON.stringify(items.map((i) => ({ subject: i.subject, f: i.from.toISOString(), t: i.to.toISOString() })))}::jsonb) as v(subject text, f timestamptz, t timestamptz)`),
  );
  return new Map(rows.map((r) => [r.subject, Number(r.n)]));
}

/** Each subject's earliest bucket of a metric (its history as the evaluator saw it). */
export async function firstBuckets(tx: DbOrTx, metric: string, subjects: readonly string[]): Promise<Map<string, Date>> {
  if (!subjects.length) return new Map();
  const rows = rowsOf<{ subject: string; first: string }>(
    await tx.execute(sql`
      select s as subject, (select min(c.bucket) from alert_counts c where c.metric = ${metric} and c.subject = s) as first
      from unnest(${sql.param([...subjects])}::text[]) as s`),
  );
  return new Map(rows.filter((r) => r.first).map((r) => [r.subject, new Date(r.first)]));
}

/** Drops buckets older than their metric needs. */
export async function pruneCounts(tx: DbOrTx, metric: string, before: Date): Promise<void> {
  await tx.execute(sql`delete from alert_counts where metric = ${metric} and bucket < ${before.toISOString()}::timestamptz`);
}

/**
 * Records (bot, shape) pairs; @returns the ones never seen before, each with the bot's first
 * shape's time before this batch (null for a bot seen for the first time).
 */
export async function newShapes(tx: DbOrTx, rows: readonly { botId: string; shape: string; at: string }[]): Promise<{ botId: string; shape: string; historyFrom: Date | null }[]> {
  if (!rows.length) return [];
  const res = await tx.execute(sql`
    with v as (select * from jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ bot_id: r.botId, shape: r.shape, at: r.at })))}::jsonb) as v(bot_id uuid, shape text, at timestamptz)),
    hist as (select b.bot_id, (select min(s.first_seen_at) from alert_shapes s where s.bot_id = b.bot_id) as first from (select distinct bot_id from v) b),
    ins as (
      insert into alert_shapes (bot_id, shape, first_seen_at)
      select v.bot_id, v.shape, min(v.at) from v join bots on bots.id = v.bot_id group by v.bot_id, v.shape
      on conflict do nothing
      returning bot_id, shape)
    select ins.bot_id, ins.shape, hist.first from ins join hist on hist.bot_id = ins.bot_id`);
  return rowsOf<{ bot_id: string; shape: string; first: string | null }>(res).map((r) => ({ botId: r.bot_id, shape: r.shape, historyFrom: r.first ? new Date(r.first) : null }));
}

/** The enforcement gaps (events module's `runtime_gaps`, read only) first shown by these runtime events (their ids: the audit events' resource ids). */
export async function gapsOf(tx: DbOrTx, eventIds: readonly string[]): Promise<{ botId: string; sessionId: string; kind: string; tool: string | null; message: string; eventId: string }[]> {
  if (!eventIds.length) return [];
  const rows = rowsOf<{ bot_id: string; session_id: string; kind: string; tool: string | null; message: string; event_id: string }>(
    await tx.execute(sql`select bot_id, session_id, kind, tool, message, event_id from runtime_gaps where event_id = any(${sql.param([...eventIds])}::uuid[])`),
  );
  return rows.map((r) => ({ botId: r.bot_id, sessionId: r.session_id, kind: r.kind, tool: r.tool, message: r.message, eventId: r.event_id }));
}

/** Keys of the connected systems classified internal data (or both): the "sensitive systems". */
export async function sensitiveSystemKeys(tx: DbOrTx): Promise<Set<string>> {
  const rows = rowsOf<{ key: string }>(await tx.execute(sql`select lower(key) as key from connected_systems where classification in ('internal_data', 'both')`));
  return new Set(rows.map((r) => r.key));
}

// ---------------------------------------------------------------------------------------------
// Alerts

export type AlertRow = typeof alerts.$inferSelect;

export const toAlert = (r: AlertRow): TAlert => ({
  id: r.id,
  rule: r.rule as TAlertRuleKind,
  ruleLabel: ALERT_RULE_INFO[r.rule as TAlertRuleKind].label,
  subject: { type: r.subjectType as TAlert["subject"]["type"], id: r.subjectId, label: r.subjectLabel },
  botId: r.botId,
  status: r.status as TAlertStatus,
  title: r.title,
  summary: r.summary,
  count: r.count,
  firstSeenAt: r.firstSeenAt.toISOString(),
  lastSeenAt: r.lastSeenAt.toISOString(),
  snoozedUntil: r.snoozedUntil?.toISOString() ?? null,
  evidence: { eventIds: r.eventIds, sessionId: r.sessionId },
  botPaused: r.botPaused,
  actedBy: r.actedBy,
  actedAt: r.actedAt?.toISOString() ?? null,
});

/** The active (not resolved) alert of a rule and subject, locked. */
export async function activeAlertFor(tx: DbOrTx, key: { rule: string; subjectType: string; subjectId: string }): Promise<AlertRow | null> {
  const [row] = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.rule, key.rule), eq(alerts.subjectType, key.subjectType), eq(alerts.subjectId, key.subjectId), ne(alerts.status, "resolved")))
    .for("update");
  return row ?? null;
}

export async function insertAlert(tx: DbOrTx, row: typeof alerts.$inferInsert): Promise<AlertRow> {
  const [out] = await tx.insert(alerts).values(row).returning();
  return out!;
}

export async function updateAlert(tx: DbOrTx, id: string, set: Partial<typeof alerts.$inferInsert>): Promise<AlertRow> {
  const [out] = await tx.update(alerts).set(set).where(eq(alerts.id, id)).returning();
  return out!;
}

/** The newest evidence first, at most ALERT_EVIDENCE_MAX. */
export const mergeEvidence = (fresh: readonly string[], old: readonly string[]) => [...new Set([...[...fresh].reverse(), ...old])].slice(0, ALERT_EVIDENCE_MAX);

export type HistoryInput = { alertId: string; at: Date; change: string; status: string; actorType: string; actorLabel: string | null; reason?: string | null; snoozedUntil?: Date | null };

export async function addHistory(tx: DbOrTx, h: HistoryInput): Promise<void> {
  await tx.insert(alertHistory).values({ ...h, reason: h.reason ?? null, snoozedUntil: h.snoozedUntil ?? null });
}

export async function historyOf(db: DbOrTx, alertId: string) {
  return db.select().from(alertHistory).where(eq(alertHistory.alertId, alertId)).orderBy(asc(alertHistory.id));
}

/** Snoozed alerts whose time is up, opened again (locked, one statement). */
export async function endSnoozes(tx: DbOrTx, now: Date): Promise<AlertRow[]> {
  return tx
    .update(alerts)
    .set({ status: "open", snoozedUntil: null })
    .where(and(eq(alerts.status, "snoozed"), lt(alerts.snoozedUntil, now)))
    .returning();
}

export async function getAlert(db: DbOrTx, id: string, lock = false): Promise<AlertRow | null> {
  const q = db.select().from(alerts).where(eq(alerts.id, id));
  const [row] = lock ? await q.for("update") : await q;
  return row ?? null;
}

/** Alerts, most recently seen first; keyset on (last_seen_at, id). */
export async function listAlerts(db: DbOrTx, q: TAlertListQuery, after: { at: Date; id: string } | null): Promise<AlertRow[]> {
  const where: (SQL | undefined)[] = [
    q.status === "active" ? ne(alerts.status, "resolved") : q.status ? eq(alerts.status, q.status) : undefined,
    q.rule ? eq(alerts.rule, q.rule) : undefined,
    q.botId ? eq(alerts.botId, q.botId) : undefined,
    after ? or(lt(alerts.lastSeenAt, after.at), and(eq(alerts.lastSeenAt, after.at), lt(alerts.id, after.id))) : undefined,
  ];
  return db
    .select()
    .from(alerts)
    .where(and(...where.filter((w) => w !== undefined)))
    .orderBy(desc(alerts.lastSeenAt), desc(alerts.id))
    .limit(q.limit + 1);
}

export async function countByStatus(db: DbOrTx): Promise<Record<string, number>> {
  const rows = rowsOf<{ status: string; n: string | number }>(await db.execute(sql`select status, count(*) as n from alerts where status <> 'resolved' group by status`));
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
