import { randomBytes } from "node:crypto";
import { auditEvents, notificationSettings, people } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, login, tokenFor, type TestApp } from "../../../test/harness.ts";
import { SYSTEM_ACTOR } from "../audit/index.ts";
import { notify } from "./index.ts";

type Item = { id: string; title: string; readAt: string | null; kind: string; from: { type: string; label: string | null } };

describe("the in-console list, channels and org settings (API)", () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const person = async (key: string, roles: string[]) => {
    const email = `${key}@list.example`;
    const [p] = await t.database.db.insert(people).values({ email, displayName: key, roles }).returning({ id: people.id });
    ids[key] = p!.id;
    tokens[key] = await tokenFor(t.database, email);
  };
  const as = (key: string) => ({ authorization: `Bearer ${tokens[key]}` });
  const get = (key: string, url: string) => t.app.inject({ method: "GET", url, headers: as(key) });
  const tell = (key: string, title: string) => notify(t.database.db, { recipients: { personIds: [ids[key]!] }, kind: "rotation_due", title, body: "b" }, SYSTEM_ACTOR);
  const auditOf = (action: string) => t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action as never));

  beforeAll(async () => {
    t = await createTestApp({ seed: "none", env: { BRIDLE_ENCRYPTION_KEY: randomBytes(32).toString("base64") } });
    await person("mia", []);
    await person("noah", ["it"]);
    await person("ada", ["admin"]);
    for (let i = 1; i <= 5; i++) await tell("mia", `Mia ${i}`);
    await tell("noah", "Noah 1");
  });
  afterAll(() => t.close());

  it("lists my notifications only, newest first, page by page, with my unread count", async () => {
    const first = await get("mia", "/api/v1/notifications?limit=2");
    expect(first.statusCode).toBe(200);
    const p1 = first.json() as { items: Item[]; nextCursor: string | null; unread: number };
    expect(p1.unread).toBe(5);
    expect(p1.items.map((i) => i.title)).toEqual(["Mia 5", "Mia 4"]);
    expect(p1.items[0]).toMatchObject({ kind: "rotation_due", readAt: null, from: { type: "system", label: "bridle" } });
    const p2 = (await get("mia", `/api/v1/notifications?limit=2&cursor=${p1.nextCursor}`)).json() as typeof p1;
    const p3 = (await get("mia", `/api/v1/notifications?limit=2&cursor=${p2.nextCursor}`)).json() as typeof p1;
    expect([...p2.items, ...p3.items].map((i) => i.title)).toEqual(["Mia 3", "Mia 2", "Mia 1"]);
    expect(p3.nextCursor).toBeNull();
    expect((await get("noah", "/api/v1/notifications")).json().items.map((i: Item) => i.title)).toEqual(["Noah 1"]);
    expect((await get("mia", "/api/v1/notifications?cursor=garbage")).statusCode).toBe(400);
    const forged = Buffer.from(JSON.stringify({ k: "2026-99-99T99:99:99.000000Z", id: "------------------------------------" })).toString("base64url");
    expect((await get("mia", `/api/v1/notifications?cursor=${forged}`)).statusCode).toBe(400);
  });

  it("marks one read (idempotent) and all read; the badge count follows", async () => {
    const list = (await get("mia", "/api/v1/notifications")).json() as { items: Item[] };
    const target = list.items.find((i) => i.title === "Mia 2")!;
    const res = await t.app.inject({ method: "POST", url: `/api/v1/notifications/${target.id}/read`, headers: as("mia") });
    expect(res.statusCode).toBe(204);
    const readAt = (await get("mia", "/api/v1/notifications")).json().items.find((i: Item) => i.id === target.id).readAt;
    expect(readAt).not.toBeNull();
    expect((await t.app.inject({ method: "POST", url: `/api/v1/notifications/${target.id}/read`, headers: as("mia") })).statusCode).toBe(204);
    expect((await get("mia", "/api/v1/notifications")).json().items.find((i: Item) => i.id === target.id).readAt).toBe(readAt);
    expect((await get("mia", "/api/v1/notifications/unread-count")).json()).toEqual({ unread: 4 });
    const unreadOnly = (await get("mia", "/api/v1/notifications?unread=true")).json() as { items: Item[] };
    expect(unreadOnly.items.map((i) => i.title)).toEqual(["Mia 5", "Mia 4", "Mia 3", "Mia 1"]);

    const all = await t.app.inject({ method: "POST", url: "/api/v1/notifications/read-all", headers: as("mia") });
    expect(all.json()).toEqual({ marked: 4 });
    expect((await get("mia", "/api/v1/notifications/unread-count")).json()).toEqual({ unread: 0 });
    // noah's stays unread
    expect((await get("noah", "/api/v1/notifications/unread-count")).json()).toEqual({ unread: 1 });
  });

  it("another person can neither read nor mark my notification: 404, and it stays unread", async () => {
    const { notificationIds } = await tell("noah", "Private to Noah");
    const id = notificationIds[0]!;
    for (const who of ["mia", "ada"]) {
      const res = await t.app.inject({ method: "POST", url: `/api/v1/notifications/${id}/read`, headers: as(who) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
      expect(JSON.stringify((await get(who, "/api/v1/notifications")).json())).not.toContain("Private to Noah");
    }
    await t.app.inject({ method: "POST", url: "/api/v1/notifications/read-all", headers: as("mia") });
    const mine = (await get("noah", "/api/v1/notifications")).json() as { items: Item[] };
    expect(mine.items.find((i) => i.id === id)!.readAt).toBeNull();
  });

  it("a console session marks read only with its CSRF token", async () => {
    const { notificationIds } = await notify(t.database.db, { recipients: { roles: ["admin"] }, kind: "test", title: "For admins", body: "" }, SYSTEM_ACTOR);
    expect(notificationIds.length).toBeGreaterThan(0);
    const session = await login(t.app); // the bootstrap admin
    const mine = (await t.app.inject({ method: "GET", url: "/api/v1/notifications", headers: { cookie: session.cookie } })).json() as { items: Item[] };
    const item = mine.items.find((i) => i.title === "For admins")!;
    expect((await t.app.inject({ method: "POST", url: `/api/v1/notifications/${item.id}/read`, headers: { cookie: session.cookie } })).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: "POST", url: `/api/v1/notifications/${item.id}/read`, headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken } })).statusCode,
    ).toBe(204);
  });

  it("shows my channels with defaults (in-console always, email on, webhook off but for alerts), saves a change and audits exactly it", async () => {
    const before = (await get("mia", "/api/v1/notification-preferences")).json();
    expect(before.channels.email).toEqual({
      available: false,
      reason: "Email is off on this server: an operator sets BRIDLE_SMTP_URL and BRIDLE_MAIL_FROM to turn it on.",
      address: "mia@list.example",
    });
    expect(before.channels.webhook.available).toBe(false);
    expect(before.kinds).toHaveLength(12);
    expect(before.kinds.find((k: { kind: string }) => k.kind === "rotation_due")).toEqual({ kind: "rotation_due", email: true, webhook: false });
    expect(before.kinds.find((k: { kind: string }) => k.kind === "alert")).toEqual({ kind: "alert", email: true, webhook: true });

    const put = await t.app.inject({
      method: "PUT",
      url: "/api/v1/notification-preferences",
      headers: as("mia"),
      payload: { kinds: [{ kind: "rotation_due", email: false, webhook: true }, { kind: "test", email: true, webhook: false }] },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().kinds.find((k: { kind: string }) => k.kind === "rotation_due")).toEqual({ kind: "rotation_due", email: false, webhook: true });
    const events = await auditOf("notification.preferences_update");
    expect(events.map((e) => [e.actorId, e.resourceId, e.details])).toEqual([
      [ids.mia, ids.mia, { changes: { "rotation_due.email": { before: true, after: false }, "rotation_due.webhook": { before: false, after: true } } }],
    ]);
    // saving the same again changes nothing and records nothing
    await t.app.inject({ method: "PUT", url: "/api/v1/notification-preferences", headers: as("mia"), payload: { kinds: [{ kind: "rotation_due", email: false, webhook: true }] } });
    expect(await auditOf("notification.preferences_update")).toHaveLength(1);
    // noah's are his own
    expect((await get("noah", "/api/v1/notification-preferences")).json().kinds.find((k: { kind: string }) => k.kind === "rotation_due")).toEqual({
      kind: "rotation_due",
      email: true,
      webhook: false,
    });

    const bad = await t.app.inject({
      method: "PUT",
      url: "/api/v1/notification-preferences",
      headers: as("mia"),
      payload: { kinds: [{ kind: "test", email: true, webhook: true }, { kind: "test", email: false, webhook: false }] },
    });
    expect(bad.statusCode).toBe(400);
    const unknown = await t.app.inject({ method: "PUT", url: "/api/v1/notification-preferences", headers: as("mia"), payload: { kinds: [{ kind: "nope", email: true, webhook: true }] } });
    expect(unknown.statusCode).toBe(400);
  });

  it("sends me a test notification", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/notifications/test", headers: as("noah") });
    expect(res.statusCode).toBe(201);
    const list = (await get("noah", "/api/v1/notifications")).json() as { items: Item[] };
    expect(list.items[0]).toMatchObject({ id: res.json().notificationId, kind: "test", title: "Test notification", from: { type: "token", label: "noah@list.example" } });
    // a test may post to the org's chat: three in ten minutes, then 429
    expect((await t.app.inject({ method: "POST", url: "/api/v1/notifications/test", headers: as("noah") })).statusCode).toBe(201);
    expect((await t.app.inject({ method: "POST", url: "/api/v1/notifications/test", headers: as("noah") })).statusCode).toBe(201);
    const limited = await t.app.inject({ method: "POST", url: "/api/v1/notifications/test", headers: as("noah") });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("rate_limited");
    expect((await t.app.inject({ method: "POST", url: "/api/v1/notifications/test", headers: as("mia") })).statusCode).toBe(201);
  });

  it("sets the org webhook: https only (http for localhost), stored encrypted, never shown or audited in full; admins only", async () => {
    const put = (who: string, webhookUrl: string | null) => t.app.inject({ method: "PUT", url: "/api/v1/notification-settings", headers: as(who), payload: { webhookUrl } });
    for (const [url, why] of [
      ["http://hooks.example.com/services/x", "must start with https:// (http:// only for localhost)"],
      ["ftp://hooks.example.com/x", "must start with https:// (http:// only for localhost)"],
      ["https://user:pw@hooks.example.com/x", "must not hold a user name or password"],
      ["not a url", "is not a URL"],
    ] as const) {
      const res = await put("ada", url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.fields[0]).toMatchObject({ path: ["webhookUrl"], code: "invalid_format" });
      expect(res.json().error.message).toContain(why);
    }
    const denied = await put("noah", "https://hooks.example.com/services/T1/B1/abcdefgh1234");
    expect(denied.statusCode).toBe(403);
    const deniedEvents = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "notification.webhook_set"), eq(auditEvents.outcome, "denied")));
    expect(deniedEvents.map((e) => e.actorId)).toEqual([ids.noah]);

    const secretPath = "/services/T1/B1/abcdefgh1234wxyz";
    const set = await put("ada", `https://hooks.example.com${secretPath}`);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().webhook).toMatchObject({ configured: true, hint: "https://hooks.example.com/…wxyz", updatedBy: "ada@list.example" });
    expect(set.body).not.toContain(secretPath);
    const [row] = await t.database.db.select().from(notificationSettings);
    expect(row!.webhookUrlEnc).toMatch(/^v1\./);
    expect(row!.webhookUrlEnc).not.toContain("abcdefgh");
    expect((await put("ada", "http://localhost:9000/hook")).statusCode).toBe(200);
    expect((await put("ada", null)).statusCode).toBe(200);
    const events = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.resourceType, "notification_settings"), eq(auditEvents.outcome, "success")));
    expect(events.map((e) => [e.action, e.details])).toEqual([
      ["notification.webhook_set", { hint: "https://hooks.example.com/…wxyz", previousHint: null }],
      ["notification.webhook_set", { hint: "http://localhost:9000/…", previousHint: "https://hooks.example.com/…wxyz" }],
      ["notification.webhook_remove", { previousHint: "http://localhost:9000/…" }],
    ]);
    expect(JSON.stringify(events)).not.toContain("abcdefgh");
    const settings = (await get("ada", "/api/v1/notification-settings")).json();
    expect(settings).toMatchObject({ email: { configured: false, server: null, from: null }, webhook: { configured: false, hint: null }, encryptionKeyConfigured: true });
    expect((await get("noah", "/api/v1/notification-settings")).statusCode).toBe(403);
  });

  it("refuses to store a webhook URL without BRIDLE_ENCRYPTION_KEY", async () => {
    const plain = await createTestApp({ seed: "none" });
    try {
      const res = await plain.api({ method: "PUT", url: "/api/v1/notification-settings", payload: { webhookUrl: "https://hooks.example.com/services/x" } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toContain("BRIDLE_ENCRYPTION_KEY");
      expect(await plain.database.db.select().from(notificationSettings)).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
