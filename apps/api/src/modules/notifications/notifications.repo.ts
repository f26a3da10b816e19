import { DEFAULT_CHANNEL_CHOICE, WEBHOOK_ON_BY_DEFAULT, type TDeliveryStatus, type TNotificationKind } from "@bridle/contracts";
import { notificationDeliveries, notificationPreferences, notifications, notificationSettings, people, type DbOrTx } from "@bridle/db";
import { and, eq, isNull, sql, type SQL } from "drizzle-orm";
import { rowsOf, toIso } from "../../lib/sql.ts";

/** One notify call's notice: its recipients and its text, as stored (already scanned for secrets). */
export type NoticeToWrite = {
  noticeId: string;
  recipientIds: readonly string[];
  kind: TNotificationKind;
  title: string;
  body: string;
  link: string | null;
  botId: string | null;
  redacted: boolean;
};

/**
 * Writes notices in one statement: a notification per recipient, an email delivery for each
 * recipient whose choice for the notice's kind (`defaultChannelChoice` when none is saved) keeps
 * email on, and one webhook delivery per notice when any of its recipients keeps the webhook on
 * and an org webhook is set. One round trip however many notices, so a caller that notifies once
 * per bot (an offboarding) pays little. Returns, per notice, its notifications' ids in the order
 * of its `recipientIds`.
 */
export async function writeNotices(db: DbOrTx, notices: readonly NoticeToWrite[], actor: { actorType: string; actorLabel: string | null }): Promise<string[][]> {
  const rows = notices.flatMap((n) => n.recipientIds.map((personId) => ({ ...n, recipientIds: undefined, personId }))).map((r, n) => ({ ...r, n }));
  if (!rows.length) return notices.map(() => []);
  const res = await db.execute(sql`
    with recipients as (
      select r.*, coalesce(p.email, ${DEFAULT_CHANNEL_CHOICE.email}) as by_email, coalesce(p.webhook, r.kind = any(${sql.param([...WEBHOOK_ON_BY_DEFAULT])}::text[])) as by_webhook
        from json_to_recordset(${JSON.stringify(rows)}::json)
             as r("noticeId" uuid, "personId" uuid, kind text, title text, body text, link text, "botId" uuid, redacted boolean, n int)
        left join notification_preferences p on p.person_id = r."personId" and p.kind = r.kind
    ), written as (
      insert into notifications (notice_id, recipient_id, kind, title, body, link, bot_id, redacted, actor_type, actor_label)
      select "noticeId", "personId", kind, title, body, link, "botId", redacted, ${actor.actorType}, ${actor.actorLabel}
        from recipients order by n
      returning id, notice_id, recipient_id
    ), emails as (
      insert into notification_deliveries (notice_id, notification_id, channel)
      select w.notice_id, w.id, 'email' from written w
        join recipients r on r."noticeId" = w.notice_id and r."personId" = w.recipient_id
       where r.by_email
    ), posts as (
      insert into notification_deliveries (notice_id, notification_id, channel)
      select distinct r."noticeId", null::uuid, 'webhook' from recipients r
       where r.by_webhook and exists (select 1 from notification_settings where id = 1 and webhook_url_enc is not null)
    )
    select id, notice_id, recipient_id from written`);
  const ids = new Map(rowsOf<{ id: string; notice_id: string; recipient_id: string }>(res).map((r) => [`${r.notice_id}/${r.recipient_id}`, r.id]));
  return notices.map((n) => n.recipientIds.map((personId) => ids.get(`${n.noticeId}/${personId}`)!));
}

// ---------------------------------------------------------------------------------------------
// The in-console list

/** The exact timestamp (microseconds, UTC) a keyset cursor carries, so no row is skipped or repeated. */
const exactAt = sql<string>`to_char(${notifications.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export type NotificationRow = Awaited<ReturnType<typeof listMine>>[number];

/** A person's notifications, newest first; `after` is the last row of the previous page. */
export async function listMine(db: DbOrTx, personId: string, q: { limit: number; after: { at: string; id: string } | null; unreadOnly: boolean }) {
  const where: SQL[] = [eq(notifications.recipientId, personId)];
  if (q.unreadOnly) where.push(isNull(notifications.readAt));
  if (q.after) where.push(sql`(${notifications.createdAt}, ${notifications.id}) < (${q.after.at}::timestamptz, ${q.after.id}::uuid)`);
  return db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      botId: notifications.botId,
      redacted: notifications.redacted,
      actorType: notifications.actorType,
      actorLabel: notifications.actorLabel,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      cursorAt: exactAt,
    })
    .from(notifications)
    .where(and(...where))
    .orderBy(sql`${notifications.createdAt} desc`, sql`${notifications.id} desc`)
    .limit(q.limit);
}

export async function unreadCount(db: DbOrTx, personId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.recipientId, personId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/**
 * Marks one of the person's notifications read (kept as it was when already read).
 * @returns false when the person has no notification with that id (someone else's counts as none)
 */
export async function markRead(db: DbOrTx, personId: string, id: string, now: Date): Promise<boolean> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(notifications.id, id), eq(notifications.recipientId, personId)))
    .returning({ id: notifications.id });
  return row !== undefined;
}

/** Marks every unread notification of the person read; returns how many. */
export async function markAllRead(db: DbOrTx, personId: string, now: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.recipientId, personId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

/** How many test notifications the person got in the last `minutes`. */
export async function recentTests(db: DbOrTx, personId: string, minutes: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.recipientId, personId), eq(notifications.kind, "test"), sql`${notifications.createdAt} > now() - make_interval(mins => ${minutes})`));
  return row?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Preferences

export type ChannelChoice = { email: boolean; webhook: boolean };

/** The choices a person saved, by kind (kinds without a saved choice are absent). */
export async function savedPreferences(db: DbOrTx, personId: string): Promise<Map<string, ChannelChoice>> {
  const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.personId, personId));
  return new Map(rows.map((r) => [r.kind, { email: r.email, webhook: r.webhook }]));
}

export async function savePreferences(db: DbOrTx, personId: string, kinds: readonly ({ kind: TNotificationKind } & ChannelChoice)[], now: Date) {
  if (!kinds.length) return;
  await db
    .insert(notificationPreferences)
    .values(kinds.map((k) => ({ personId, kind: k.kind, email: k.email, webhook: k.webhook, updatedAt: now })))
    .onConflictDoUpdate({
      target: [notificationPreferences.personId, notificationPreferences.kind],
      set: { email: sql`excluded.email`, webhook: sql`excluded.webhook`, updatedAt: now },
    });
}


// ---------------------------------------------------------------------------------------------
// Org settings

export async function readSettings(db: DbOrTx) {
  const [row] = await db
    .select({
      webhookUrlEnc: notificationSettings.webhookUrlEnc,
      webhookUrlHint: notificationSettings.webhookUrlHint,
      updatedAt: notificationSettings.updatedAt,
      updatedBy: people.email,
    })
    .from(notificationSettings)
    .leftJoin(people, eq(people.id, notificationSettings.updatedBy))
    .where(eq(notificationSettings.id, 1));
  return row ?? null;
}

/** Whether an org webhook is set. */
export async function webhookConfigured(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ enc: notificationSettings.webhookUrlEnc }).from(notificationSettings).where(eq(notificationSettings.id, 1));
  return !!row?.enc;
}

/** Sets (or clears, with nulls) the webhook; locks the row first so concurrent changes audit the right "before". */
export async function lockSettings(db: DbOrTx) {
  await db.insert(notificationSettings).values({ id: 1 }).onConflictDoNothing();
  const [row] = await db.select().from(notificationSettings).where(eq(notificationSettings.id, 1)).for("update");
  return row!;
}

export async function writeWebhook(db: DbOrTx, v: { enc: string | null; hint: string | null; by: string; now: Date }) {
  await db.update(notificationSettings).set({ webhookUrlEnc: v.enc, webhookUrlHint: v.hint, updatedBy: v.by, updatedAt: v.now }).where(eq(notificationSettings.id, 1));
}

// ---------------------------------------------------------------------------------------------
// The outbox

export type ClaimedDelivery = { id: string; channel: "email" | "webhook"; noticeId: string; notificationId: string | null; attempts: number };

/**
 * Takes up to `limit` deliveries due at `now` for this worker: counts the attempt and moves
 * `next_attempt_at` past `leaseMs`, so another replica's worker (SKIP LOCKED) does not take them
 * meanwhile, and a worker that dies mid-send leaves them to be tried again after the lease.
 * `now` has milliseconds, `next_attempt_at` microseconds (the database's clock when the notice was
 * written): a delivery written within `now`'s millisecond is due too.
 */
export async function claimDue(db: DbOrTx, now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const res = await db.execute(sql`
    update notification_deliveries d
       set attempts = d.attempts + 1,
           next_attempt_at = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz,
           updated_at = now()
     where d.id in (select id from notification_deliveries
                     where status = 'pending' and next_attempt_at < ${now.toISOString()}::timestamptz + interval '1 millisecond'
                     order by next_attempt_at
                     limit ${limit}
                     for update skip locked)
    returning d.id, d.channel, d.notice_id, d.notification_id, d.attempts`);
  return rowsOf<{ id: string; channel: "email" | "webhook"; notice_id: string; notification_id: string | null; attempts: number }>(res).map((r) => ({
    id: r.id,
    channel: r.channel,
    noticeId: r.notice_id,
    notificationId: r.notification_id,
    attempts: Number(r.attempts),
  }));
}

/** What an email says and who it goes to (null when the notification is gone). */
export async function emailContent(db: DbOrTx, notificationId: string) {
  const [row] = await db
    .select({
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      to: people.email,
      name: people.displayName,
      status: people.status,
    })
    .from(notifications)
    .innerJoin(people, eq(people.id, notifications.recipientId))
    .where(eq(notifications.id, notificationId));
  return row ?? null;
}

/** What a webhook post says: the notice's text, and its active recipients' names (null when nothing is left of it). */
export async function noticeContent(db: DbOrTx, noticeId: string) {
  const rows = await db
    .select({ kind: notifications.kind, title: notifications.title, body: notifications.body, link: notifications.link, name: people.displayName })
    .from(notifications)
    .innerJoin(people, eq(people.id, notifications.recipientId))
    .where(and(eq(notifications.noticeId, noticeId), eq(people.status, "active")))
    .orderBy(people.displayName);
  if (!rows.length) return null;
  return { ...rows[0]!, recipients: rows.map((r) => r.name) };
}

export async function finishDelivery(db: DbOrTx, id: string, v: { status: TDeliveryStatus; lastError: string | null; nextAttemptAt?: Date; sentAt?: Date }) {
  await db
    .update(notificationDeliveries)
    .set({
      status: v.status,
      lastError: v.lastError,
      updatedAt: new Date(),
      ...(v.nextAttemptAt ? { nextAttemptAt: v.nextAttemptAt } : {}),
      ...(v.sentAt ? { sentAt: v.sentAt } : {}),
    })
    .where(eq(notificationDeliveries.id, id));
}

export async function deliveryCounts(db: DbOrTx): Promise<Record<TDeliveryStatus, number>> {
  const rows = await db
    .select({ status: notificationDeliveries.status, n: sql<number>`count(*)::int` })
    .from(notificationDeliveries)
    .groupBy(notificationDeliveries.status);
  const out: Record<TDeliveryStatus, number> = { pending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of rows) out[r.status as TDeliveryStatus] = r.n;
  return out;
}

const deliveryAt = sql<string>`to_char(${notificationDeliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Deliveries, newest first, with what they carry (kind, title) and the email recipient. */
export async function listDeliveries(db: DbOrTx, q: { limit: number; status?: TDeliveryStatus; after: { at: string; id: string } | null }) {
  const where: SQL[] = [];
  if (q.status) where.push(eq(notificationDeliveries.status, q.status));
  if (q.after) where.push(sql`(${notificationDeliveries.createdAt}, ${notificationDeliveries.id}) < (${q.after.at}::timestamptz, ${q.after.id}::uuid)`);
  // a webhook post carries its notice's text: any one of the notice's rows says it
  const noticeTitle = sql<string | null>`(select n2.title from notifications n2 where n2.notice_id = ${notificationDeliveries.noticeId} limit 1)`;
  const noticeKind = sql<string | null>`(select n2.kind from notifications n2 where n2.notice_id = ${notificationDeliveries.noticeId} limit 1)`;
  const rows = await db
    .select({
      id: notificationDeliveries.id,
      channel: notificationDeliveries.channel,
      status: notificationDeliveries.status,
      attempts: notificationDeliveries.attempts,
      lastError: notificationDeliveries.lastError,
      nextAttemptAt: notificationDeliveries.nextAttemptAt,
      sentAt: notificationDeliveries.sentAt,
      createdAt: notificationDeliveries.createdAt,
      kind: sql<string | null>`coalesce(${notifications.kind}, ${noticeKind})`,
      title: sql<string | null>`coalesce(${notifications.title}, ${noticeTitle})`,
      recipient: people.email,
      cursorAt: deliveryAt,
    })
    .from(notificationDeliveries)
    .leftJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
    .leftJoin(people, eq(people.id, notifications.recipientId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(sql`${notificationDeliveries.createdAt} desc`, sql`${notificationDeliveries.id} desc`)
    .limit(q.limit);
  return rows.map((r) => ({ ...r, nextAttemptAt: r.status === "pending" ? toIso(r.nextAttemptAt) : null, sentAt: toIso(r.sentAt), createdAt: toIso(r.createdAt)! }));
}

/** Puts a failed or skipped delivery back in the queue now, attempts from zero; returns what it was (null: no such delivery). */
export async function requeueDelivery(db: DbOrTx, id: string, now: Date) {
  const [before] = await db.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, id)).for("update");
  if (!before) return null;
  if (before.status === "failed" || before.status === "skipped")
    await db
      .update(notificationDeliveries)
      .set({ status: "pending", attempts: 0, nextAttemptAt: now, lastError: null, updatedAt: now })
      .where(eq(notificationDeliveries.id, id));
  return before;
}

/** The outbox now: deliveries pending, and how long the oldest due one has waited (seconds; 0 when none is due). For /metrics. */
export async function outboxDepth(db: DbOrTx): Promise<{ pending: number; oldestDueSeconds: number }> {
  const rows = await db.execute(sql`select count(*)::int as n,
      coalesce(extract(epoch from now() - min(next_attempt_at) filter (where next_attempt_at <= now())), 0)::float8 as lag
    from notification_deliveries where status = 'pending'`);
  const r = (((rows as { rows?: { n: number; lag: number }[] }).rows ?? (rows as unknown as { n: number; lag: number }[]))[0]) ?? { n: 0, lag: 0 };
  return { pending: Number(r.n), oldestDueSeconds: Number(r.lag) };
}
