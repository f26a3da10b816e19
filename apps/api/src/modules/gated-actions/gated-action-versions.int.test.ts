import { randomUUID } from "node:crypto";
import type { TDecision } from "@bridle/contracts";
import { auditEvents } from "@bridle/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/** The org's gated-action rules keep versions; rolling back is one audited action that decisions follow. */
describe("gated-action policy versions and rollback", () => {
  let t: TestApp;
  let triage: { token: string; botId: string };
  const shell = async () => {
    const res = await decide(t, triage.token, { action: "shell.exec", target: { system: "github" }, params: { command: "ls" }, requestId: `req-${randomUUID()}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TDecision;
  };
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    triage = await botTokenFor(t, "acme-triage-bot");
  });
  afterAll(() => t.close());

  it("keeps the rule set after each change with its diff; a rollback restores it and the decisions", async () => {
    const before = (await shell()).decision;
    expect(before).toBe("require_approval");
    const denyShell = await t.api({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: { mode: "deny", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(denyShell.statusCode, denyShell.body).toBe(200);
    expect((await shell()).reasons[0]!.code).toBe("action_denied");

    const list = (await t.api({ method: "GET", url: "/api/v1/gated-actions/versions" })).json().items;
    expect(list.map((v: { version: number; source: string }) => [v.version, v.source])).toEqual([
      [2, "update"],
      [1, "baseline"],
    ]);
    const v2 = (await t.api({ method: "GET", url: "/api/v1/gated-actions/versions/2" })).json();
    expect(Object.keys(v2.diff)).toEqual(["shell.exec"]);
    expect(v2.diff["shell.exec"]).toMatchObject({ before: { mode: "require_approval" }, after: { mode: "deny" } });

    const security = await tokenFor(t.database, "omar.haddad@acme.example");
    expect((await t.app.inject({ method: "POST", url: "/api/v1/gated-actions/versions/1/rollback", headers: { authorization: `Bearer ${security}` } })).statusCode).toBe(403);

    const rolled = await t.api({ method: "POST", url: "/api/v1/gated-actions/versions/1/rollback" });
    expect(rolled.statusCode, rolled.body).toBe(200);
    expect(rolled.json().items.find((r: { action: string }) => r.action === "shell.exec").mode).toBe("require_approval");
    expect((await shell()).decision).toBe("require_approval");
    const latest = (await t.api({ method: "GET", url: "/api/v1/gated-actions/versions" })).json().items[0];
    expect(latest).toMatchObject({ version: 3, source: "rollback", restoredFrom: 1, changedBy: "admin@acme.example" });
    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "gated_action.rollback"));
    expect(events.map((e) => e.outcome).sort()).toEqual(["denied", "success"]);
    expect(events.find((e) => e.outcome === "success")!.details).toMatchObject({ restoredFrom: 1, version: 3, changes: { "shell.exec": { before: { mode: "deny" }, after: { mode: "require_approval" } } } });
  });
});
