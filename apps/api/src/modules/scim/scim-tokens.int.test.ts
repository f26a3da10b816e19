import { auditEvents, scimTokens } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, tokenFor } from "../../../test/harness.ts";
import { hashToken } from "../../lib/crypto.ts";
import { SCIM_DISABLED_DETAIL } from "./scim.plugin.ts";
import { expectScimError, scimKit, setScimEnabled, type ScimKit } from "./scim.testkit.ts";

describe("SCIM tokens and who reaches /scim/v2", () => {
  let k: ScimKit;
  let ownerToken: string; // daniel.kim: no role
  beforeAll(async () => {
    k = await scimKit("okta production");
    ownerToken = await tokenFor(k.t.database, "daniel.kim@acme.example");
  });
  afterAll(() => k.t.close());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it("lets an admin create a named token, shown once and stored as its SHA-256 only, and audits it", async () => {
    expect(k.token).toMatch(/^brdl_scim_[\w-]{43}$/);
    const [row] = await k.t.database.db.select().from(scimTokens).where(eq(scimTokens.id, k.tokenId));
    expect(row!.tokenHash).toBe(hashToken(k.token));
    expect(JSON.stringify(row)).not.toContain(k.token);
    const list = await k.t.api({ method: "GET", url: "/api/v1/scim-tokens" });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(k.token);
    const items = list.json().items as { id: string; name: string; createdBy: string; lastUsedAt: string | null; revokedAt: string | null }[];
    expect(items).toContainEqual(expect.objectContaining({ id: k.tokenId, name: "okta production", createdBy: "admin@acme.example", revokedAt: null }));
    expect(items[0]).not.toHaveProperty("token");
    const audit = await k.audit("scim_token.create", k.tokenId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: "success", actorLabel: "admin@acme.example", details: { name: "okta production" } });
  });

  it("records when a token was last used", async () => {
    expect((await k.scim({ method: "GET", url: "/ServiceProviderConfig" })).statusCode).toBe(200);
    const items = (await k.t.api({ method: "GET", url: "/api/v1/scim-tokens" })).json().items as { id: string; lastUsedAt: string | null }[];
    const used = items.find((i) => i.id === k.tokenId)!.lastUsedAt;
    expect(used).not.toBeNull();
    expect(Date.now() - Date.parse(used!)).toBeLessThan(60_000);
  });

  it("refuses SCIM token management to non-admins (403) and audits the denied attempts", async () => {
    const denied = [
      await k.t.app.inject({ method: "GET", url: "/api/v1/scim-tokens", headers: as(ownerToken) }),
      await k.t.app.inject({ method: "POST", url: "/api/v1/scim-tokens", headers: as(ownerToken), payload: { name: "mine" } }),
      await k.t.app.inject({ method: "DELETE", url: `/api/v1/scim-tokens/${k.tokenId}`, headers: as(ownerToken) }),
    ];
    for (const res of denied) {
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe("forbidden");
    }
    const rows = await k.t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.outcome, "denied"), eq(auditEvents.actorLabel, "daniel.kim@acme.example")));
    expect(rows.map((r) => r.action).sort()).toEqual(["access.denied", "scim_token.create", "scim_token.revoke"]);
    expect((await k.t.api({ method: "GET", url: "/api/v1/scim-tokens" })).json().items).toHaveLength(1);
  });

  it("validates the admin API's input", async () => {
    expect((await k.t.api({ method: "POST", url: "/api/v1/scim-tokens", payload: { name: "  " } })).statusCode).toBe(400);
    expect((await k.t.api({ method: "DELETE", url: "/api/v1/scim-tokens/not-a-uuid" })).statusCode).toBe(400);
    const unknown = await k.t.api({ method: "DELETE", url: "/api/v1/scim-tokens/6c1d7b0e-0000-4000-8000-000000000000" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("not_found");
  });

  it("answers 401 in the SCIM error shape without a token, with a malformed header, or with a token that is not a SCIM token", async () => {
    const none = expectScimError(await k.scim({ method: "GET", url: "/Users", token: null }), 401);
    expect(none.detail).toMatch(/Bearer/);
    const noneRes = await k.scim({ method: "GET", url: "/Users", token: null });
    expect(noneRes.headers["www-authenticate"]).toMatch(/^Bearer/);
    expectScimError(await k.scim({ method: "GET", url: "/Users", token: null, headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } }), 401);
    expectScimError(await k.scim({ method: "GET", url: "/Users", token: "brdl_scim_not-a-real-token" }), 401);
    // An API token (here the bootstrap admin's) is not a SCIM token, and sessions are not accepted either.
    expectScimError(await k.scim({ method: "GET", url: "/Users", token: ADMIN_TOKEN }), 401);
    expectScimError(await k.scim({ method: "GET", url: "/ServiceProviderConfig", token: ownerToken }), 401);
    // Writes too: nothing is created without a SCIM token.
    expectScimError(await k.scim({ method: "POST", url: "/Users", token: ADMIN_TOKEN, body: { userName: "x@acme.example" } }), 401);
    expect((await k.t.api({ method: "GET", url: "/api/v1/people?q=x@acme.example" })).json().items).toHaveLength(0);
  });

  it("refuses every request with a valid token (403, SCIM error) while SCIM provisioning is off, and serves it once on", async () => {
    await setScimEnabled(k.t, false);
    try {
      for (const r of [
        { method: "GET", url: "/ServiceProviderConfig" },
        { method: "GET", url: "/Users" },
        { method: "GET", url: "/no-such-endpoint" },
        { method: "POST", url: "/Users", body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "off@acme.example" } },
      ] as const) {
        const err = expectScimError(await k.scim(r), 403);
        expect(err.detail, r.url).toBe(SCIM_DISABLED_DETAIL);
      }
      expect((await k.t.api({ method: "GET", url: "/api/v1/people?q=off@acme.example" })).json().items).toHaveLength(0);
      // The token is still checked first: a bad one is told so, not that SCIM is off.
      expectScimError(await k.scim({ method: "GET", url: "/Users", token: "brdl_scim_not-a-real-token" }), 401);
      expectScimError(await k.scim({ method: "GET", url: "/Users", token: null }), 401);
    } finally {
      await setScimEnabled(k.t, true);
    }
    expect((await k.scim({ method: "GET", url: "/Users" })).statusCode).toBe(200);
  });

  it("does not let a SCIM token reach /api", async () => {
    for (const url of ["/api/v1/me", "/api/v1/bots", "/api/v1/people", "/api/v1/scim-tokens"]) {
      const res = await k.t.app.inject({ method: "GET", url, headers: as(k.token) });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe("unauthenticated");
    }
  });

  it("revokes a token at once: /scim/v2 answers 401 to it; revoking twice changes nothing", async () => {
    const second = (await k.t.api({ method: "POST", url: "/api/v1/scim-tokens", payload: { name: "entra" } })).json() as { id: string; token: string };
    expect((await k.scim({ method: "GET", url: "/Groups", token: second.token })).statusCode).toBe(200);
    const res = await k.t.api({ method: "DELETE", url: `/api/v1/scim-tokens/${second.id}` });
    expect(res.statusCode).toBe(204);
    const err = expectScimError(await k.scim({ method: "GET", url: "/Groups", token: second.token }), 401);
    expect(err.detail).toMatch(/revoked/);
    expect((await k.t.api({ method: "DELETE", url: `/api/v1/scim-tokens/${second.id}` })).statusCode).toBe(204);
    expect(await k.audit("scim_token.revoke", second.id)).toHaveLength(1);
    const listed = (await k.t.api({ method: "GET", url: "/api/v1/scim-tokens" })).json().items as { id: string; revokedAt: string | null }[];
    expect(listed.find((i) => i.id === second.id)!.revokedAt).not.toBeNull();
    // The other token still works.
    expect((await k.scim({ method: "GET", url: "/Groups" })).statusCode).toBe(200);
  });
});
