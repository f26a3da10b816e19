import { randomUUID } from "node:crypto";
import type { TDecision } from "@bridle/contracts";
import { auditEvents } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/**
 * Org policy versions: every change keeps the full content with who and when; a version reads
 * with its diff against the one before; rolling back is one audited action that makes a new
 * version with the old content, and decisions follow it at once.
 */
describe("org policy versions and rollback", () => {
  let t: TestApp;
  let triage: { token: string; botId: string };
  const ask = async () => {
    const res = await decide(t, triage.token, { action: "message.post", target: { channel: "slack-internal" }, requestId: `req-${randomUUID()}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TDecision;
  };
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    triage = await botTokenFor(t, "acme-triage-bot");
  });
  afterAll(() => t.close());

  it("keeps each version with its diff, and a rollback restores the old content and the decisions it gave", async () => {
    const start = (await t.api({ method: "GET", url: "/api/v1/policy" })).json().policy;
    expect((await ask()).decision).toBe("allow");
    const blocked = await t.api({
      method: "PATCH",
      url: "/api/v1/policy",
      payload: { channelAllowlist: start.channelAllowlist.filter((c: string) => c !== "slack-internal"), channelBlocklist: [...start.channelBlocklist, "slack-internal"] },
    });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect((await ask()).reasons[0]!.code).toBe("channel_disallowed");
    expect((await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { reviewIntervalDays: 30 } })).statusCode).toBe(200);

    const list = (await t.api({ method: "GET", url: "/api/v1/policy/versions" })).json().items;
    expect(list.map((v: { version: number; source: string }) => [v.version, v.source])).toEqual([
      [start.version + 2, "update"],
      [start.version + 1, "update"],
      [start.version, "baseline"],
    ]);
    expect(list[0].changedBy).toBe("admin@acme.example");
    const v1 = (await t.api({ method: "GET", url: `/api/v1/policy/versions/${start.version + 1}` })).json();
    expect(v1.previousVersion).toBe(start.version);
    expect(Object.keys(v1.diff).sort()).toEqual(["channelAllowlist", "channelBlocklist"]);
    expect(v1.diff.channelBlocklist.after).toContain("slack-internal");

    // a non-admin may not roll back; the refusal is audited
    const security = await tokenFor(t.database, "omar.haddad@acme.example");
    const refused = await t.app.inject({ method: "POST", url: `/api/v1/policy/versions/${start.version}/rollback`, headers: { authorization: `Bearer ${security}` } });
    expect(refused.statusCode).toBe(403);

    const rolled = await t.api({ method: "POST", url: `/api/v1/policy/versions/${start.version}/rollback` });
    expect(rolled.statusCode, rolled.body).toBe(200);
    expect(rolled.json().policy).toMatchObject({ version: start.version + 3, reviewIntervalDays: start.reviewIntervalDays, channelBlocklist: start.channelBlocklist });
    expect((await ask()).decision).toBe("allow");
    const latest = (await t.api({ method: "GET", url: "/api/v1/policy/versions" })).json().items[0];
    expect(latest).toMatchObject({ version: start.version + 3, source: "rollback", restoredFrom: start.version, changedBy: "admin@acme.example" });
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "policy.rollback"), eq(auditEvents.outcome, "success")));
    expect(event!.details).toMatchObject({ restoredFrom: start.version, version: { before: start.version + 2, after: start.version + 3 } });
    expect(Object.keys((event!.details as { changes: object }).changes).sort()).toEqual(["channelAllowlist", "channelBlocklist", "reviewIntervalDays"]);
    expect(await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "policy.rollback"), eq(auditEvents.outcome, "denied")))).toHaveLength(1);
    expect((await t.api({ method: "POST", url: "/api/v1/policy/versions/9999/rollback" })).statusCode).toBe(404);
  });
});
