import { auditEvents } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

describe("org policy", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  const naming = async () =>
    ((await t.api({ method: "GET", url: "/api/v1/bots?finding=naming&limit=100" })).json().items as { name: string }[]).map((b) => b.name).sort();

  it("recomputes findings at once when the naming rule changes, and audits the change", async () => {
    expect(await naming()).toEqual(["onboarding-buddy", "pr-drafter", "standup-summarizer"]);
    const before = (await t.api({ method: "GET", url: "/api/v1/policy" })).json();
    const res = await t.api({
      method: "PATCH",
      url: "/api/v1/policy",
      payload: { namingRule: { requiredTokens: ["bot", "internal", "buddy", "drafter"], orgPrefix: "acme-" } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().policy.version).toBe(before.policy.version + 1);
    // two bots lose their naming finding; the third keeps it, with a message naming the new rule
    expect(res.json().recomputed).toBe(3);
    expect(await naming()).toEqual(["standup-summarizer"]);
    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "policy.update"));
    expect(events).toHaveLength(1);
    expect(events[0]!.outcome).toBe("success");
  });

  it("reclassifying a system changes Golden Rule findings", async () => {
    const res = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { systemClassifications: { discord: "neither" } } });
    expect(res.statusCode).toBe(200);
    const gr = (await t.api({ method: "GET", url: "/api/v1/bots?finding=golden_rule&limit=100" })).json().items.map((b: { name: string }) => b.name);
    expect(gr).not.toContain("acme-changelog-bot");
    expect(gr).toContain("support-reply-bot");
  });

  it("refuses a non-admin with 403, changes nothing, and audits the denied attempt", async () => {
    const token = await tokenFor(t.database, "omar.haddad@acme.example");
    const res = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/policy",
      headers: { authorization: `Bearer ${token}` },
      payload: { reviewIntervalDays: 7 },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("forbidden");
    expect((await t.api({ method: "GET", url: "/api/v1/policy" })).json().policy.reviewIntervalDays).toBe(90);
    const denied = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "policy.update"), eq(auditEvents.outcome, "denied")));
    expect(denied).toHaveLength(1);
  });

  it("rejects a channel on both lists and an unknown system with 400", async () => {
    const both = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { channelAllowlist: ["telegram"] } });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toMatch(/both allowed and blocked/);
    const unknown = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { systemClassifications: { nope: "both" } } });
    expect(unknown.statusCode).toBe(400);
    const badEnum = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { systemClassifications: { github: "sometimes" } } });
    expect(badEnum.statusCode).toBe(400);
    expect(badEnum.json().error.code).toBe("validation_failed");
  });

  it("keeps audit events 365 days by default, refuses fewer than 90, and audits a change with before and after", async () => {
    expect((await t.api({ method: "GET", url: "/api/v1/policy" })).json().policy.auditRetentionDays).toBe(365);
    const short = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { auditRetentionDays: 30 } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details.fields).toMatchObject([{ path: ["auditRetentionDays"], code: "too_small" }]);
    const ok = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { auditRetentionDays: 730 }, headers: { "x-request-id": "retention-730" } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().policy.auditRetentionDays).toBe(730);
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "policy.update"), eq(auditEvents.requestId, "retention-730")));
    expect(event?.details).toMatchObject({ changes: { auditRetentionDays: { before: 365, after: 730 } } });
  });
});
