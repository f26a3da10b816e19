import { randomUUID } from "node:crypto";
import type { TDecision } from "@bridle/contracts";
import { auditEvents, killSwitchSettings, teams } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/**
 * The kill switch through the API against a real database: each scope halts exactly its bots'
 * decisions (and a bot that joins the scope later), read-only mode lets reads through, resuming
 * is explicit (with a second person when the org asks), an approval given before the switch does
 * not get past it, and who may do what. Everything is audited, refusals too.
 */
describe("kill switch", () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let triage: { token: string; botId: string };
  let deploy: { token: string; botId: string };
  let metrics: { token: string; botId: string };

  const as = (who: string, method: "GET" | "POST" | "PUT" | "PATCH", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const ask = async (bot: { token: string }, action = "issue.comment", target: object = { system: "github" }, requestId = `req-${randomUUID()}`, params?: object) => {
    const res = await decide(t, bot.token, { action, target, requestId, ...(params ? { params } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TDecision;
  };
  const engage = async (who: string, scope: object, mode: "pause" | "read_only" = "pause", reason = "suspected prompt injection") => {
    const res = await as(who, "POST", "/api/v1/kill-switch", { scope, mode, reason });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; haltedBots: number; status: string; engagedBy: string };
  };
  const resume = (who: string, id: string, reason = "contained; tokens rotated") => as(who, "POST", `/api/v1/kill-switch/${id}/resume`, { reason });
  const auditOf = (action: string, outcome = "success") => t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.outcome, outcome)));

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    for (const who of ["omar.haddad", "priya.nair", "lucas.meyer", "sam.taylor", "ines.moreau", "maya.chen"]) tokens[who] = await tokenFor(t.database, `${who}@acme.example`);
    triage = await botTokenFor(t, "acme-triage-bot");
    deploy = await botTokenFor(t, "acme-deploy-bot");
    metrics = await botTokenFor(t, "acme-metrics-digest-bot");
  });
  afterAll(() => t.close());

  it("a bot scope halts that bot only, names the switch and its reason, and resuming lets it act again", async () => {
    expect((await ask(triage)).decision).toBe("allow");
    const sw = await engage("omar.haddad", { kind: "bot", subject: triage.botId });
    expect(sw).toMatchObject({ status: "active", haltedBots: 1, engagedBy: "omar.haddad@acme.example" });
    const d = await ask(triage);
    expect(d.decision).toBe("deny");
    expect(d.reasons).toEqual([{ code: "kill_switch", rule: "BR-KILL-SWITCH", message: expect.stringContaining(sw.id) }]);
    expect(d.reasons[0]!.message).toContain("suspected prompt injection");
    expect((await ask(deploy)).decision).toBe("allow");

    const res = await resume("omar.haddad", sw.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: "resumed", switch: { status: "resumed", haltedBots: 0, resumed: { by: "omar.haddad@acme.example", reason: "contained; tokens rotated" } } });
    expect((await ask(triage)).decision).toBe("allow");
    expect((await resume("omar.haddad", sw.id)).statusCode).toBe(409);
    const [engaged] = (await auditOf("kill_switch.engage")).filter((e) => e.resourceId === sw.id);
    expect(engaged).toMatchObject({ actorLabel: "omar.haddad@acme.example", resourceType: "kill_switch" });
    expect(engaged!.details).toMatchObject({ scope: { kind: "bot", subject: triage.botId, label: "bot acme-triage-bot" }, mode: "pause", haltedBots: 1 });
    expect((await auditOf("kill_switch.resume")).filter((e) => e.resourceId === sw.id)).toHaveLength(1);
  });

  it("a team scope halts the team's bots, and a bot moved onto the team later", async () => {
    const [platform] = await t.database.db.select().from(teams).where(eq(teams.slug, "platform"));
    const [data] = await t.database.db.select().from(teams).where(eq(teams.slug, "data"));
    const preview = await as("omar.haddad", "POST", "/api/v1/kill-switch/preview", { scope: { kind: "team", subject: data!.id } });
    expect(preview.statusCode, preview.body).toBe(200);
    const count = preview.json().count as number;
    expect(count).toBeGreaterThan(0);
    expect(preview.json().bots.map((b: { name: string }) => b.name)).toContain("acme-metrics-digest-bot");
    const sw = await engage("omar.haddad", { kind: "team", subject: data!.id });
    expect(sw.haltedBots).toBe(count);
    expect((await ask(metrics)).reasons[0]!.code).toBe("kill_switch");
    expect((await ask(triage)).decision).toBe("allow");
    // the triage bot joins the data team: halted at its next decision
    const moved = await t.api({ method: "PATCH", url: `/api/v1/bots/${triage.botId}`, payload: { team: "data" } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await ask(triage)).reasons[0]!.code).toBe("kill_switch");
    await t.api({ method: "PATCH", url: `/api/v1/bots/${triage.botId}`, payload: { team: "platform" } });
    expect((await ask(triage)).decision).toBe("allow");
    expect(platform).toBeDefined();
    expect((await resume("omar.haddad", sw.id)).statusCode).toBe(200);
    expect((await ask(metrics)).reasons[0]!.code).not.toBe("kill_switch");
  });

  it("a channel scope halts the bots on that channel; a skill scope the bots allowed that skill, also when given it later", async () => {
    const ch = await engage("priya.nair", { kind: "channel", subject: "slack-internal" });
    expect((await ask(triage)).reasons[0]!.code).toBe("kill_switch");
    expect((await ask(deploy)).reasons[0]!.code).toBe("kill_switch"); // both talk on slack-internal
    expect((await resume("priya.nair", ch.id)).statusCode).toBe(200);

    const sw = await engage("omar.haddad", { kind: "skill", subject: "web-search" });
    expect(sw.haltedBots).toBe(0);
    expect((await ask(triage)).decision).toBe("allow");
    const bot = (await t.api({ method: "GET", url: `/api/v1/bots/${triage.botId}` })).json();
    const given = await t.api({ method: "PATCH", url: `/api/v1/bots/${triage.botId}`, payload: { runtimeProfile: { ...bot.runtimeProfile, allowedTools: ["web-search@1.2.0"] } } });
    expect(given.statusCode, given.body).toBe(200);
    expect((await ask(triage)).reasons[0]!.code).toBe("kill_switch");
    expect((await ask(deploy)).decision).toBe("allow");
    const status = (await as("omar.haddad", "GET", "/api/v1/kill-switch/status")).json();
    expect(status.haltedBots).toEqual([{ botId: triage.botId, bot: "acme-triage-bot", mode: "pause", switchIds: [sw.id] }]);
    expect((await resume("omar.haddad", sw.id)).statusCode).toBe(200);
  });

  it("every bot: all decisions denied until resumed", async () => {
    const sw = await engage("omar.haddad", { kind: "all" });
    for (const bot of [triage, deploy, metrics]) expect((await ask(bot)).reasons[0]!.code).toBe("kill_switch");
    expect((await resume("omar.haddad", sw.id)).statusCode).toBe(200);
    expect((await ask(deploy)).decision).toBe("allow");
  });

  it("read-only mode denies write-type actions and external communication, and lets reads through", async () => {
    const sw = await engage("omar.haddad", { kind: "bot", subject: triage.botId }, "read_only");
    expect((await ask(triage, "repo.read")).decision).toBe("allow");
    expect((await ask(triage, "github:issues:read")).decision).toBe("allow");
    const write = await ask(triage, "issue.comment");
    expect(write.decision).toBe("deny");
    expect(write.reasons[0]!.message).toContain("read-only mode");
    expect((await ask(triage, "email.send", {})).reasons[0]!.code).toBe("kill_switch");
    expect((await ask(triage, "shell.exec", { system: "github" }, undefined, { command: "ls" })).reasons[0]!.code).toBe("kill_switch");
    // a pause on top of it wins: reads are denied too
    const pause = await engage("omar.haddad", { kind: "team", subject: (await t.database.db.select().from(teams).where(eq(teams.slug, "platform")))[0]!.id });
    expect((await ask(triage, "repo.read")).reasons[0]!.message).toContain(pause.id);
    expect((await resume("omar.haddad", pause.id)).statusCode).toBe(200);
    expect((await ask(triage, "repo.read")).decision).toBe("allow");
    expect((await resume("omar.haddad", sw.id)).statusCode).toBe(200);
  });

  it("an approval given before the switch does not get past it; after the resume it is still good once", async () => {
    const requestId = `req-${randomUUID()}`;
    const shell = () => ask(triage, "shell.exec", { system: "github" }, requestId, { command: "make deploy" });
    const pending = await shell();
    expect(pending.decision).toBe("require_approval");
    const approved = await as("omar.haddad", "POST", `/api/v1/approval-requests/${pending.approvalRequestId}/approve`, { note: "ok" });
    expect(approved.statusCode, approved.body).toBe(200);
    const sw = await engage("priya.nair", { kind: "bot", subject: triage.botId });
    const held = await shell();
    expect(held).toMatchObject({ decision: "deny", reasons: [{ code: "kill_switch" }] });
    expect((await resume("priya.nair", sw.id)).statusCode).toBe(200);
    expect(await shell()).toMatchObject({ decision: "allow", reasons: [{ code: "approved" }] });
  });

  it("with the org's second-person setting, a resume is a request another security person confirms", async () => {
    const set = await as("maya.chen", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: true });
    expect(set.statusCode, set.body).toBe(200);
    expect((await as("omar.haddad", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: false })).statusCode).toBe(403);
    const sw = await engage("omar.haddad", { kind: "bot", subject: deploy.botId });
    const first = await resume("omar.haddad", sw.id, "looks clean now");
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ outcome: "resume_requested", switch: { status: "resume_requested", resumeRequest: { by: "omar.haddad@acme.example", reason: "looks clean now" }, resumed: null } });
    expect((await ask(deploy)).reasons[0]!.code).toBe("kill_switch"); // still halted
    const self = await resume("omar.haddad", sw.id);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.message).toMatch(/different person/);
    const confirmed = await resume("priya.nair", sw.id, "confirmed with the owner");
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ outcome: "resumed", switch: { status: "resumed", resumed: { by: "priya.nair@acme.example" } } });
    expect((await ask(deploy)).decision).toBe("allow");
    const [event] = (await auditOf("kill_switch.resume")).filter((e) => e.resourceId === sw.id);
    expect(event!.details).toMatchObject({ requestedBy: "omar.haddad@acme.example", reason: "confirmed with the owner" });
    expect((await auditOf("kill_switch.resume_request")).filter((e) => e.resourceId === sw.id)).toHaveLength(1);
    await as("maya.chen", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: false });
  });

  it("a resume requested under the second-person rule: the rule cannot be turned off while it waits, and the requester never confirms it alone", async () => {
    expect((await as("maya.chen", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: true })).statusCode).toBe(200);
    const a = await engage("omar.haddad", { kind: "bot", subject: deploy.botId });
    const b = await engage("omar.haddad", { kind: "bot", subject: metrics.botId });
    // the admin asks for both resumes...
    for (const sw of [a, b]) expect((await resume("maya.chen", sw.id, "looks clean")).json()).toMatchObject({ outcome: "resume_requested" });
    // ...then tries to turn the rule off: refused, naming how many wait, and audited
    const off = await as("maya.chen", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: false });
    expect(off.statusCode, off.body).toBe(409);
    expect(off.json().error).toMatchObject({
      code: "conflict",
      message:
        "The second-person rule cannot be turned off while 2 kill switch resume requests are waiting for a second person: each was requested under the rule, so a different person with the kill switch permission must confirm them first",
      details: { pendingResumeRequests: 2 },
    });
    expect((await as("maya.chen", "GET", "/api/v1/kill-switch/settings")).json()).toEqual({ resumeRequiresSecondPerson: true });
    const refusals = (await auditOf("kill_switch.settings_update", "denied")).filter((e) => e.actorLabel === "maya.chen@acme.example");
    expect(refusals.map((e) => [e.actorLabel, e.details])).toEqual([
      ["maya.chen@acme.example", { roles: ["admin"], attempted: "turn off the second-person rule for resuming a kill switch", reason: "2 resume request(s) pending" }],
    ]);
    // she cannot confirm her own request
    const self = await resume("maya.chen", a.id);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.message).toMatch(/different person must confirm it/);
    expect((await ask(deploy)).reasons[0]!.code).toBe("kill_switch");
    // once one is confirmed by someone else, the refusal counts the one left
    expect((await resume("priya.nair", a.id, "confirmed")).json()).toMatchObject({ outcome: "resumed" });
    const stillOne = await as("maya.chen", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: false });
    expect(stillOne.statusCode).toBe(409);
    expect(stillOne.json().error.message).toContain("while 1 kill switch resume request is waiting");

    // a request left pending with the rule off (as before this check existed) still needs a second person
    await t.database.db.update(killSwitchSettings).set({ resumeRequiresSecondPerson: false }).where(eq(killSwitchSettings.id, 1));
    const alone = await resume("maya.chen", b.id);
    expect(alone.statusCode, alone.body).toBe(409);
    expect((await ask(metrics)).reasons[0]!.code).toBe("kill_switch"); // still halted
    expect((await auditOf("kill_switch.resume", "denied")).filter((e) => e.resourceId === b.id).map((e) => e.actorLabel)).toEqual(["maya.chen@acme.example"]);
    expect((await resume("priya.nair", b.id, "confirmed")).json()).toMatchObject({ outcome: "resumed", switch: { resumed: { by: "priya.nair@acme.example" } } });
    // with nothing pending the rule turns off
    await as("maya.chen", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: true });
    expect((await as("maya.chen", "PUT", "/api/v1/kill-switch/settings", { resumeRequiresSecondPerson: false })).statusCode).toBe(200);
  });

  it("permissions: owners and IT pause a bot they manage; only security and admins the rest; refusals are audited", async () => {
    const before = (await auditOf("kill_switch.engage", "denied")).length;
    // the owner of the triage bot: their bot yes, someone else's bot or a team no
    const own = await engage("lucas.meyer", { kind: "bot", subject: triage.botId }, "pause", "my bot is looping");
    expect((await as("lucas.meyer", "POST", "/api/v1/kill-switch", { scope: { kind: "bot", subject: deploy.botId }, reason: "not mine" })).statusCode).toBe(403);
    expect((await as("lucas.meyer", "POST", "/api/v1/kill-switch", { scope: { kind: "all" }, reason: "everything" })).statusCode).toBe(403);
    expect((await as("ines.moreau", "POST", "/api/v1/kill-switch", { scope: { kind: "bot", subject: deploy.botId }, reason: "auditor" })).statusCode).toBe(403);
    expect((await auditOf("kill_switch.engage", "denied")).length).toBe(before + 3);
    // IT manages every bot: a bot scope, not a channel
    const it = await engage("sam.taylor", { kind: "bot", subject: deploy.botId }, "pause", "offboarding in progress");
    expect((await as("sam.taylor", "POST", "/api/v1/kill-switch", { scope: { kind: "channel", subject: "slack-internal" }, reason: "not for IT" })).statusCode).toBe(403);
    // the owner sees the switch halting their bot, not IT's switch on another bot
    const status = (await as("lucas.meyer", "GET", "/api/v1/kill-switch/status")).json();
    expect(status.engaged.map((s: { id: string }) => s.id)).toEqual([own.id]);
    expect((await as("lucas.meyer", "GET", "/api/v1/kill-switch")).statusCode).toBe(403);
    expect((await as("ines.moreau", "GET", "/api/v1/kill-switch?status=engaged")).json().items.map((s: { id: string }) => s.id).sort()).toEqual([own.id, it.id].sort());
    // security's switch is not the owner's to lift; their own is
    const sec = await engage("omar.haddad", { kind: "bot", subject: triage.botId });
    expect((await resume("lucas.meyer", sec.id)).statusCode).toBe(403);
    expect((await auditOf("kill_switch.resume", "denied")).filter((e) => e.resourceId === sec.id).map((e) => e.actorLabel)).toEqual(["lucas.meyer@acme.example"]);
    expect((await resume("lucas.meyer", own.id)).statusCode).toBe(200);
    expect((await ask(triage)).reasons[0]!.message).toContain(sec.id);
    expect((await resume("omar.haddad", sec.id)).statusCode).toBe(200);
    expect((await resume("sam.taylor", it.id)).statusCode).toBe(200);
    expect((await ask(triage)).decision).toBe("allow");
  });

  it("refuses a scope that names nothing, and a reason that says nothing", async () => {
    expect((await as("omar.haddad", "POST", "/api/v1/kill-switch", { scope: { kind: "bot", subject: randomUUID() }, reason: "gone" })).statusCode).toBe(400);
    expect((await as("omar.haddad", "POST", "/api/v1/kill-switch", { scope: { kind: "team", subject: randomUUID() }, reason: "gone" })).statusCode).toBe(400);
    expect((await as("omar.haddad", "POST", "/api/v1/kill-switch", { scope: { kind: "all" }, reason: "" })).statusCode).toBe(400);
    expect((await as("omar.haddad", "POST", `/api/v1/kill-switch/${randomUUID()}/resume`, { reason: "nothing" })).statusCode).toBe(404);
  });
});
