import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.ts";

/** The CSP as a map directive -> sources, so the test reads like the policy. */
const csp = (res: LightMyRequestResponse) =>
  Object.fromEntries(
    String(res.headers["content-security-policy"] ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name, sources]),
  );

const expectSecurityHeaders = (res: LightMyRequestResponse) => {
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(res.headers["referrer-policy"]).toBe("no-referrer");
  expect(res.headers["x-frame-options"]).toBe("DENY");
  const policy = csp(res);
  expect(policy["frame-ancestors"]).toEqual(["'none'"]);
  expect(policy["script-src"]).toEqual(["'self'"]);
  expect(policy["default-src"]).toEqual(["'self'"]);
  expect(policy["object-src"]).toEqual(["'none'"]);
  // plain HTTP: no HSTS
  expect(res.headers["strict-transport-security"]).toBeUndefined();
};

describe("security headers", () => {
  let t: TestApp;
  let behindProxy: TestApp;
  const consoleDir = mkdtempSync(join(tmpdir(), "bridle-console-"));
  beforeAll(async () => {
    writeFileSync(join(consoleDir, "index.html"), '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index.js"></script></body></html>');
    t = await createTestApp({ seed: "none", env: { BRIDLE_CONSOLE_DIR: consoleDir } });
    behindProxy = await createTestApp({ seed: "none", env: { BRIDLE_TRUST_PROXY: "true" } });
  });
  afterAll(async () => {
    await t.close();
    await behindProxy.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it("are on an API answer", async () => {
    const res = await t.api({ method: "GET", url: "/api/v1/me" });
    expect(res.statusCode).toBe(200);
    expectSecurityHeaders(res);
  });

  it("are on the console's index.html, for its own routes too", async () => {
    for (const url of ["/", "/bots", "/approvals?status=pending"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expectSecurityHeaders(res);
    }
  });

  it("are on error answers: 401, 404 and a validation error", async () => {
    const unauthenticated = await t.app.inject({ method: "GET", url: "/api/v1/bots" });
    expect(unauthenticated.statusCode).toBe(401);
    expectSecurityHeaders(unauthenticated);
    const missing = await t.api({ method: "GET", url: "/api/v1/no-such-route" });
    expect(missing.statusCode).toBe(404);
    expectSecurityHeaders(missing);
    const invalid = await t.api({ method: "GET", url: "/api/v1/bots/not-a-uuid" });
    expect(invalid.statusCode).toBe(400);
    expectSecurityHeaders(invalid);
  });

  it("are on the API docs, whose page loads its scripts from files", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs" });
    expect(res.statusCode).toBe(200);
    expectSecurityHeaders(res);
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("adds HSTS only when the request came over TLS", async () => {
    const tls = await behindProxy.app.inject({ method: "GET", url: "/healthz", headers: { "x-forwarded-proto": "https" } });
    expect(tls.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect((await behindProxy.app.inject({ method: "GET", url: "/healthz" })).headers["strict-transport-security"]).toBeUndefined();
    // without BRIDLE_TRUST_PROXY a client's X-Forwarded-Proto does not count
    const spoofed = await t.app.inject({ method: "GET", url: "/healthz", headers: { "x-forwarded-proto": "https" } });
    expect(spoofed.headers["strict-transport-security"]).toBeUndefined();
  });
});
