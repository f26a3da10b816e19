import { createHash } from "node:crypto";
import { auditEvents, botTokens } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botIdOf, decide, eventually } from "../../../test/bot-runtime.ts";
import { createTestApp, login, tokenFor, type TestApp } from "../../../test/harness.ts";
import { hashToken, newToken } from "../../lib/crypto.ts";
import { emit } from "../../lib/domain-events.ts";

type Token = { id: string; botId: string; name: string; prefix: string | null; createdAt: string; expiresAt: string | null; lastUsedAt: string | null; revokedAt: string | null };

describe("bot runtime tokens", () => {
  let t: TestApp;
  let triageId: string; // acme-triage-bot, owned by lucas.meyer
  let owner: string;
  let stranger: string; // sofia.rossi: no role, owns other bots
  let it_: string; // sam.taylor: IT
  let auditor: string; // ines.moreau: reads everything, changes nothing
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const body = { action: "issue.comment", target: { system: "github" }, requestId: "r-1" };

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    triageId = await botIdOf(t, "acme-triage-bot");
    owner = await tokenFor(t.database, "lucas.meyer@acme.example");
    stranger = await tokenFor(t.database, "sofia.rossi@acme.example");
    it_ = await tokenFor(t.database, "sam.taylor@acme.example");
    auditor = await tokenFor(t.database, "ines.moreau@acme.example");
  });
  afterAll(() => t.close());

  const create = (who: string, botId = triageId, payload: object = { name: "prod gateway", expiresInDays: 90 }) =>
    t.app.inject({ method: "POST", url: `/api/v1/bots/${botId}/tokens`, headers: as(who), payload });

  it("the owner creates a token: shown once, stored hashed, named, expiring", async () => {
    const res = await create(owner);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as Token & { token: string };
    expect(created.token).toMatch(/^brdl_bot_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ botId: triageId, name: "prod gateway", prefix: created.token.slice(0, 13), lastUsedAt: null, revokedAt: null });
    const days = (new Date(created.expiresAt!).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);

    const [row] = await t.database.db.select().from(botTokens).where(eq(botTokens.id, created.id));
    expect(row!.tokenHash).toBe(createHash("sha256").update(created.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(13));

    const list = await t.app.inject({ method: "GET", url: `/api/v1/bots/${triageId}/tokens`, headers: as(owner) });
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: Token[] }).items;
    expect(items.map((i) => i.id)).toContain(created.id);
    expect(list.body).not.toContain(created.token);
    expect(items[0]).not.toHaveProperty("token");

    const audit = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "bot_token.create"), eq(auditEvents.resourceId, created.id)));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain(created.token);
  });

  it("the token works on POST /decisions at once and records its last use", async () => {
    const { token, id } = (await create(owner)).json() as Token & { token: string };
    const res = await decide(t, token, body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ decision: "allow", botId: triageId });
    const [row] = await t.database.db.select().from(botTokens).where(eq(botTokens.id, id));
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it("revoking takes effect at once: the next decision request gets 401", async () => {
    const { token, id } = (await create(owner)).json() as Token & { token: string };
    expect((await decide(t, token, body)).statusCode).toBe(200);
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/bots/${triageId}/tokens/${id}`, headers: as(owner) });
    expect(del.statusCode).toBe(204);
    expect((await decide(t, token, body)).statusCode).toBe(401);
    const list = (await t.app.inject({ method: "GET", url: `/api/v1/bots/${triageId}/tokens`, headers: as(owner) })).json() as { items: Token[] };
    expect(list.items.find((i) => i.id === id)?.revokedAt).not.toBeNull();
    const again = await t.app.inject({ method: "DELETE", url: `/api/v1/bots/${triageId}/tokens/${id}`, headers: as(owner) });
    expect(again.statusCode).toBe(404);
    const audit = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "bot_token.revoke"), eq(auditEvents.resourceId, id)));
    expect(audit).toHaveLength(1);
  });

  it("an expired token gets 401", async () => {
    // already expired when first seen (looked up in the database, not live)
    const stale = newToken("brdl_bot");
    await t.database.db.insert(botTokens).values({ botId: triageId, name: "old", tokenHash: hashToken(stale), expiresAt: new Date(Date.now() - 60_000) });
    expect((await decide(t, stale, body)).statusCode).toBe(401);
    // expiring while cached in the snapshot
    const { token, id } = (await create(owner)).json() as Token & { token: string };
    expect((await decide(t, token, body)).statusCode).toBe(200);
    await t.database.db.transaction(async (tx) => {
      await tx.update(botTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(botTokens.id, id));
      await emit(tx, { type: "bot_token.revoked", botId: triageId, tokenId: id });
    });
    const res = await eventually(() => decide(t, token, body), (r) => r.statusCode === 401);
    expect(res.statusCode).toBe(401);
  });

  it("IT and admins manage any bot's tokens; others are refused with 403 and audited", async () => {
    expect((await create(it_)).statusCode).toBe(201);
    expect((await t.api({ method: "POST", url: `/api/v1/bots/${triageId}/tokens`, payload: { name: "admin", expiresInDays: 1 } })).statusCode).toBe(201);

    for (const who of [stranger, auditor]) {
      const res = await create(who);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: "forbidden" } });
      expect((await t.app.inject({ method: "GET", url: `/api/v1/bots/${triageId}/tokens`, headers: as(who) })).statusCode).toBe(403);
    }
    const { id } = (await create(owner)).json() as Token;
    const del = await t.app.inject({ method: "DELETE", url: `/api/v1/bots/${triageId}/tokens/${id}`, headers: as(stranger) });
    expect(del.statusCode).toBe(403);
    const denied = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.resourceType, "bot"), eq(auditEvents.resourceId, triageId), eq(auditEvents.outcome, "denied")));
    expect(denied.map((e) => e.action).sort()).toEqual(["access.denied", "access.denied", "bot_token.create", "bot_token.create", "bot_token.revoke"]);
  });

  it("a session needs the CSRF token to create one", async () => {
    const { cookie, csrfToken } = await login(t.app);
    const url = `/api/v1/bots/${triageId}/tokens`;
    const payload = { name: "console", expiresInDays: 7 };
    expect((await t.app.inject({ method: "POST", url, headers: { cookie }, payload })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "POST", url, headers: { cookie, "x-csrf-token": csrfToken }, payload })).statusCode).toBe(201);
  });

  it("validates: unknown bot 404, offboarded bot 409, bad body 400, no credentials 401", async () => {
    expect((await create(owner, "00000000-0000-4000-8000-000000000000")).statusCode).toBe(404);
    const offboarded = await botIdOf(t, "acme-hackweek-bot");
    expect((await t.api({ method: "POST", url: `/api/v1/bots/${offboarded}/tokens`, payload: { name: "x", expiresInDays: 1 } })).statusCode).toBe(409);
    expect((await create(owner, triageId, { name: "", expiresInDays: 1 })).statusCode).toBe(400);
    expect((await create(owner, triageId, { name: "forever" })).statusCode).toBe(400);
    expect((await create(owner, triageId, { name: "x", expiresInDays: 400 })).statusCode).toBe(400);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/bots/${triageId}/tokens` })).statusCode).toBe(401);
  });

  it("a bot token cannot manage tokens (the human API does not accept it)", async () => {
    const { token } = (await create(owner)).json() as { token: string };
    const res = await t.app.inject({ method: "POST", url: `/api/v1/bots/${triageId}/tokens`, headers: as(token), payload: { name: "self", expiresInDays: 1 } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/Bot runtime tokens may only call/);
  });
});
