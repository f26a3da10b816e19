import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditEvents } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, login, type TestApp } from "../../../test/harness.ts";

describe("local sign-in, sessions and CSRF", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  it("refuses a wrong password with 401 and audits the attempt", async () => {
    const res = await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: ADMIN_EMAIL, password: "wrong-password" } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toBe("Email or password is incorrect");
    expect(res.cookies).toHaveLength(0);
    const unknown = await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: "nobody@acme.example", password: "x" } });
    expect(unknown.json().error.message).toBe("Email or password is incorrect");
    const denied = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.login"), eq(auditEvents.outcome, "denied")));
    expect(denied.length).toBe(2);
  });

  it("signs in with an HttpOnly SameSite cookie that reaches the API", async () => {
    const res = await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === "bridle_session")!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Lax");
    const me = await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: `bridle_session=${cookie.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: ADMIN_EMAIL, roles: ["admin"], authMethod: "session" });
    // the session is stored hashed: the cookie value is nowhere in the database
    const rows = await t.database.pool!.query("select token_hash from sessions");
    expect(rows.rows.some((r: { token_hash: string }) => r.token_hash === cookie.value)).toBe(false);
  });

  it("refuses a cookie-authenticated write without the CSRF token, and accepts it with one", async () => {
    const { cookie, csrfToken } = await login(t.app);
    const payload = { reviewIntervalDays: 60 };
    const without = await t.app.inject({ method: "PATCH", url: "/api/v1/policy", headers: { cookie }, payload });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe("csrf_failed");
    const wrong = await t.app.inject({ method: "PATCH", url: "/api/v1/policy", headers: { cookie, "x-csrf-token": "nope" }, payload });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.app.inject({ method: "PATCH", url: "/api/v1/policy", headers: { cookie, "x-csrf-token": csrfToken }, payload });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().policy.reviewIntervalDays).toBe(60);
  });

  it("ends the session on logout", async () => {
    const { cookie, csrfToken } = await login(t.app);
    const out = await t.app.inject({ method: "POST", url: "/auth/logout", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(out.statusCode).toBe(204);
    const me = await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } });
    expect(me.statusCode).toBe(401);
  });

  it("slows down password guessing: after 20 attempts for one email, 429 until the window passes", async () => {
    const tries = [];
    for (let i = 0; i < 21; i++)
      tries.push(await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: "guess@acme.example", password: `guess-${i}` } }));
    expect(tries.slice(0, 20).map((r) => r.statusCode)).toEqual(Array(20).fill(401));
    const limited = tries[20]!;
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/Too many sign-in attempts/) });
    expect(limited.headers["retry-after"]).toBeDefined();
    // the right password waits too, once the limit is reached
    const right = await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: "guess@acme.example", password: "guess-0" } });
    expect(right.statusCode).toBe(429);
    // another account is not affected
    const other = await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(other.statusCode).toBe(200);
  });

  it("counts only failed sign-ins: an admin who signs in 25 times in a row is never limited", async () => {
    const codes = [];
    for (let i = 0; i < 25; i++)
      codes.push((await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).statusCode);
    expect(codes).toEqual(Array(25).fill(200));
  });

  it("rejects an invalid login body with 400 in the error envelope", async () => {
    const res = await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: "not-an-email" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "validation_failed", requestId: expect.any(String) });
  });
});

describe("operations endpoints", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
  });
  afterAll(() => t.close());

  it("answers health, readiness and the OpenAPI document", async () => {
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await t.app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({ status: "ready", database: "postgres" });
    const docRes = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(docRes.statusCode).toBe(200);
    const doc = docRes.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths["/api/v1/bots"].get.operationId).toBe("listBots");
    expect(doc.paths["/api/v1/inventory/import"].post.operationId).toBe("importInventory");
    expect((await t.app.inject({ method: "GET", url: "/docs" })).statusCode).toBeLessThan(400);
  });

  it("echoes a request id and uses it in errors; unknown routes get the envelope", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/bots", headers: { "x-request-id": "req-123" } });
    expect(res.headers["x-request-id"]).toBe("req-123");
    expect(res.statusCode).toBe(401);
    expect(res.json().error.requestId).toBe("req-123");
    const missing = await t.api({ method: "GET", url: "/api/v1/nope" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("not_found");
  });

  it("serves the console's pages from its build, and answers JSON errors even mid-rebuild", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bridle-console-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>Bridle</title>");
    const c = await createTestApp({ seed: "none", env: { BRIDLE_CONSOLE_DIR: dir } });
    try {
      const page = await c.app.inject({ method: "GET", url: "/people/123" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toMatch(/text\/html/);
      const api = await c.app.inject({ method: "GET", url: "/api/v1/nope" });
      expect(api.headers["content-type"]).toMatch(/json/);
      rmSync(join(dir, "index.html"));
      const missing = await c.app.inject({ method: "GET", url: "/people/123" });
      expect(missing.statusCode).toBeGreaterThanOrEqual(400);
      expect(missing.headers["content-type"]).toMatch(/json/);
      expect(missing.json().error.requestId).toEqual(expect.any(String));
    } finally {
      await c.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts without the demo organization when BRIDLE_SEED=none", async () => {
    const res = await t.api({ method: "GET", url: "/api/v1/bots" });
    expect(res.json()).toMatchObject({ items: [], total: 0, nextCursor: null });
  });
});
