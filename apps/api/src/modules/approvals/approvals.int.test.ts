import { approvalRequests, auditEvents, bots } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type View = {
  id: string;
  kind: string;
  status: string;
  bot: { id: string; name: string; owner: string | null; team: string | null };
  requester: { type: string; id: string | null; label: string };
  approverRole: string;
  approvalsRequired: number;
  approvals: number;
  effect: { summary: string; changes: string[] };
  reasons: { code: string; message: string; rule: string }[];
  currentScope: { grants: { system: string; scope: string }[]; channels: string[]; internalDataAccess: string };
  reviews: unknown[];
};
type Page = { items: View[]; nextCursor: string | null; total: number };

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe("approval requests: opening, preview, inbox", () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const botIds: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${tokens[who]}` });
  const post = (who: string, url: string, payload?: object) => t.app.inject({ method: "POST", url, headers: as(who), ...(payload ? { payload } : {}) });
  const get = (who: string, url: string) => t.app.inject({ method: "GET", url, headers: as(who) });
  const expansion = (bot: string, over: Record<string, unknown> = {}) => ({
    kind: "scope_expansion",
    botId: botIds[bot],
    justification: "Needs to comment on pull requests",
    payload: { system: "github", scope: "github:pull_requests:write", access: "write", grantExpiresAt: inDays(90), ...over },
  });

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    for (const p of ["daniel.kim", "omar.haddad", "priya.nair", "ines.moreau", "sam.taylor", "sofia.rossi", "lucas.meyer", "maya.chen"])
      tokens[p] = await tokenFor(t.database, `${p}@acme.example`);
    for (const b of await t.database.db.select({ id: bots.id, name: bots.name }).from(bots)) botIds[b.name] = b.id;
  });
  afterAll(() => t.close());

  it("previews a scope expansion that keeps to the Golden Rule", async () => {
    const res = await post("daniel.kim", "/api/v1/approval-requests/preview", expansion("acme-sandbox-bot"));
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.goldenRule).toEqual({ internalData: true, externalCommunication: false, violation: false });
    expect(p.becomesExceptionRequest).toBe(false);
    expect(p.effect.changes[0]).toMatch(/^add grant github:pull_requests:write \(write\) on github, expiring \d{4}-\d\d-\d\d$/);
    expect(p.reasons.map((r: { code: string }) => r.code)).toEqual(["adds_internal_data", "within_golden_rule"]);
    // a preview writes nothing
    expect(await t.database.db.select().from(approvalRequests)).toHaveLength(0);
  });

  it("previews an expansion that breaks the Golden Rule as an exception request, and refuses it as a plain expansion", async () => {
    const body = expansion("acme-terraform-plan-bot", { system: "discord", scope: "discord:webhooks:write" });
    const p = (await post("daniel.kim", "/api/v1/approval-requests/preview", body)).json();
    expect(p.goldenRule).toEqual({ internalData: true, externalCommunication: true, violation: true });
    expect(p.becomesExceptionRequest).toBe(true);
    const reason = p.reasons.find((r: { code: string }) => r.code === "golden_rule_exception_needed");
    expect(reason.message).toBe("This gives external communication to a bot with internal data access: the Golden Rule needs an exception covering discord");
    expect(reason.rule).toBe("BR-GOLDEN-RULE");

    const res = await post("daniel.kim", "/api/v1/approval-requests", body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/external communication to a bot with internal data access.*Request a Golden Rule exception instead: kind golden_rule_exception/);
    expect(res.json().error.details.becomesExceptionRequest).toBe(true);
  });

  it("opens a scope expansion with its effect, reasons, the bot's current scope and an audit event", async () => {
    const res = await post("daniel.kim", "/api/v1/approval-requests", expansion("acme-terraform-plan-bot", { scope: "github:checks:write" }));
    expect(res.statusCode).toBe(201);
    const v = res.json() as View;
    expect(v).toMatchObject({
      kind: "scope_expansion",
      status: "pending",
      bot: { name: "acme-terraform-plan-bot", owner: "daniel.kim@acme.example", team: "Platform Engineering" },
      requester: { type: "person", label: "daniel.kim@acme.example" },
      approverRole: "security",
      approvalsRequired: 1,
      approvals: 0,
      reviews: [],
    });
    expect(v.effect.summary).toBe("acme-terraform-plan-bot gains github:checks:write (write access on github)");
    expect(v.currentScope.grants.map((g) => g.scope)).toEqual(["github:pull_requests:write"]);
    expect(v.currentScope.internalDataAccess).toBe("confidential");
    const audit = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "approval.request"), eq(auditEvents.resourceId, v.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorLabel).toBe("daniel.kim@acme.example");
    // the same request twice is a conflict, not a second request
    const dup = await post("daniel.kim", "/api/v1/approval-requests", expansion("acme-terraform-plan-bot", { scope: "github:checks:write" }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.details.requestId).toBe(v.id);
  });

  it("refuses what could never be approved: a held grant, an unknown system, a foreign scope, a past expiry, a secret", async () => {
    const held = await post("daniel.kim", "/api/v1/approval-requests", expansion("acme-terraform-plan-bot"));
    expect(held.statusCode).toBe(409);
    expect(held.json().error.message).toMatch(/already holds github:pull_requests:write/);
    const unknown = await post("daniel.kim", "/api/v1/approval-requests", expansion("acme-sandbox-bot", { system: "jira", scope: "jira:issues:write" }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toBe("unknown connected system jira");
    const foreign = await post("daniel.kim", "/api/v1/approval-requests", expansion("acme-sandbox-bot", { scope: "slack-internal:chat:write" }));
    expect(foreign.statusCode).toBe(400);
    const past = await post("daniel.kim", "/api/v1/approval-requests", expansion("acme-sandbox-bot", { grantExpiresAt: inDays(-1) }));
    expect(past.statusCode).toBe(400);
    const secret = await post("daniel.kim", "/api/v1/approval-requests", {
      ...expansion("acme-sandbox-bot"),
      justification: "use ghp_abcdefghijklmnopqrstuvwxyz0123456789 for now",
    });
    expect(secret.statusCode).toBe(400);
    expect(secret.body).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    const badKind = await post("daniel.kim", "/api/v1/approval-requests", { ...expansion("acme-sandbox-bot"), kind: "gated_action" });
    expect(badKind.statusCode).toBe(400);
  });

  it("opens a Golden Rule exception that carries the grant, under dual control, and refuses incomplete or needless ones", async () => {
    const exception = (over: Record<string, unknown> = {}) => ({
      kind: "golden_rule_exception",
      botId: botIds["acme-terraform-plan-bot"],
      justification: "Post plan summaries to the infra channel of the community Discord",
      payload: {
        businessPurpose: "Community contributors see infrastructure plans",
        allowedSystems: ["discord"],
        allowedChannels: [],
        dataClassification: "internal (plan summaries only)",
        approvalRequirements: "Every post is reviewed by the on-call engineer",
        exceptionExpiresAt: inDays(90),
        grant: { system: "discord", scope: "discord:webhooks:write", access: "write" },
        ...over,
      },
    });
    const preview = (await post("daniel.kim", "/api/v1/approval-requests/preview", exception())).json();
    expect(preview.becomesExceptionRequest).toBe(true);
    expect(preview.reasons.map((r: { code: string }) => r.code)).toContain("exception_covers");

    const incomplete = await post("daniel.kim", "/api/v1/approval-requests", exception({ allowedSystems: ["statuspage"] }));
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error.message).toBe("The exception must also list discord in its allowed systems or channels");
    const tooLong = await post("daniel.kim", "/api/v1/approval-requests", exception({ exceptionExpiresAt: inDays(400) }));
    expect(tooLong.statusCode).toBe(400);
    const needless = await post("daniel.kim", "/api/v1/approval-requests", {
      ...exception(),
      botId: botIds["acme-sandbox-bot"],
    });
    expect(needless.statusCode).toBe(400);
    expect(needless.json().error.message).toMatch(/needs no Golden Rule exception/);

    const res = await post("daniel.kim", "/api/v1/approval-requests", exception());
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ kind: "golden_rule_exception", approverRole: "security", approvalsRequired: 2 });
    expect(res.json().effect.changes[0]).toMatch(/^add grant discord:webhooks:write \(write\)/);
  });

  it("opens an ownership transfer to an active person only", async () => {
    const transfer = (toEmail: string) => ({ kind: "ownership_transfer", botId: botIds["acme-sandbox-bot"], justification: "Moving teams", payload: { toEmail } });
    expect((await post("daniel.kim", "/api/v1/approval-requests", transfer("tomas.silva@acme.example"))).json().error.message).toMatch(/deactivated/);
    expect((await post("daniel.kim", "/api/v1/approval-requests", transfer("nobody@acme.example"))).statusCode).toBe(400);
    expect((await post("daniel.kim", "/api/v1/approval-requests", transfer("daniel.kim@acme.example"))).json().error.message).toMatch(/already owns/);
    expect((await post("daniel.kim", "/api/v1/approval-requests", transfer("acme-triage-bot.bot@acme.example"))).json().error.message).toMatch(/bot mailbox/);
    const res = await post("daniel.kim", "/api/v1/approval-requests", transfer("lucas.meyer@acme.example"));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ approverRole: "it", approvalsRequired: 1 });
    expect(res.json().effect.summary).toBe("Ownership of acme-sandbox-bot moves from daniel.kim@acme.example to lucas.meyer@acme.example");
  });

  it("lists the inbox with filters and cursors, newest first", async () => {
    const all = (await get("omar.haddad", "/api/v1/approval-requests?limit=200")).json() as Page;
    expect(all.total).toBe(3);
    const p1 = (await get("omar.haddad", "/api/v1/approval-requests?limit=2")).json() as Page;
    const p2 = (await get("omar.haddad", `/api/v1/approval-requests?limit=2&cursor=${p1.nextCursor}`)).json() as Page;
    expect([...p1.items, ...p2.items].map((v) => v.id)).toEqual(all.items.map((v) => v.id));
    expect(p2.nextCursor).toBeNull();
    expect(all.items[0]!.kind).toBe("ownership_transfer");
    // the inbox's batched view agrees with the single-request view the runtime long-polls
    for (const item of all.items) expect((await get("omar.haddad", `/api/v1/approval-requests/${item.id}`)).json()).toEqual(item);
    const only = async (qs: string) => ((await get("omar.haddad", `/api/v1/approval-requests?${qs}`)).json() as Page).items.map((v) => v.kind).sort();
    expect(await only("kind=golden_rule_exception")).toEqual(["golden_rule_exception"]);
    expect(await only("bot=acme-sandbox-bot")).toEqual(["ownership_transfer"]);
    expect(await only(`bot=${botIds["acme-terraform-plan-bot"]}`)).toEqual(["golden_rule_exception", "scope_expansion"]);
    expect(await only("team=platform&status=pending")).toHaveLength(3);
    expect(await only("team=sales")).toEqual([]);
    expect(await only("status=approved")).toEqual([]);
    expect(await only("olderThanMinutes=60")).toEqual([]);
    expect(await only("olderThanMinutes=0")).toHaveLength(3);
    expect(await only("mine=true")).toEqual([]);
    expect((await get("omar.haddad", "/api/v1/approval-requests?status=maybe")).statusCode).toBe(400);
    expect((await get("omar.haddad", "/api/v1/approval-requests?cursor=garbage")).statusCode).toBe(400);
  });

  it("shows people without bots.read_all only their own requests and requests on their bots", async () => {
    expect(((await get("daniel.kim", "/api/v1/approval-requests?mine=true")).json() as Page).total).toBe(3);
    expect(((await get("sofia.rossi", "/api/v1/approval-requests")).json() as Page).total).toBe(0);
    // an auditor reads everything
    expect(((await get("ines.moreau", "/api/v1/approval-requests")).json() as Page).total).toBe(3);
    // IT asks on the owner's behalf: the owner sees it although they did not make it
    const res = await post("sam.taylor", "/api/v1/approval-requests", {
      kind: "scope_expansion",
      botId: botIds["acme-flaky-test-bot"],
      justification: "Needs to read Sentry issues",
      payload: { system: "sentry", scope: "sentry:issues:read", access: "read" },
    });
    expect(res.statusCode).toBe(201);
    const sofia = (await get("sofia.rossi", "/api/v1/approval-requests")).json() as Page;
    expect(sofia.items.map((v) => v.id)).toEqual([res.json().id]);
  });

  it("counts the pending requests each person could approve (the badge)", async () => {
    const count = async (who: string) => (await get(who, "/api/v1/approval-requests/count")).json().pending as number;
    expect(await count("omar.haddad")).toBe(3); // two scope expansions and the exception
    expect(await count("sam.taylor")).toBe(1); // the transfer (IT); not his own scope expansion request
    expect(await count("ines.moreau")).toBe(0); // auditors read, never approve
    expect(await count("daniel.kim")).toBe(0);
    expect(await count("maya.chen")).toBe(0); // no admin-role request pending
  });

  describe("security", () => {
    it("answers 401 without credentials or with a bad token", async () => {
      for (const [method, url] of [
        ["GET", "/api/v1/approval-requests"],
        ["GET", "/api/v1/approval-requests/count"],
        ["POST", "/api/v1/approval-requests"],
        ["POST", "/api/v1/approval-requests/preview"],
      ] as const) {
        expect((await t.app.inject({ method, url })).statusCode).toBe(401);
        expect((await t.app.inject({ method, url, headers: { authorization: "Bearer brdl_pat_nope" } })).statusCode).toBe(401);
      }
    });

    it("refuses requests (and previews) on another owner's bot with 403, audited", async () => {
      const body = expansion("acme-triage-bot");
      const res = await post("daniel.kim", "/api/v1/approval-requests", body);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toBe("You do not have permission to request changes to this bot");
      expect((await post("daniel.kim", "/api/v1/approval-requests/preview", body)).statusCode).toBe(403);
      // security reads every bot but does not manage it
      expect((await post("omar.haddad", "/api/v1/approval-requests", body)).statusCode).toBe(403);
      const audit = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "approval.request"), eq(auditEvents.outcome, "denied"), eq(auditEvents.resourceId, botIds["acme-triage-bot"]!)));
      expect(audit.length).toBe(3);
      expect((await post("daniel.kim", "/api/v1/approval-requests", { ...body, botId: "00000000-0000-4000-8000-000000000000" })).statusCode).toBe(404);
    });

    it("refuses requests on an offboarded bot", async () => {
      const res = await post("maya.chen", "/api/v1/approval-requests", expansion("acme-hackweek-bot"));
      expect(res.statusCode).toBe(409);
      expect(res.json().error.message).toMatch(/offboarded/);
    });
  });
});
