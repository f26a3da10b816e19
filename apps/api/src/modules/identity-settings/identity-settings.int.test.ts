import { randomBytes } from "node:crypto";
import { auditEvents, identitySettings, people } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, login, tokenFor, type TestApp } from "../../../test/harness.ts";
import { openSession } from "../auth/auth.service.ts";

const SECRET = `oidc-client-secret-${randomBytes(12).toString("hex")}`;
const KEY = randomBytes(32).toString("hex");
const SSO = { ssoEnabled: true, issuerUrl: "https://idp.acme.example", clientId: "bridle", scopes: ["openid", "email", "profile", "groups"] };

/** A console session for any person (people other than the bootstrap admin sign in with SSO, tested in sso.int.test.ts). */
async function sessionFor(t: TestApp, email: string) {
  const [person] = await t.database.db.select().from(people).where(eq(people.email, email));
  const s = await openSession(t.database.db, {
    personId: person!.id,
    method: "oidc",
    settings: { sessionMaxHours: 12 },
    sessionTtlMs: 12 * 3_600_000,
    userAgent: "vitest",
    now: new Date(),
  });
  return { ...s, cookie: `bridle_session=${s.cookieValue}`, personId: person!.id };
}

describe("identity settings", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo", env: { BRIDLE_ENCRYPTION_KEY: KEY } });
  });
  afterAll(() => t.close());

  it("starts with SSO off and the defaults", async () => {
    const res = await t.api({ method: "GET", url: "/api/v1/identity-settings" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ssoEnabled: false,
      clientSecretSet: false,
      scopes: ["openid", "email", "profile"],
      groupsClaim: "groups",
      roleMapping: [],
      jitProvisioning: true,
      scimEnabled: false,
      sessionMaxHours: 12,
      sessionIdleMinutes: 60,
      bootstrapAdminEnabled: true,
      managedBy: "console",
      encryptionKeyConfigured: true,
    });
  });

  it("stores the client secret encrypted, never returns it and never audits it", async () => {
    const res = await t.api({
      method: "PATCH",
      url: "/api/v1/identity-settings",
      payload: { ...SSO, clientSecret: SECRET, roleMapping: [{ group: "okta-bridle-admins", role: "admin" }, { group: "secops", role: "security" }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ...SSO, clientSecretSet: true, roleMapping: [{ group: "okta-bridle-admins", role: "admin" }, { group: "secops", role: "security" }] });
    expect(res.body).not.toContain(SECRET);
    expect((await t.api({ method: "GET", url: "/api/v1/identity-settings" })).body).not.toContain(SECRET);

    const [row] = await t.database.db.select().from(identitySettings);
    expect(row!.clientSecretEnc).toMatch(/^v1\./);
    expect(row!.clientSecretEnc).not.toContain(SECRET);
    expect(Buffer.from(row!.clientSecretEnc!.split(".")[4]!, "base64url").toString("utf8")).not.toContain(SECRET);

    const [event] = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "identity_settings.update"));
    expect(event).toMatchObject({ outcome: "success", actorType: "token" });
    expect(event!.details).toMatchObject({ clientSecret: "set", changes: { issuerUrl: { before: null, after: SSO.issuerUrl } } });
    expect(JSON.stringify(event)).not.toContain(SECRET);

    // a PATCH without the secret keeps it; null removes it
    await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { groupsClaim: "roles" } });
    expect((await t.api({ method: "GET", url: "/api/v1/identity-settings" })).json()).toMatchObject({ clientSecretSet: true, groupsClaim: "roles" });
  });

  it("refuses an http:// issuer unless BRIDLE_OIDC_ALLOW_HTTP is set, and SSO without an issuer", async () => {
    const http = await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { issuerUrl: "http://idp.acme.example" } });
    expect(http.statusCode).toBe(400);
    expect(http.json().error.details.fields[0]).toMatchObject({ path: ["issuerUrl"], code: "invalid_format", message: expect.stringMatching(/BRIDLE_OIDC_ALLOW_HTTP/) });
    const none = await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { issuerUrl: null } });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/issuer URL and a client id/);
    const unknown = await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { clientSecretEnc: "x" } });
    expect(unknown.statusCode).toBe(400);
  });

  it("refuses people without identity.manage (403), and audits the attempt", async () => {
    const token = await tokenFor(t.database, "omar.haddad@acme.example");
    const res = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/identity-settings",
      headers: { authorization: `Bearer ${token}` },
      payload: { jitProvisioning: false },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("forbidden");
    const [denied] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity_settings.update"), eq(auditEvents.outcome, "denied")));
    expect(denied).toMatchObject({ actorLabel: "omar.haddad@acme.example", resourceType: "identity_settings" });
    expect((await t.app.inject({ method: "GET", url: "/api/v1/identity-settings", headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/identity-settings/break-glass-events", headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/identity-settings" })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/identity-settings", headers: { authorization: "Bearer nope" } })).statusCode).toBe(401);
    // a cookie-authenticated change needs the CSRF token
    const { cookie } = await login(t.app);
    expect((await t.app.inject({ method: "PATCH", url: "/api/v1/identity-settings", headers: { cookie }, payload: { jitProvisioning: false } })).statusCode).toBe(403);
  });

  it("keeps the bootstrap admin until SSO works, then disables it: password, sessions and its token stop", async () => {
    const { cookie } = await login(t.app);
    await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { ssoEnabled: false } });
    const early = await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { bootstrapAdminEnabled: false } });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.message).toMatch(/Keep the local bootstrap admin enabled/);

    const off = await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { ssoEnabled: true, bootstrapAdminEnabled: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect((await t.app.inject({ method: "GET", url: "/auth/providers" })).json()).toEqual({ sso: { enabled: true }, local: { enabled: false } });
    const refused = await t.app.inject({ method: "POST", url: "/auth/local/login", payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toMatch(/disabled; sign in with SSO/);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie } })).statusCode).toBe(401);
    expect((await t.api({ method: "GET", url: "/api/v1/me" })).statusCode).toBe(401);
    // turning SSO off again while the bootstrap admin is disabled would lock everyone out
    const admin = await sessionFor(t, "maya.chen@acme.example"); // an admin in the demo org, signed in with SSO
    const lockout = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/identity-settings",
      headers: { cookie: admin.cookie, "x-csrf-token": admin.csrfToken },
      payload: { ssoEnabled: false },
    });
    expect(lockout.statusCode).toBe(400);
    const back = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/identity-settings",
      headers: { cookie: admin.cookie, "x-csrf-token": admin.csrfToken },
      payload: { bootstrapAdminEnabled: true },
    });
    expect(back.statusCode, back.body).toBe(200);
    expect((await t.api({ method: "GET", url: "/api/v1/me" })).statusCode).toBe(200);
  });

  it("lists every use of the bootstrap admin, newest first", async () => {
    const events = await t.api({ method: "GET", url: "/api/v1/identity-settings/break-glass-events" });
    expect(events.statusCode).toBe(200);
    const items = events.json().items as { at: string; action: string; outcome: string; details: Record<string, unknown> }[];
    const times = items.map((i) => i.at);
    expect([...times].sort().reverse()).toEqual(times);
    // the refused password sign-in while disabled, the successful ones, and the token's uses (refused while disabled too)
    expect(items).toContainEqual(expect.objectContaining({ action: "auth.login", outcome: "denied", details: expect.objectContaining({ reason: "bootstrap admin disabled", via: "password" }) }));
    expect(items).toContainEqual(expect.objectContaining({ action: "auth.login", outcome: "success", details: expect.objectContaining({ method: "local", via: "password" }) }));
    expect(items).toContainEqual(expect.objectContaining({ action: "auth.token_used", outcome: "success", details: expect.objectContaining({ via: "api_token", path: expect.any(String) }) }));
    expect(items).toContainEqual(expect.objectContaining({ action: "auth.token_used", outcome: "denied", details: expect.objectContaining({ reason: "bootstrap admin disabled" }) }));
    expect(items).toContainEqual(expect.objectContaining({ action: "person.bootstrap_admin", details: expect.objectContaining({ change: "created" }) }));
    // nobody else's sign-ins
    expect(items.length).toBeGreaterThanOrEqual(5); // the five events above at least
    expect(items.filter((i) => JSON.stringify(i).includes("maya.chen"))).toEqual([]);
    const limited = await t.api({ method: "GET", url: "/api/v1/identity-settings/break-glass-events?limit=1" });
    expect(limited.json().items).toHaveLength(1);
  });
});

describe("identity settings without BRIDLE_ENCRYPTION_KEY", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
  });
  afterAll(() => t.close());

  it("refuses to store a client secret, and says why", async () => {
    expect((await t.api({ method: "GET", url: "/api/v1/identity-settings" })).json()).toMatchObject({ encryptionKeyConfigured: false });
    const res = await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: { ...SSO, clientSecret: SECRET } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "bad_request", message: expect.stringMatching(/BRIDLE_ENCRYPTION_KEY/) });
    const [row] = await t.database.db.select().from(identitySettings);
    expect(row).toMatchObject({ clientSecretEnc: null, ssoEnabled: false });
    // the rest can be set without a secret (a public client with PKCE)
    expect((await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: SSO })).statusCode).toBe(200);
  });

  it("refuses an invalid BRIDLE_ENCRYPTION_KEY at start", async () => {
    await expect(createTestApp({ seed: "none", env: { BRIDLE_ENCRYPTION_KEY: "too-short" } })).rejects.toThrow(/BRIDLE_ENCRYPTION_KEY: must be 32 bytes/);
  });
});

describe("sessions", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  it("lists your own live sessions, marking the current one", async () => {
    const a = await sessionFor(t, "priya.nair@acme.example");
    const b = await sessionFor(t, "priya.nair@acme.example");
    await sessionFor(t, "omar.haddad@acme.example");
    const res = await t.app.inject({ method: "GET", url: "/api/v1/sessions", headers: { cookie: a.cookie } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { id: string; current: boolean; method: string; person: { email: string }; userAgent: string }[];
    expect(items.map((i) => i.id).sort()).toEqual([a.sessionId, b.sessionId].sort());
    expect(items.find((i) => i.id === a.sessionId)).toMatchObject({ current: true, method: "oidc", userAgent: "vitest", person: { email: "priya.nair@acme.example" } });
    expect(items.find((i) => i.id === b.sessionId)!.current).toBe(false);
  });

  it("lists everyone's only with sessions.manage (denied attempts audited)", async () => {
    const s = await sessionFor(t, "omar.haddad@acme.example");
    const denied = await t.app.inject({ method: "GET", url: "/api/v1/sessions?all=true", headers: { cookie: s.cookie } });
    expect(denied.statusCode).toBe(403);
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "access.denied"), eq(auditEvents.resourceType, "session")));
    expect(event).toMatchObject({ actorLabel: "omar.haddad@acme.example", outcome: "denied" });
    const all = await t.api({ method: "GET", url: "/api/v1/sessions?all=true" });
    expect(all.statusCode).toBe(200);
    expect((all.json().items as { person: { email: string } }[]).map((i) => i.person.email)).toEqual(
      expect.arrayContaining(["omar.haddad@acme.example", "priya.nair@acme.example"]),
    );
  });

  it("ends your own session, another person's only with sessions.manage, and audits it", async () => {
    const mine = await sessionFor(t, "lucas.meyer@acme.example");
    const other = await sessionFor(t, "lucas.meyer@acme.example");
    const victim = await sessionFor(t, "sofia.rossi@acme.example");
    const headers = { cookie: mine.cookie, "x-csrf-token": mine.csrfToken };

    const forbidden = await t.app.inject({ method: "DELETE", url: `/api/v1/sessions/${victim.sessionId}`, headers });
    expect(forbidden.statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: victim.cookie } })).statusCode).toBe(200);
    const [denied] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "session.revoke"), eq(auditEvents.outcome, "denied")));
    expect(denied).toMatchObject({ resourceId: victim.sessionId, actorLabel: "lucas.meyer@acme.example" });

    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/sessions/${other.sessionId}`, headers: { cookie: mine.cookie } })).statusCode).toBe(403); // no CSRF token
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/sessions/${other.sessionId}`, headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: other.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: mine.cookie } })).statusCode).toBe(200);

    expect((await t.api({ method: "DELETE", url: `/api/v1/sessions/${victim.sessionId}` })).statusCode).toBe(204);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { cookie: victim.cookie } })).statusCode).toBe(401);
    const [revoked] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "session.revoke"), eq(auditEvents.resourceId, victim.sessionId), eq(auditEvents.outcome, "success")));
    expect(revoked!.details).toMatchObject({ person: "sofia.rossi@acme.example", own: false });
    // again: nothing to do; unknown: 404; not a uuid: 400
    expect((await t.api({ method: "DELETE", url: `/api/v1/sessions/${victim.sessionId}` })).statusCode).toBe(204);
    expect((await t.api({ method: "DELETE", url: "/api/v1/sessions/00000000-0000-4000-8000-000000000000" })).statusCode).toBe(404);
    expect((await t.api({ method: "DELETE", url: "/api/v1/sessions/nope" })).statusCode).toBe(400);
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/sessions/${mine.sessionId}` })).statusCode).toBe(401);
  });

  it("logs out a local session with 204 and no provider URL", async () => {
    const { cookie, csrfToken } = await login(t.app);
    const out = await t.app.inject({ method: "POST", url: "/auth/logout", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe("");
  });
});
