import { auditEvents, bots, goldenRuleExceptions, orgPolicy } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Rule = { action: string; mode: string; approverRole: string; approvalsRequired: number; requestTtlMinutes: number };
type Item = { rule: Rule; override: { [K in keyof Rule]: Rule[K] | null } | null; effective: Rule };

describe("gated-action policy", () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const botIds: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  const call = (who: string, method: "GET" | "PUT" | "DELETE", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: as(who), ...(payload ? { payload } : {}) });
  const version = async () => (await t.database.db.select({ v: orgPolicy.version }).from(orgPolicy))[0]!.v;
  const botRules = async (who: string, bot: string) => (await call(who, "GET", `/api/v1/bots/${botIds[bot]}/gated-actions`)).json().items as Item[];

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    for (const p of ["daniel.kim", "omar.haddad", "ines.moreau", "sam.taylor", "maya.chen"]) tokens[p] = await tokenFor(t.database, `${p}@acme.example`);
    for (const b of await t.database.db.select({ id: bots.id, name: bots.name }).from(bots)) botIds[b.name] = b.id;
  });
  afterAll(() => t.close());

  it("lets everyone signed in read the org's rules, in catalog order", async () => {
    const res = await call("daniel.kim", "GET", "/api/v1/gated-actions");
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Rule[];
    expect(items.map((r) => r.action)).toEqual([
      "shell.exec",
      "email.send",
      "message.post_external",
      "config.change_production",
      "data.delete",
      "repo.approve",
      "repo.merge",
      "credential.rotate",
      "credential.expose",
      "billing.purchase",
      "runtime.ungated_backend",
    ]);
    expect(items[3]).toEqual({ action: "config.change_production", mode: "require_approval", approverRole: "security", approvalsRequired: 2, requestTtlMinutes: 120 });
    expect((await t.app.inject({ method: "GET", url: "/api/v1/gated-actions" })).statusCode).toBe(401);
  });

  it("lets admins change a rule: audited, and the policy version bumps", async () => {
    const before = await version();
    const body = { mode: "require_approval", approverRole: "security", approvalsRequired: 2, requestTtlMinutes: 30 };
    const res = await call("maya.chen", "PUT", "/api/v1/gated-actions/shell.exec", body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ action: "shell.exec", ...body });
    expect(await version()).toBe(before + 1);
    const list = (await call("daniel.kim", "GET", "/api/v1/gated-actions")).json().items as Rule[];
    expect(list[0]).toEqual({ action: "shell.exec", ...body });
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "gated_action.update"), eq(auditEvents.resourceId, "shell.exec"), eq(auditEvents.outcome, "success")));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ changes: { approvalsRequired: { before: 1, after: 2 } } });
  });

  it("refuses rule changes by non-admins (403, audited) and bad input (400)", async () => {
    const body = { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 };
    for (const who of ["omar.haddad", "sam.taylor", "ines.moreau", "daniel.kim"]) expect((await call(who, "PUT", "/api/v1/gated-actions/shell.exec", body)).statusCode).toBe(403);
    const denied = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "gated_action.update"), eq(auditEvents.outcome, "denied")));
    expect(denied).toHaveLength(4);
    expect((await t.app.inject({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: body })).statusCode).toBe(401);
    expect((await call("maya.chen", "PUT", "/api/v1/gated-actions/rm.rf", body)).statusCode).toBe(400);
    expect((await call("maya.chen", "PUT", "/api/v1/gated-actions/shell.exec", { ...body, approvalsRequired: 0 })).statusCode).toBe(400);
    expect((await call("maya.chen", "PUT", "/api/v1/gated-actions/shell.exec", { ...body, extra: 1 })).statusCode).toBe(400);
    const auditor = await call("maya.chen", "PUT", "/api/v1/gated-actions/shell.exec", { ...body, approverRole: "auditor" });
    expect(auditor.statusCode).toBe(400);
    expect(auditor.json().error.message).toMatch(/Auditors read; they do not approve/);
  });

  it("shows each bot its org rule, override and effective rule, to whoever may read the bot", async () => {
    const items = await botRules("daniel.kim", "acme-sandbox-bot");
    expect(items).toHaveLength(11);
    expect(items.filter((i) => i.override !== null || JSON.stringify(i.effective) !== JSON.stringify(i.rule))).toEqual([]);
    expect((await call("ines.moreau", "GET", `/api/v1/bots/${botIds["acme-sandbox-bot"]}/gated-actions`)).statusCode).toBe(200);
    expect((await call("daniel.kim", "GET", `/api/v1/bots/${botIds["acme-triage-bot"]}/gated-actions`)).statusCode).toBe(403);
    expect((await call("daniel.kim", "GET", "/api/v1/bots/00000000-0000-4000-8000-000000000000/gated-actions")).statusCode).toBe(404);
  });

  it("lets admins and IT tighten a bot's rule, and refuses loosening without an exception", async () => {
    const url = `/api/v1/bots/${botIds["acme-sandbox-bot"]}/gated-actions`;
    const before = await version();
    const res = await call("sam.taylor", "PUT", `${url}/data.delete`, { mode: "deny" });
    expect(res.statusCode).toBe(200);
    expect(res.json().override).toEqual({ action: "data.delete", mode: "deny", approverRole: null, approvalsRequired: null, requestTtlMinutes: null });
    expect(res.json().effective).toMatchObject({ mode: "deny", approvalsRequired: 2 });
    expect(await version()).toBe(before + 1);
    const item = (await botRules("daniel.kim", "acme-sandbox-bot")).find((i) => i.rule.action === "data.delete")!;
    expect(item.effective.mode).toBe("deny");
    expect(item.rule.mode).toBe("require_approval");

    const loose = await call("maya.chen", "PUT", `${url}/repo.merge`, { mode: "allow" });
    expect(loose.statusCode).toBe(400);
    expect(loose.json().error.message).toBe("A bot's override may only tighten the org's rule: mode allow is looser than the org's deny");
    const fewer = await call("maya.chen", "PUT", `${url}/config.change_production`, { approvalsRequired: 1 });
    expect(fewer.statusCode).toBe(400);
    expect(fewer.json().error.message).toMatch(/1 approval\(s\) is fewer than the org's 2/);
    expect((await call("maya.chen", "PUT", `${url}/shell.exec`, {})).statusCode).toBe(400);

    // the owner may not set overrides (they could lift a tightening security asked for)
    expect((await call("daniel.kim", "PUT", `${url}/data.delete`, { mode: "require_approval", approvalsRequired: 3 })).statusCode).toBe(403);
    expect((await call("omar.haddad", "PUT", `${url}/data.delete`, { mode: "deny" })).statusCode).toBe(403);
    expect((await t.app.inject({ method: "PUT", url: `${url}/data.delete`, payload: { mode: "deny" } })).statusCode).toBe(401);
    // who approves is a policy decision: admins only
    expect((await call("sam.taylor", "PUT", `${url}/email.send`, { approverRole: "it" })).statusCode).toBe(403);
    const role = await call("maya.chen", "PUT", `${url}/email.send`, { approverRole: "admin", approvalsRequired: 2 });
    expect(role.statusCode).toBe(200);
    expect(role.json().effective).toMatchObject({ approverRole: "admin", approvalsRequired: 2, mode: "require_approval" });
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "gated_action.override_set"), eq(auditEvents.resourceId, botIds["acme-sandbox-bot"]!), eq(auditEvents.outcome, "success")));
    expect(audit).toHaveLength(2);
  });

  it("lets admins loosen a bot's rule while it has an approved, unexpired Golden Rule exception, and only then", async () => {
    const bot = "incident-comms-bot"; // seeded with an approved exception valid until 2027
    const url = `/api/v1/bots/${botIds[bot]}/gated-actions/message.post_external`;
    expect((await call("sam.taylor", "PUT", url, { mode: "allow" })).statusCode).toBe(403);
    const res = await call("maya.chen", "PUT", url, { mode: "allow" });
    expect(res.statusCode).toBe(200);
    expect(res.json().effective.mode).toBe("allow");
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "gated_action.override_set"), eq(auditEvents.resourceId, botIds[bot]!)));
    expect(audit.find((e) => e.outcome === "success")!.details).toMatchObject({ loosensUnderException: "mode allow is looser than the org's require_approval" });
    // when the exception expires, the looser part stops applying by itself
    await t.database.db.update(goldenRuleExceptions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(goldenRuleExceptions.botId, botIds[bot]!));
    const item = (await botRules("maya.chen", bot)).find((i) => i.rule.action === "message.post_external")!;
    expect(item.override!.mode).toBe("allow");
    expect(item.effective.mode).toBe("require_approval");
  });

  it("removes an override (admins and IT), and answers 404 when there is none", async () => {
    const url = `/api/v1/bots/${botIds["acme-sandbox-bot"]}/gated-actions/data.delete`;
    expect((await call("daniel.kim", "DELETE", url)).statusCode).toBe(403);
    const before = await version();
    const res = await call("sam.taylor", "DELETE", url);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    expect(await version()).toBe(before + 1);
    expect((await botRules("daniel.kim", "acme-sandbox-bot")).find((i) => i.rule.action === "data.delete")!.override).toBeNull();
    expect((await call("sam.taylor", "DELETE", url)).statusCode).toBe(404);
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "gated_action.override_remove"), eq(auditEvents.outcome, "success")));
    expect(audit).toHaveLength(1);
  });
});
