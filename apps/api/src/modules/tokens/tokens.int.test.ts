import { apiTokens, auditEvents } from "@bridle/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

describe("personal API tokens", () => {
  let t: TestApp;
  let itToken: string; // sam.taylor has the IT role
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    itToken = await tokenFor(t.database, "sam.taylor@acme.example");
  });
  afterAll(() => t.close());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it("creates a token shown once, stored hashed, that works within its scopes only", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/tokens",
      headers: as(itToken),
      payload: { name: "inventory export job", scopes: ["bots.read_all", "inventory.export"], expiresInDays: 30 },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as { id: string; token: string; scopes: string[]; expiresAt: string };
    expect(created.token).toMatch(/^brdl_pat_/);
    expect(new Date(created.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const [row] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row!.tokenHash).not.toBe(created.token);
    expect(JSON.stringify(row)).not.toContain(created.token);

    const list = await t.app.inject({ method: "GET", url: "/api/v1/tokens", headers: as(itToken) });
    expect(list.json().items.map((x: { name: string }) => x.name)).toContain("inventory export job");
    expect(list.body).not.toContain(created.token);

    // within scope: export works
    expect((await t.app.inject({ method: "GET", url: "/api/v1/inventory/export?format=csv", headers: as(created.token) })).statusCode).toBe(200);
    // outside scope: IT may import, but this token may not
    const imp = await t.app.inject({
      method: "POST",
      url: "/api/v1/inventory/import?dryRun=true",
      headers: { ...as(created.token), "content-type": "text/csv" },
      payload: "name\nx",
    });
    expect(imp.statusCode).toBe(403);
    const me = await t.app.inject({ method: "GET", url: "/api/v1/me", headers: as(created.token) });
    expect(me.json().permissions.sort()).toEqual(["bots.read_all", "inventory.export"]);
  });

  it("refuses scopes the person does not hold", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/tokens",
      headers: as(itToken),
      payload: { name: "too much", scopes: ["policy.update"], expiresInDays: 7 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/policy.update/);
  });

  it("revokes a token at once, and another person cannot revoke it", async () => {
    const created = (
      await t.app.inject({ method: "POST", url: "/api/v1/tokens", headers: as(itToken), payload: { name: "short", scopes: ["bots.own"], expiresInDays: 1 } })
    ).json() as { id: string; token: string };
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: as(created.token) })).statusCode).toBe(200);
    const other = await tokenFor(t.database, "daniel.kim@acme.example");
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${created.id}`, headers: as(other) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/tokens/${created.id}`, headers: as(itToken) })).statusCode).toBe(204);
    const after = await t.app.inject({ method: "GET", url: "/api/v1/me", headers: as(created.token) });
    expect(after.statusCode).toBe(401);
    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.resourceId, created.id));
    expect(events.map((e) => e.action).sort()).toEqual(["api_token.create", "api_token.revoke"]);
  });

  it("refuses an expired token", async () => {
    const created = (
      await t.app.inject({ method: "POST", url: "/api/v1/tokens", headers: as(itToken), payload: { name: "old", scopes: ["bots.own"], expiresInDays: 1 } })
    ).json() as { id: string; token: string };
    await t.database.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, created.id));
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: as(created.token) })).statusCode).toBe(401);
  });
});
