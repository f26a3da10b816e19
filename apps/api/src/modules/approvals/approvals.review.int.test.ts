import { apiTokens, approvalRequests, approvalReviews, auditEvents, bots, botTokens, goldenRuleExceptions, grants, people, serviceAccounts } from "@bridle/db";
import { and, eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { hashToken } from "../../lib/crypto.ts";
import { rowsOf } from "../../lib/sql.ts";

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe("approval requests: reviews", () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const botIds: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  const post = (who: string, url: string, payload?: object) => t.app.inject({ method: "POST", url, headers: as(who), ...(payload ? { payload } : {}) });
  const approve = (who: string, id: string, note?: string) => post(who, `/api/v1/approval-requests/${id}/approve`, note ? { note } : undefined);
  const deny = (who: string, id: string, note?: string) => post(who, `/api/v1/approval-requests/${id}/deny`, note ? { note } : undefined);

  /** Opens a request through the API and returns its id. */
  async function open(who: string, body: Record<string, unknown>): Promise<string> {
    const res = await post(who, "/api/v1/approval-requests", { justification: "needed for the job", ...body });
    if (res.statusCode !== 201) throw new Error(`open failed: ${res.statusCode} ${res.body}`);
    return res.json().id as string;
  }
  const expansion = (bot: string, scope: string, system = scope.split(":")[0]!, access = "write") => ({
    kind: "scope_expansion",
    botId: botIds[bot],
    payload: { system, scope, access },
  });
  /** Registers a fresh bot owned by daniel.kim (so scenarios do not share state). */
  async function newBot(name: string, over: Record<string, unknown> = {}) {
    const res = await t.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: {
        name,
        owner: "daniel.kim@acme.example",
        team: "platform",
        purpose: "Test bot for approvals",
        environment: "staging",
        internalDataAccess: "none",
        channels: [],
        grants: [],
        serviceAccounts: [],
        credentialReferences: [],
        ...over,
      },
    });
    if (res.statusCode !== 201) throw new Error(`bot create failed: ${res.body}`);
    botIds[name] = res.json().id;
    return botIds[name]!;
  }
  const requestRow = async (id: string) => (await t.database.db.select().from(approvalRequests).where(eq(approvalRequests.id, id)))[0]!;
  const auditOf = (action: string, id: string) =>
    t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), eq(auditEvents.resourceId, id)));

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    for (const p of ["daniel.kim", "omar.haddad", "priya.nair", "ines.moreau", "sam.taylor", "jamal.reed", "maya.chen", "elena.petrova"])
      tokens[p] = await tokenFor(t.database, `${p}@acme.example`);
    for (const b of await t.database.db.select({ id: bots.id, name: bots.name }).from(bots)) botIds[b.name] = b.id;
  });
  afterAll(() => t.close());

  it("applies an approved scope expansion in one transaction: grant, findings, audit, policy notification", async () => {
    const botId = await newBot("acme-apply-bot");
    const saBefore = await t.database.db.select().from(serviceAccounts).where(eq(serviceAccounts.botId, botId));
    const versionBefore = (await t.database.db.select().from(bots).where(eq(bots.id, botId)))[0]!.version;
    const id = await open("daniel.kim", { ...expansion("acme-apply-bot", "github:pull_requests:write"), payload: { system: "github", scope: "github:pull_requests:write", access: "write", grantExpiresAt: inDays(30) } });

    // listen for the policy-changed notification every replica rebuilds its snapshot on
    const [{ d }] = rowsOf<{ d: string }>(await t.database.db.execute(sql`select current_database() as d`)) as [{ d: string }];
    const url = new URL(inject("adminDatabaseUrl"));
    url.pathname = `/${d}`;
    const listener = new pg.Client({ connectionString: url.toString() });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (n) => heard.push(`${n.channel}:${n.payload}`));
    await listener.query("listen bridle_policy_changed");
    await listener.query("listen bridle_approval_decided");

    const res = await approve("omar.haddad", id, "Scoped to one repository; fine");
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({ status: "approved", approvals: 1 });
    expect(v.reviews).toEqual([
      { reviewer: { id: expect.any(String), email: "omar.haddad@acme.example", displayName: "Omar Haddad" }, decision: "approve", note: "Scoped to one repository; fine", at: expect.any(String) },
    ]);
    expect(v.decidedAt).not.toBeNull();
    expect(v.currentScope.grants.map((g: { scope: string }) => g.scope)).toEqual(["github:pull_requests:write"]);
    const g = await t.database.db.select().from(grants).where(eq(grants.botId, botId));
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ scope: "github:pull_requests:write", access: "write" });
    expect(g[0]!.expiresAt).not.toBeNull();
    expect(await t.database.db.select().from(serviceAccounts).where(eq(serviceAccounts.botId, botId))).toEqual(saBefore);
    expect((await t.database.db.select().from(bots).where(eq(bots.id, botId)))[0]!.version).toBe(versionBefore + 1);
    // each event names the bot, so the audit log reads "approved a Scope expansion request for acme-apply-bot"
    expect((await auditOf("approval.approve", id)).map((e) => e.details)).toEqual([
      { kind: "scope_expansion", botId, bot: "acme-apply-bot", note: "Scoped to one repository; fine" },
    ]);
    const applied = await auditOf("approval.apply", botId);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.details).toMatchObject({ requestId: id, bot: "acme-apply-bot", approvers: ["omar.haddad@acme.example"], grant: { scope: "github:pull_requests:write" } });
    await new Promise((r) => setTimeout(r, 200));
    await listener.end();
    expect(heard).toContain(`bridle_approval_decided:${id}`);
    // the change notice names this bot only: every replica refreshes it, not its whole snapshot
    expect(heard.filter((h) => h.startsWith("bridle_policy_changed:"))).toEqual([`bridle_policy_changed:${JSON.stringify({ e: "approval.applied", bots: [botId] })}`]);
  });

  it("recomputes findings when an approved Golden Rule exception is applied, under dual control", async () => {
    const before = (await t.api({ method: "GET", url: `/api/v1/bots/${botIds["acme-changelog-bot"]}` })).json();
    expect(before.findingKinds).toContain("golden_rule");
    const id = await open("daniel.kim", {
      kind: "golden_rule_exception",
      botId: botIds["acme-changelog-bot"],
      payload: {
        businessPurpose: "Release notes reach the community where it lives",
        allowedSystems: ["discord"],
        allowedChannels: [],
        dataClassification: "public after release (merged pull request titles)",
        approvalRequirements: "Every post to Discord is reviewed by the release manager",
        exceptionExpiresAt: inDays(120),
      },
    });
    const first = await approve("omar.haddad", id);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: "pending", approvals: 1, approvalsRequired: 2 });
    // a dual-control request stays pending after one approval, and the same person cannot count twice
    const again = await approve("omar.haddad", id);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toMatch(/already reviewed/);
    expect(await t.database.db.select().from(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, botIds["acme-changelog-bot"]!))).toHaveLength(0);

    const second = await approve("priya.nair", id);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ status: "approved", approvals: 2 });
    const [exc] = await t.database.db.select().from(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, botIds["acme-changelog-bot"]!));
    expect(exc).toMatchObject({ status: "approved", approvedBy: "omar.haddad@acme.example, priya.nair@acme.example", allowedSystems: ["discord"] });
    expect(exc!.approvedAt).not.toBeNull();
    expect(exc!.expiresAt!.toISOString().slice(0, 10)).toBe(inDays(120).slice(0, 10));
    const after = (await t.api({ method: "GET", url: `/api/v1/bots/${botIds["acme-changelog-bot"]}` })).json();
    expect(after.findingKinds).not.toContain("golden_rule");
    expect(after.exception.status).toBe("approved");
  });

  it("applies an exception that carries its grant: both or nothing", async () => {
    await newBot("acme-bundle-bot", { internalDataAccess: "internal" });
    const id = await open("daniel.kim", {
      kind: "golden_rule_exception",
      botId: botIds["acme-bundle-bot"],
      payload: {
        businessPurpose: "Posts release summaries to the status page",
        allowedSystems: ["statuspage"],
        allowedChannels: [],
        dataClassification: "internal",
        approvalRequirements: "Each post is approved by the incident commander",
        exceptionExpiresAt: inDays(60),
        grant: { system: "statuspage", scope: "statuspage:incidents:write", access: "write" },
      },
    });
    await approve("priya.nair", id);
    expect((await approve("omar.haddad", id)).json().status).toBe("approved");
    const g = await t.database.db.select().from(grants).where(eq(grants.botId, botIds["acme-bundle-bot"]!));
    expect(g.map((x) => x.scope)).toEqual(["statuspage:incidents:write"]);
    expect(await t.database.db.select().from(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, botIds["acme-bundle-bot"]!))).toHaveLength(1);
    const bot = (await t.api({ method: "GET", url: `/api/v1/bots/${botIds["acme-bundle-bot"]}` })).json();
    expect(bot.findingKinds).not.toContain("golden_rule");
  });

  it("re-checks the bot when applying: an expansion that would now break the Golden Rule is refused and nothing changes", async () => {
    const botId = await newBot("acme-drift-bot");
    const id = await open("daniel.kim", expansion("acme-drift-bot", "discord:webhooks:write"));
    // since the request, the bot gained internal data access
    const patched = await t.api({ method: "PATCH", url: `/api/v1/bots/${botId}`, payload: { internalDataAccess: "confidential" } });
    expect(patched.statusCode).toBe(200);
    const res = await approve("omar.haddad", id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/would now break the Golden Rule/);
    expect((await requestRow(id)).status).toBe("pending");
    expect(await t.database.db.select().from(grants).where(eq(grants.botId, botId))).toHaveLength(0);
    expect(await t.database.db.select().from(approvalReviews).where(eq(approvalReviews.requestId, id))).toHaveLength(0);
    // the reviewer now sees why, and denies it
    const list = (await t.app.inject({ method: "GET", url: `/api/v1/approval-requests?bot=${botId}`, headers: as("omar.haddad") })).json();
    expect(list.items[0].reasons.map((r: { code: string }) => r.code)).toContain("golden_rule_exception_needed");
    expect((await deny("omar.haddad", id, "Now breaks the Golden Rule")).json().status).toBe("denied");
  });

  it("applies an approved ownership transfer", async () => {
    const id = await open("sam.taylor", { kind: "ownership_transfer", botId: botIds["acme-pto-bot"], payload: { toEmail: "kate.nguyen@acme.example" } });
    // the requester never approves their own request, even with the right role
    const own = await approve("sam.taylor", id);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toBe("You do not have permission to review your own request: someone else must decide it");
    expect((await approve("omar.haddad", id)).statusCode).toBe(403); // security is not IT
    const res = await approve("jamal.reed", id);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("approved");
    const [bot] = await t.database.db.select({ ownerId: bots.ownerId }).from(bots).where(eq(bots.id, botIds["acme-pto-bot"]!));
    const [kate] = await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, "kate.nguyen@acme.example"));
    expect(bot!.ownerId).toBe(kate!.id);
    expect((await auditOf("approval.apply", botIds["acme-pto-bot"]!))[0]!.details).toMatchObject({ owner: { from: "elena.petrova@acme.example", to: "kate.nguyen@acme.example" } });
  });

  it("never lets the requester or the bot's owner review, even with the approver role", async () => {
    // priya (security) asks for her own bot
    const own = await open("priya.nair", expansion("internal-runbook-assistant", "notion:pages:read", "notion", "read"));
    expect((await approve("priya.nair", own)).statusCode).toBe(403);
    expect((await deny("priya.nair", own)).statusCode).toBe(403);
    // IT asks on priya's bot: she owns it, so she does not decide it either
    const forHer = await open("sam.taylor", expansion("internal-runbook-assistant", "linear:issues:read", "linear", "read"));
    const res = await approve("priya.nair", forHer);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/a bot you own/);
    expect((await approve("omar.haddad", own)).json().status).toBe("approved");
    expect((await approve("omar.haddad", forHer)).json().status).toBe("approved");
    const denials = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "approval.approve"), eq(auditEvents.outcome, "denied"), eq(auditEvents.actorLabel, "priya.nair@acme.example")));
    expect(denials.length).toBe(2);
  });

  it("only humans review: bot tokens never reach the routes, and a person with a bot mailbox is refused", async () => {
    await newBot("acme-human-bot");
    const id = await open("daniel.kim", expansion("acme-human-bot", "github:issues:read", "github", "read"));
    const botToken = "brdl_bot_test_0123456789abcdef0123456789abcdef";
    await t.database.db.insert(botTokens).values({ botId: botIds["acme-human-bot"]!, name: "runtime", tokenHash: hashToken(botToken) });
    for (const url of [`/api/v1/approval-requests/${id}/approve`, `/api/v1/approval-requests/${id}/deny`, "/api/v1/approval-requests", "/api/v1/approval-requests/count"]) {
      const res = await t.app.inject({ method: url.endsWith("count") || url.endsWith("requests") ? "GET" : "POST", url, headers: { authorization: `Bearer ${botToken}` } });
      // refused before any route runs; a live bot token is told where it belongs
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toMatch(/Bot runtime tokens may only call/);
    }
    await t.database.db.insert(people).values({ email: "acme-human-bot.bot@acme.example", displayName: "Human Bot", roles: ["security"] });
    tokens.mailbox = await tokenFor(t.database, "acme-human-bot.bot@acme.example");
    const res = await approve("mailbox", id);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toMatch(/only humans review/);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/approval-requests/count", headers: as("mailbox") })).json().pending).toBe(0);
    expect((await requestRow(id)).status).toBe("pending");
  });

  it("refuses a reviewer's token narrowed below bots.read_all", async () => {
    await newBot("acme-scoped-bot");
    const id = await open("daniel.kim", expansion("acme-scoped-bot", "github:issues:read", "github", "read"));
    const narrow = "brdl_test_narrow_security_token_0123456789";
    const [omar] = await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, "omar.haddad@acme.example"));
    await t.database.db.insert(apiTokens).values({ name: "audit export", kind: "personal", tokenHash: hashToken(narrow), personId: omar!.id, scopes: ["audit.read"] });
    const res = await t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${id}/approve`, headers: { authorization: `Bearer ${narrow}` } });
    expect(res.statusCode).toBe(403);
    expect((await approve("omar.haddad", id)).json().status).toBe("approved");
  });

  it("requires the approver role exactly: admins do not stand in for security, auditors never approve", async () => {
    await newBot("acme-role-bot");
    const id = await open("daniel.kim", expansion("acme-role-bot", "github:issues:read", "github", "read"));
    for (const [who, msg] of [
      ["maya.chen", /needs the security role/],
      ["sam.taylor", /needs the security role/],
      ["ines.moreau", /needs the security role/],
      ["daniel.kim", /your own request/],
    ] as const) {
      const res = await approve(who, id);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toMatch(msg);
    }
    expect((await deny("ines.moreau", id)).statusCode).toBe(403);
    expect((await requestRow(id)).status).toBe("pending");

    // a gated action opened by the runtime, decided by admins under dual control; nothing is applied
    const botId = botIds["acme-role-bot"]!;
    const [gated] = await t.database.db
      .insert(approvalRequests)
      .values({
        kind: "gated_action",
        botId,
        requesterBotId: botId,
        payload: {
          action: "billing.purchase",
          target: { system: "github" },
          params: { seats: 10 },
          paramsText: '{\n  "seats": 10\n}',
          paramsRedacted: [],
          command: null,
          paramsSummary: "Buy 10 Copilot seats",
          sessionId: null,
        },
        approverRole: "admin",
        approvalsRequired: 2,
        runtimeRequestId: "rt-billing-1",
        paramsHash: "0".repeat(64),
        expiresAt: new Date(Date.now() + 3_600_000),
      })
      .returning();
    expect((await approve("omar.haddad", gated!.id)).statusCode).toBe(403);
    const one = await approve("maya.chen", gated!.id, "Budgeted");
    expect(one.json()).toMatchObject({ status: "pending", approvals: 1, requester: { type: "bot", label: "acme-role-bot" } });
    expect(one.json().effect.summary).toBe("acme-role-bot may billing.purchase once on system github");
    const two = await approve("elena.petrova", gated!.id);
    expect(two.json()).toMatchObject({ status: "approved", approvals: 2, consumedAt: null });
    expect(await t.database.db.select().from(grants).where(eq(grants.botId, botId))).toHaveLength(0);
  });

  it("refuses to approve after expiry (409) and records the expiry", async () => {
    await newBot("acme-late-bot");
    const id = await open("daniel.kim", expansion("acme-late-bot", "github:issues:read", "github", "read"));
    await t.database.db.update(approvalRequests).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(approvalRequests.id, id));
    const res = await approve("omar.haddad", id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(/^This request expired at .*; an expired request cannot be reviewed/);
    expect((await requestRow(id)).status).toBe("expired");
    expect((await auditOf("approval.expire", id)).map((e) => (e.details as { bot: string }).bot)).toEqual(["acme-late-bot"]);
    expect((await approve("priya.nair", id)).json().error.message).toMatch(/expired/);
    expect(await t.database.db.select().from(grants).where(eq(grants.botId, botIds["acme-late-bot"]!))).toHaveLength(0);
  });

  it("one deny ends a request, even under dual control; a denied request cannot be approved", async () => {
    await newBot("acme-deny-bot", { internalDataAccess: "internal" });
    const id = await open("daniel.kim", {
      kind: "golden_rule_exception",
      botId: botIds["acme-deny-bot"],
      payload: {
        businessPurpose: "Talk to customers on Telegram",
        allowedSystems: ["telegram"],
        allowedChannels: [],
        dataClassification: "internal",
        approvalRequirements: "none",
        exceptionExpiresAt: inDays(30),
        grant: { system: "telegram", scope: "telegram:messages:write", access: "write" },
      },
    });
    expect((await approve("omar.haddad", id)).json().status).toBe("pending");
    const denied = await deny("priya.nair", id, "Telegram is on the blocklist");
    expect(denied.statusCode).toBe(200);
    expect(denied.json()).toMatchObject({ status: "denied", approvals: 1 });
    expect(denied.json().reviews.map((r: { decision: string; note: string | null }) => [r.decision, r.note])).toEqual([
      ["approve", null],
      ["deny", "Telegram is on the blocklist"],
    ]);
    expect((await auditOf("approval.deny", id)).map((e) => e.details as { bot: string; note: string }).map((d) => [d.bot, d.note])).toEqual([["acme-deny-bot", "Telegram is on the blocklist"]]);
    const late = await approve("priya.nair", id);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(/^This request was denied at .*; a denied request cannot be approved/);
    expect(await t.database.db.select().from(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, botIds["acme-deny-bot"]!))).toHaveLength(0);
    expect(await t.database.db.select().from(grants).where(eq(grants.botId, botIds["acme-deny-bot"]!))).toHaveLength(0);
  });

  it("two reviewers approving at the same moment apply the change exactly once", async () => {
    for (let round = 0; round < 3; round++) {
      const botId = await newBot(`acme-race-${round}-bot`);
      const id = await open("daniel.kim", expansion(`acme-race-${round}-bot`, "github:issues:write"));
      const results = await Promise.all([approve("omar.haddad", id), approve("priya.nair", id)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.statusCode === 409)!.json().error.message).toMatch(/already approved/);
      expect(await t.database.db.select().from(grants).where(eq(grants.botId, botId))).toHaveLength(1);
      expect(await t.database.db.select().from(approvalReviews).where(eq(approvalReviews.requestId, id))).toHaveLength(1);
      expect(await auditOf("approval.apply", botId)).toHaveLength(1);
    }
  });

  it("lets the requester withdraw a pending request, and nobody else", async () => {
    await newBot("acme-withdraw-bot");
    const id = await open("daniel.kim", expansion("acme-withdraw-bot", "github:issues:read", "github", "read"));
    expect((await post("omar.haddad", `/api/v1/approval-requests/${id}/cancel`)).statusCode).toBe(403);
    const res = await post("daniel.kim", `/api/v1/approval-requests/${id}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("cancelled");
    expect((await approve("omar.haddad", id)).json().error.message).toMatch(/withdrawn/);
    expect((await auditOf("approval.cancel", id)).map((e) => e.outcome).sort()).toEqual(["denied", "success"]);
    expect((await auditOf("approval.cancel", id)).find((e) => e.outcome === "success")!.details).toMatchObject({ bot: "acme-withdraw-bot" });
  });

  it("answers 401 without credentials, 404 for an unknown request and 400 for a malformed id", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    expect((await t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${id}/approve` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${id}/deny`, headers: { authorization: "Bearer nope" } })).statusCode).toBe(401);
    expect((await approve("omar.haddad", id)).statusCode).toBe(404);
    expect((await approve("omar.haddad", "not-a-uuid")).statusCode).toBe(400);
    expect((await post("omar.haddad", `/api/v1/approval-requests/${id}/approve`, { note: "x", extra: true })).statusCode).toBe(400);
  });
});
