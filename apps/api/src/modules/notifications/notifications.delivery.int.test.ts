import { randomBytes } from "node:crypto";
import { auditEvents, notificationDeliveries, people } from "@bridle/db";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { startSmtpReceiver, startWebhookReceiver } from "../../../test/receivers.ts";
import { SYSTEM_ACTOR } from "../audit/index.ts";
import { deactivatePerson } from "../people/index.ts";
import { backoffMs, createNotificationDelivery, MAX_ATTEMPTS, notify, REDACTION_NOTE, type NotificationDelivery } from "./index.ts";

const GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
const SMTP_USER = "bridle-mailer";
const SMTP_PASS = "s3cret-smtp-pass!word";
const PUBLIC_URL = "http://bridle.test:8080";
const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe("notification delivery: email to a real SMTP server, the webhook to a real HTTP server", () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let worker: NotificationDelivery;
  let webhookUrl: string;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  const person = async (key: string, roles: string[]) => {
    const email = `${key}@deliver.example`;
    const [p] = await t.database.db.insert(people).values({ email, displayName: key.toUpperCase(), roles }).returning({ id: people.id });
    ids[key] = p!.id;
    tokens[key] = await tokenFor(t.database, email);
  };
  const as = (key: string) => ({ authorization: `Bearer ${tokens[key]}` });
  const deliveriesOf = (noticeId: string) => t.database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.noticeId, noticeId));

  beforeAll(async () => {
    smtp = await startSmtpReceiver({ user: SMTP_USER, pass: SMTP_PASS });
    hook = await startWebhookReceiver();
    t = await createTestApp({
      seed: "none",
      env: {
        BRIDLE_SMTP_URL: smtp.url,
        BRIDLE_MAIL_FROM: "Bridle <bridle@acme.example>",
        BRIDLE_PUBLIC_URL: PUBLIC_URL,
        BRIDLE_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      },
    });
    worker = createNotificationDelivery({ db: t.database.db, config: t.config, log: silent });
    await person("ivy", ["it"]);
    await person("ian", ["it"]);
    await person("sue", ["security", "admin"]);
    await person("olga", []);
    // the org webhook, set by an admin through the API
    webhookUrl = `${hook.base}/services/T000/B000/${randomBytes(12).toString("hex")}`;
    const set = await t.app.inject({ method: "PUT", url: "/api/v1/notification-settings", headers: as("sue"), payload: { webhookUrl } });
    expect(set.statusCode, set.body).toBe(200);
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await smtp?.close();
    await hook?.close();
  });
  beforeEach(() => {
    smtp.mails.length = 0;
    hook.posts.length = 0;
    hook.tried.length = 0;
  });

  it("emails each active holder of a role, from BRIDLE_MAIL_FROM, with the subject, body and console link, and never the secret", async () => {
    await person("gone", ["it"]);
    await t.database.db.transaction((tx) => deactivatePerson(tx, ids.gone!, { actor: SYSTEM_ACTOR, requestId: null, reason: "left" }));
    const res = await notify(
      t.database.db,
      {
        recipients: { roles: ["it"] },
        kind: "rotation_due",
        title: "Rotate the GitHub credential of acme-a-bot",
        body: `It is 3 days overdue. The runtime logged token ${GITHUB_TOKEN}.`,
        link: "/bots/00000000-0000-4000-8000-000000000001",
      },
      SYSTEM_ACTOR,
    );
    expect(await worker.runOnce()).toEqual({ sent: 2, retrying: 0, failed: 0, skipped: 0 });

    expect(smtp.mails.map((m) => m.envelopeTo[0]).sort()).toEqual(["ian@deliver.example", "ivy@deliver.example"]);
    for (const m of smtp.mails) {
      expect(m.user).toBe(SMTP_USER); // it signed in with the URL's credentials
      expect(m.parsed.from?.value).toEqual([{ address: "bridle@acme.example", name: "Bridle" }]);
      expect(m.parsed.subject).toBe("[Bridle] Rotate the GitHub credential of acme-a-bot");
      expect(m.parsed.text).toContain("It is 3 days overdue. The runtime logged token [redacted].");
      expect(m.parsed.text).toContain(REDACTION_NOTE);
      expect(m.parsed.text).toContain(`Open in Bridle: ${PUBLIC_URL}/bots/00000000-0000-4000-8000-000000000001`);
      expect(m.raw).not.toContain(GITHUB_TOKEN);
      expect(m.raw).not.toContain(SMTP_PASS);
    }
    const rows = await deliveriesOf(res.noticeId);
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ["email", "sent", 1],
      ["email", "sent", 1],
    ]);
    // nobody turned the webhook on for this kind: nothing posted
    expect(hook.tried).toEqual([]);
  });

  it("sends no email to someone who turned email off for the kind (the console still shows it)", async () => {
    const put = await t.app.inject({
      method: "PUT",
      url: "/api/v1/notification-preferences",
      headers: as("ian"),
      payload: { kinds: [{ kind: "orphan_pause_warning", email: false, webhook: false }] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const res = await notify(t.database.db, { recipients: { roles: ["it"] }, kind: "orphan_pause_warning", title: "acme-b-bot pauses tomorrow", body: "No owner for 6 days." }, SYSTEM_ACTOR);
    expect(res.recipientIds.sort()).toEqual([ids.ian, ids.ivy].sort());
    await worker.runOnce();
    expect(smtp.mails.map((m) => m.envelopeTo[0])).toEqual(["ivy@deliver.example"]);
    const ianList = await t.app.inject({ method: "GET", url: "/api/v1/notifications", headers: as("ian") });
    expect(ianList.json().items.map((n: { title: string }) => n.title)).toContain("acme-b-bot pauses tomorrow");
  });

  it("posts one Slack-compatible message per notice to the org webhook when a recipient keeps the webhook on", async () => {
    for (const who of ["ivy", "ian"]) {
      const put = await t.app.inject({
        method: "PUT",
        url: "/api/v1/notification-preferences",
        headers: as(who),
        payload: { kinds: [{ kind: "leak_playbook_started", email: false, webhook: true }] },
      });
      expect(put.statusCode, put.body).toBe(200);
    }
    const res = await notify(
      t.database.db,
      { recipients: { roles: ["it"] }, kind: "leak_playbook_started", title: "Suspected leak: <acme-c-bot> & GitHub", body: "Security started the playbook.", link: "/bots/x" },
      SYSTEM_ACTOR,
    );
    expect(await worker.runOnce()).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 });
    expect(smtp.mails).toEqual([]);
    expect(hook.posts).toHaveLength(1);
    const post = hook.posts[0]!;
    expect(post.path).toBe(new URL(webhookUrl).pathname);
    expect(post.contentType).toBe("application/json");
    expect(post.body).toEqual({
      text: "Suspected leak: <acme-c-bot> & GitHub\nSecurity started the playbook.",
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: "*Suspected leak: &lt;acme-c-bot&gt; &amp; GitHub*\nSecurity started the playbook." } },
        { type: "context", elements: [{ type: "mrkdwn", text: "Suspected credential leak · for IAN, IVY · Bridle" }] },
        { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Bridle" }, url: `${PUBLIC_URL}/bots/x` }] },
      ],
    });
    expect((await deliveriesOf(res.noticeId)).map((r) => [r.channel, r.status])).toEqual([["webhook", "sent"]]);
  });

  it("retries a webhook that fails first, after the backoff, and records the error without the URL", async () => {
    hook.answerWith(500);
    const res = await notify(t.database.db, { recipients: { personIds: [ids.ivy!] }, kind: "leak_playbook_started", title: "Retry me", body: "" }, SYSTEM_ACTOR);
    const now = new Date();
    expect(await worker.runOnce(now)).toEqual({ sent: 0, retrying: 1, failed: 0, skipped: 0 });
    let [row] = await deliveriesOf(res.noticeId);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: "the webhook answered HTTP 500" });
    expect(row!.nextAttemptAt.getTime()).toBe(now.getTime() + backoffMs(1));
    // not due yet: nothing is tried
    expect(await worker.runOnce(new Date(now.getTime() + backoffMs(1) - 1000))).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 0 });
    expect(hook.tried).toHaveLength(1);
    // due: delivered on the second attempt
    expect(await worker.runOnce(new Date(now.getTime() + backoffMs(1) + 1000))).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 });
    [row] = await deliveriesOf(res.noticeId);
    expect(row).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    expect(hook.posts.map((p) => (p.body as { text: string }).text)).toEqual(["Retry me"]);
  });

  it("gives up after the last attempt, shows the failure to admins without a secret, and an admin's retry delivers it", async () => {
    hook.answerWith(...Array<number>(MAX_ATTEMPTS).fill(503));
    const res = await notify(t.database.db, { recipients: { personIds: [ids.ivy!] }, kind: "leak_playbook_started", title: "Give up", body: "" }, SYSTEM_ACTOR);
    let at = Date.now();
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      await worker.runOnce(new Date(at));
      at += backoffMs(i) + 1000;
    }
    const [row] = await deliveriesOf(res.noticeId);
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, lastError: "the webhook answered HTTP 503" });
    expect(hook.tried).toHaveLength(MAX_ATTEMPTS);

    const failed = await t.app.inject({ method: "GET", url: "/api/v1/notification-deliveries?status=failed", headers: as("sue") });
    expect(failed.statusCode).toBe(200);
    expect(failed.json().items).toEqual([
      expect.objectContaining({ id: row!.id, channel: "webhook", status: "failed", attempts: MAX_ATTEMPTS, lastError: "the webhook answered HTTP 503", title: "Give up", recipient: null }),
    ]);
    expect(failed.body).not.toContain(new URL(webhookUrl).pathname);
    // IT cannot read or retry deliveries
    expect((await t.app.inject({ method: "GET", url: "/api/v1/notification-deliveries", headers: as("ivy") })).statusCode).toBe(403);

    const retry = await t.app.inject({ method: "POST", url: `/api/v1/notification-deliveries/${row!.id}/retry`, headers: as("sue") });
    expect(retry.statusCode, retry.body).toBe(204);
    expect((await t.app.inject({ method: "POST", url: `/api/v1/notification-deliveries/${row!.id}/retry`, headers: as("sue") })).statusCode).toBe(409);
    expect(await worker.runOnce()).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 });
    const [after] = await deliveriesOf(res.noticeId);
    expect(after).toMatchObject({ status: "sent", attempts: 1 });
    const audit = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "notification.delivery_retry"));
    expect(audit.map((e) => [e.resourceId, e.details])).toEqual([[row!.id, { channel: "webhook", previousStatus: "failed", attempts: MAX_ATTEMPTS }]]);
  });

  it("retries an email the SMTP server refuses for now (451); gives up at once when it refuses for good (550)", async () => {
    smtp.refuseNext(451);
    const later = await notify(t.database.db, { recipients: { personIds: [ids.olga!] }, kind: "access_review_reminder", title: "Review due", body: "acme-d-bot" }, SYSTEM_ACTOR);
    const now = new Date();
    expect(await worker.runOnce(now)).toEqual({ sent: 0, retrying: 1, failed: 0, skipped: 0 });
    const [pending] = await deliveriesOf(later.noticeId);
    expect(pending!.lastError).toMatch(/^SMTP 451 .*Try again later/);
    expect(pending!.lastError).not.toContain(SMTP_PASS);
    expect(await worker.runOnce(new Date(now.getTime() + backoffMs(1) + 1000))).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 });
    expect(smtp.mails.map((m) => m.parsed.subject)).toEqual(["[Bridle] Review due"]);

    smtp.refuseNext(550);
    const never = await notify(t.database.db, { recipients: { personIds: [ids.olga!] }, kind: "access_review_reminder", title: "Refused", body: "" }, SYSTEM_ACTOR);
    expect(await worker.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 1, skipped: 0 });
    const [failed] = await deliveriesOf(never.noticeId);
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed!.lastError).toMatch(/^SMTP 550 .*Mailbox unavailable/);
  });

  it("skips an email queued for someone deactivated before it was sent", async () => {
    await person("leaver", []);
    const res = await notify(t.database.db, { recipients: { personIds: [ids.leaver!] }, kind: "access_review_assigned", title: "Review acme-e-bot", body: "" }, SYSTEM_ACTOR);
    await t.database.db.transaction((tx) => deactivatePerson(tx, ids.leaver!, { actor: SYSTEM_ACTOR, requestId: null, reason: "left" }));
    expect(await worker.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 1 });
    expect((await deliveriesOf(res.noticeId))[0]).toMatchObject({ status: "skipped", lastError: "the recipient is no longer active" });
    expect(smtp.mails).toEqual([]);
  });

  it("with email off on a server (no BRIDLE_SMTP_URL), skips emails and says why", async () => {
    const noMail = createNotificationDelivery({ db: t.database.db, config: { BRIDLE_ENCRYPTION_KEY: t.config.BRIDLE_ENCRYPTION_KEY }, log: silent });
    const res = await notify(t.database.db, { recipients: { personIds: [ids.olga!] }, kind: "test", title: "No mail", body: "" }, SYSTEM_ACTOR);
    expect(await noMail.runOnce()).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 1 });
    expect((await deliveriesOf(res.noticeId))[0]).toMatchObject({ status: "skipped", lastError: "email is off on this server (BRIDLE_SMTP_URL is not set)" });
    await noMail.stop();
  });

  it("two workers at once (two replicas) deliver each message once", async () => {
    const other = createNotificationDelivery({ db: t.database.db, config: t.config, log: silent });
    const sent = await Promise.all(
      Array.from({ length: 6 }, (_, i) => notify(t.database.db, { recipients: { personIds: [ids.olga!] }, kind: "test", title: `Once ${i}`, body: "" }, SYSTEM_ACTOR)),
    );
    const [a, b] = await Promise.all([worker.runOnce(), other.runOnce()]);
    expect(a.sent + b.sent).toBe(6);
    expect(smtp.mails.map((m) => m.parsed.subject).sort()).toEqual(sent.map((_, i) => `[Bridle] Once ${i}`).sort());
    const rows = await t.database.db.select().from(notificationDeliveries).where(inArray(notificationDeliveries.noticeId, sent.map((s) => s.noticeId)));
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    await other.stop();
  });
});
