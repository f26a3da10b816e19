import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, people } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { ADMIN_EMAIL, createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/** The first-run checklist follows the organization's real state, step by step. */
describe("first-run checklist", () => {
  let t: TestApp;
  const status = async () => (await t.api({ method: "GET", url: "/api/v1/setup" })).json() as { steps: { key: string; done: boolean; detail: string }[]; complete: boolean };
  const done = async () => (await status()).steps.filter((s) => s.done).map((s) => s.key);

  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
  });
  afterAll(() => t.close());

  it("ticks each step as the organization gets it, and not before", async () => {
    const first = await status();
    expect(first.steps.map((s) => s.key)).toEqual(["sso", "teams", "systems", "channels", "first_bot"]);
    expect(await done()).toEqual([]);
    expect(first.complete).toBe(false);
    expect(first.steps[1]!.detail).toBe("No teams yet: turn on SCIM provisioning, or create the teams that own bots.");

    await t.api({ method: "POST", url: "/api/v1/teams", payload: { name: "Platform" } });
    expect(await done()).toEqual(["teams"]);
    await t.api({ method: "POST", url: "/api/v1/systems", payload: { key: "github", name: "GitHub", classification: "internal_data" } });
    expect(await done()).toEqual(["teams", "systems"]);
    await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { channelAllowlist: ["slack-internal"] } });
    expect(await done()).toEqual(["teams", "systems", "channels"]);
    const bot = await t.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: { name: "first-bot", owner: ADMIN_EMAIL, team: "platform", purpose: "The first one", environment: "test", runtimeProfile: {} },
    });
    expect(bot.statusCode).toBe(201);
    const last = await status();
    expect(last.steps.filter((s) => s.done).map((s) => s.key)).toEqual(["teams", "systems", "channels", "first_bot"]);
    expect(last.steps.find((s) => s.key === "first_bot")!.detail).toBe("1 bot in the inventory.");
    expect(last.complete).toBe(false);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/setup" })).statusCode).toBe(401);
  });

  it("answers only those who set the organization up (as the console's page); others are refused, audited", async () => {
    await t.database.db.insert(people).values([
      { email: "olga.owner@acme.example", displayName: "Olga Owner", roles: [], source: "admin" },
      { email: "aude.auditor@acme.example", displayName: "Aude Auditor", roles: ["auditor"], source: "admin" },
      { email: "ida.it@acme.example", displayName: "Ida IT", roles: ["it"], source: "admin" },
    ]);
    const get = async (email: string) =>
      (await t.app.inject({ method: "GET", url: "/api/v1/setup", headers: { authorization: `Bearer ${await tokenFor(t.database, email)}` } })).statusCode;
    expect([await get("olga.owner@acme.example"), await get("aude.auditor@acme.example"), await get("ida.it@acme.example")]).toEqual([403, 403, 200]);
    const denied = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.resourceType, "setup"), eq(auditEvents.outcome, "denied")))
      .orderBy(auditEvents.seq);
    expect(denied.map((e) => [e.action, e.actorLabel])).toEqual([
      ["access.denied", "olga.owner@acme.example"],
      ["access.denied", "aude.auditor@acme.example"],
    ]);
  });

  it("counts single sign-on as done when the environment configures it", async () => {
    const env = await createTestApp({
      seed: "none",
      env: { BRIDLE_OIDC_ISSUER: "https://idp.acme.example", BRIDLE_OIDC_CLIENT_ID: "bridle", BRIDLE_OIDC_CLIENT_SECRET: "not-a-real-secret-value" },
    });
    try {
      const res = (await env.api({ method: "GET", url: "/api/v1/setup" })).json() as { steps: { key: string; done: boolean; detail: string }[] };
      expect(res.steps.filter((s) => s.done).map((s) => s.key)).toEqual(["sso"]);
      expect(res.steps[0]!.detail).toBe("People sign in with https://idp.acme.example (set by the environment).");
    } finally {
      await env.close();
    }
  });
});
