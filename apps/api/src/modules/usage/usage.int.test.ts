import { randomUUID } from "node:crypto";
import type { TBudget, TDecision, TRuntimeEvent, TUsageReport } from "@bridle/contracts";
import { auditEvents, notifications } from "@bridle/db";
import { and, eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide, eventually } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { rowsOf } from "../../lib/sql.ts";

/**
 * Usage, cost and budgets through the real app on PostgreSQL: usage rolled up from real
 * `POST /events` batches and `POST /decisions`, budget caps enforced at decision time, 80 %
 * notified once, a new period lifting a cap, and who may read and set what.
 */
describe("usage and budgets", () => {
  let t: TestApp;
  let triage: { token: string; botId: string }; // acme-triage-bot: lucas.meyer, team Platform Engineering
  let testTriage: { token: string; botId: string }; // acme-test-triage-bot: lucas.meyer too
  let kbSync: { token: string; botId: string }; // acme-kb-sync-bot: liam.obrien, Customer Support
  let escalation: { token: string; botId: string }; // acme-escalation-bot: carmen.diaz, Customer Support
  const people: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    triage = await botTokenFor(t, "acme-triage-bot");
    testTriage = await botTokenFor(t, "acme-test-triage-bot");
    kbSync = await botTokenFor(t, "acme-kb-sync-bot");
    escalation = await botTokenFor(t, "acme-escalation-bot");
    for (const who of ["lucas.meyer", "liam.obrien", "carmen.diaz", "omar.haddad", "daniel.kim", "maya.chen"]) {
      people[who] = await tokenFor(t.database, `${who}@acme.example`);
      const [p] = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from people where email = ${`${who}@acme.example`}`));
      ids[who] = p!.id;
    }
  });
  afterAll(() => t.close());

  const post = (token: string, events: TRuntimeEvent[]) =>
    t.app.inject({ method: "POST", url: "/api/v1/events", headers: { authorization: `Bearer ${token}` }, payload: { events } });
  const as = (who: string, method: "GET" | "PUT" | "PATCH" | "DELETE", url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${people[who]}` }, ...(payload ? { payload } : {}) });
  const spend = async (bot: { token: string }, costUsd: number) => {
    const res = await post(bot.token, [{ type: "usage", id: randomUUID(), sessionId: `s-${randomUUID()}`, time: new Date().toISOString(), model: "gpt-5", inputTokens: 100, outputTokens: 10, costUsd }]);
    expect(res.statusCode, res.body).toBe(200);
  };
  const ask = async (bot: { token: string }, action: string, target: Record<string, string> = {}) => {
    const res = await decide(t, bot.token, { requestId: randomUUID(), action, target });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TDecision;
  };
  const setCap = (who: string, body: { scope: "bot" | "team"; subjectId: string; period: "day" | "month"; capUsd: number }) => as(who, "PUT", "/api/v1/budgets", body);
  const teamId = async (name: string) => rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from teams where name = ${name}`))[0]!.id;
  const noticesOf = (who: string, kind: string) =>
    t.database.db.select().from(notifications).where(and(eq(notifications.recipientId, ids[who]!), eq(notifications.kind, kind)));
  const auditOf = (action: string) => t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action));

  it("rolls up runtime events and decisions per bot: sessions, tool calls, failures, timeouts, tokens, cost, decisions by verdict", async () => {
    const s = `s-${randomUUID()}`;
    const now = new Date().toISOString();
    const events: TRuntimeEvent[] = [
      { type: "session_start", id: randomUUID(), sessionId: s, time: now, agent: "main" },
      { type: "tool_call", id: randomUUID(), sessionId: s, time: now, toolCallId: "c1", tool: "exec" },
      { type: "tool_result", id: randomUUID(), sessionId: s, time: now, toolCallId: "c1", tool: "exec", ok: false, error: "command timed out after 30s" },
      { type: "tool_call", id: randomUUID(), sessionId: s, time: now, toolCallId: "c2", tool: "exec" },
      { type: "tool_result", id: randomUUID(), sessionId: s, time: now, toolCallId: "c2", tool: "exec", ok: true },
      { type: "error", id: randomUUID(), sessionId: s, time: now, message: "model call timed out", code: "timeout" },
      { type: "usage", id: randomUUID(), sessionId: s, time: now, model: "gpt-5", inputTokens: 1200, outputTokens: 300, costUsd: 0.0125 },
      { type: "usage", id: randomUUID(), sessionId: s, time: now, model: "gpt-5", inputTokens: 800, outputTokens: 200, costUsd: 0.0075 },
      { type: "heartbeat", id: randomUUID(), time: now, runtime: "openclaw" },
    ];
    const res = await post(testTriage.token, events);
    expect(res.statusCode, res.body).toBe(200);
    // a retry of the same batch adds nothing
    expect((await post(testTriage.token, events)).json()).toMatchObject({ duplicates: 9 });
    expect((await ask(testTriage, "github.issue.comment", { system: "github" })).decision).toBe("allow");
    expect((await ask(testTriage, "message.post", { channel: "nowhere" })).decision).toBe("deny");

    const r = await as("lucas.meyer", "GET", `/api/v1/usage?scope=bot&id=${testTriage.botId}&granularity=day`);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json() as TUsageReport;
    expect(report.label).toBe("acme-test-triage-bot");
    expect(report.bots).toBe(1);
    expect(report.totals).toEqual({
      sessions: 1,
      toolCalls: 2,
      toolFailures: 1,
      timeouts: 2,
      errors: 1,
      inputTokens: 2000,
      outputTokens: 500,
      costUsd: 0.02,
      decisionsAllow: 1,
      decisionsDeny: 1,
      approvalsAsked: 0,
      approvalsGranted: 0,
      approvalsDenied: 0,
      denialsOverruled: 0,
    });
    // 30 days back by default, every day present, today's bucket holding it all
    expect(report.series.length).toBeGreaterThanOrEqual(30);
    const today = new Date().toISOString().slice(0, 10);
    expect(report.series.filter((p) => p.costUsd > 0).map((p) => p.start.slice(0, 10))).toEqual([today]);

    // the owner's view of all their bots, weekly, and the CSV export
    const mine = await as("lucas.meyer", "GET", `/api/v1/usage?scope=owner&id=${ids["lucas.meyer"]}&granularity=week`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect((mine.json() as TUsageReport).totals.toolCalls).toBe(2);
    const csv = await as("lucas.meyer", "GET", `/api/v1/usage.csv?scope=bot&id=${testTriage.botId}&granularity=month`);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toBe("start,scope,subject,sessions,toolCalls,toolFailures,timeouts,errors,inputTokens,outputTokens,costUsd,decisionsAllow,decisionsDeny,approvalsAsked,approvalsGranted,approvalsDenied,denialsOverruled");
    expect(lines.at(-1)).toMatch(/,bot,acme-test-triage-bot,1,2,1,2,1,2000,500,0\.02,1,1,0,0,0,0$/);
  });

  it("counts human overrides: gated actions approved and denied by a person, and denials overruled (an approved scope expansion)", async () => {
    const security = await tokenFor(t.database, "priya.nair@acme.example");
    const review = (id: string, verdict: "approve" | "deny") =>
      t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${id}/${verdict}`, headers: { authorization: `Bearer ${security}` } });
    // acme-triage-bot: shell.exec needs one approval from security
    const first = await ask(triage, "shell.exec", { system: "github" });
    expect(first.decision).toBe("require_approval");
    expect((await review(first.approvalRequestId!, "approve")).statusCode).toBe(200);
    const second = await ask(triage, "shell.exec", { system: "github" });
    expect((await review(second.approvalRequestId!, "deny")).statusCode).toBe(200);
    // lucas asks for a scope the bot was refused; security approves it
    const expansion = await t.app.inject({
      method: "POST",
      url: "/api/v1/approval-requests",
      headers: { authorization: `Bearer ${people["lucas.meyer"]}` },
      payload: { kind: "scope_expansion", botId: triage.botId, justification: "Read Sentry issues", payload: { system: "sentry", scope: "sentry:issues:read", access: "read" } },
    });
    expect(expansion.statusCode, expansion.body).toBe(201);
    expect((await review(expansion.json().id, "approve")).statusCode).toBe(200);

    const res = await as("lucas.meyer", "GET", `/api/v1/usage?scope=bot&id=${triage.botId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as TUsageReport).totals).toMatchObject({ approvalsAsked: 2, approvalsGranted: 1, approvalsDenied: 1, denialsOverruled: 1 });

    // a bot whose only activity in the period is a person's approval: its day is still a day
    const sandbox = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from bots where name = 'acme-sandbox-bot'`))[0]!.id;
    const quiet = await t.app.inject({
      method: "POST",
      url: "/api/v1/approval-requests",
      headers: { authorization: `Bearer ${people["daniel.kim"]}` },
      payload: { kind: "scope_expansion", botId: sandbox, justification: "Read Sentry issues", payload: { system: "sentry", scope: "sentry:issues:read", access: "read" } },
    });
    expect(quiet.statusCode, quiet.body).toBe(201);
    expect((await review(quiet.json().id, "approve")).statusCode).toBe(200);
    const only = await as("daniel.kim", "GET", `/api/v1/usage?scope=bot&id=${sandbox}`);
    expect(only.statusCode, only.body).toBe(200);
    const report = only.json() as TUsageReport;
    expect(report.totals).toMatchObject({ decisionsAllow: 0, approvalsGranted: 0, denialsOverruled: 1 });
    expect(report.series.filter((p) => p.denialsOverruled > 0).map((p) => p.start.slice(0, 10))).toEqual([new Date().toISOString().slice(0, 10)]);
  });

  it("a bot's daily cap: 80 % notifies the owner once, at the cap write-type decisions are denied naming it, read-only ones allowed", async () => {
    const set = await setCap("maya.chen", { scope: "bot", subjectId: triage.botId, period: "day", capUsd: 1 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ scope: "bot", subjectName: "acme-triage-bot", period: "day", capUsd: 1, spentUsd: 0, exhausted: false, setBy: "maya.chen@acme.example" });

    await spend(triage, 0.5);
    expect(await noticesOf("lucas.meyer", "budget_threshold")).toHaveLength(0);
    await spend(triage, 0.35);
    const warned = await noticesOf("lucas.meyer", "budget_threshold");
    expect(warned.map((n) => n.title)).toEqual(["Budget 85 % spent: bot acme-triage-bot's daily budget of $1.00"]);
    await spend(triage, 0.05);
    expect(await noticesOf("lucas.meyer", "budget_threshold")).toHaveLength(1);
    expect(await auditOf("budget.threshold_reached")).toHaveLength(1);
    expect((await ask(triage, "github.issue.comment", { system: "github" })).decision).toBe("allow");

    await spend(triage, 0.12);
    const denied = await eventually(
      () => ask(triage, "github.issue.comment", { system: "github" }),
      (d) => d.decision === "deny",
    );
    expect(denied.decision).toBe("deny");
    expect(denied.reasons).toEqual([
      {
        code: "budget_exhausted",
        rule: "BR-BUDGET",
        message: "github.issue.comment refused: bot acme-triage-bot's daily budget of $1.00 is spent ($1.02 so far today); until the period ends only read-only actions are allowed",
      },
    ]);
    expect((await ask(triage, "github:contents:read", { system: "github" })).decision).toBe("allow");
    const [exhausted] = await auditOf("budget.exhausted");
    expect(exhausted).toMatchObject({ actorType: "system", resourceType: "budget", resourceId: (set.json() as TBudget).id });
    expect(exhausted!.details).toMatchObject({ scope: "bot", subject: "acme-triage-bot", period: "day", capUsd: 1, spentUsd: 1.02, percent: 102, botIds: [triage.botId] });
    expect((await noticesOf("lucas.meyer", "budget_exhausted")).map((n) => n.title)).toEqual(["Budget spent: bot acme-triage-bot's daily budget of $1.00"]);
    // more spend past the cap alerts nobody again
    await spend(triage, 0.1);
    expect(await auditOf("budget.exhausted")).toHaveLength(1);

    // the owner sees the spend against the cap
    const list = await as("lucas.meyer", "GET", `/api/v1/budgets?scope=bot&subjectId=${triage.botId}`);
    expect(list.statusCode, list.body).toBe(200);
    expect((list.json() as { items: TBudget[] }).items).toEqual([expect.objectContaining({ subjectName: "acme-triage-bot", capUsd: 1, spentUsd: 1.12, exhausted: true })]);

    // an admin raises the cap: allowed again at once
    expect((await setCap("maya.chen", { scope: "bot", subjectId: triage.botId, period: "day", capUsd: 5 })).statusCode).toBe(200);
    expect((await ask(triage, "github.issue.comment", { system: "github" })).decision).toBe("allow");
    const [setEvent] = (await auditOf("budget.set")).filter((e) => (e.details as { changes: { capUsd?: { before: unknown } } }).changes.capUsd?.before === 1);
    expect(setEvent!.details).toMatchObject({ subject: "acme-triage-bot", changes: { capUsd: { before: 1, after: 5 } } });
    // lowering it under what is spent denies again at once
    expect((await setCap("maya.chen", { scope: "bot", subjectId: triage.botId, period: "day", capUsd: 1.1 })).statusCode).toBe(200);
    expect((await ask(triage, "github.issue.comment", { system: "github" })).reasons[0]!.code).toBe("budget_exhausted");
    // removing it lifts it
    const budgetId = (set.json() as TBudget).id;
    expect((await as("maya.chen", "DELETE", `/api/v1/budgets/${budgetId}`)).statusCode).toBe(204);
    expect((await ask(triage, "github.issue.comment", { system: "github" })).decision).toBe("allow");
    expect(await auditOf("budget.remove")).toHaveLength(1);
  });

  it("a team's monthly cap covers every bot of the team and names the team", async () => {
    const support = await teamId("Customer Support");
    const set = await setCap("maya.chen", { scope: "team", subjectId: support, period: "month", capUsd: 2 });
    expect(set.statusCode, set.body).toBe(200);
    await spend(kbSync, 1.2);
    await spend(escalation, 0.9);
    const d = await eventually(
      () => ask(escalation, "linear.issue.create", { system: "linear" }),
      (v) => v.decision === "deny",
    );
    expect(d.reasons[0]).toEqual({
      code: "budget_exhausted",
      rule: "BR-BUDGET",
      message: "linear.issue.create refused: team Customer Support's monthly budget of $2.00 is spent ($2.10 so far this month); until the period ends only read-only actions are allowed",
    });
    expect((await ask(kbSync, "linear.issue.create", { system: "linear" })).reasons[0]!.code).toBe("budget_exhausted");
    // the owners of the team's bots that spent were told (every owner of a bot in the team)
    expect(await noticesOf("liam.obrien", "budget_exhausted")).toHaveLength(1);
    expect(await noticesOf("carmen.diaz", "budget_exhausted")).toHaveLength(1);
    // a bot of another team is not affected
    expect((await ask(triage, "github.issue.comment", { system: "github" })).decision).toBe("allow");
    expect((await as("maya.chen", "DELETE", `/api/v1/budgets/${(set.json() as TBudget).id}`)).statusCode).toBe(204);
  });

  it("a new period lifts a daily cap: yesterday's spend does not count toward today's", async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    yesterday.setUTCMinutes(0, 0, 0);
    await t.database.db.execute(sql`insert into usage_hourly (bot_id, hour, source, cost_usd) values (${testTriage.botId}, ${yesterday.toISOString()}::timestamptz, 'events', 500)`);
    const set = await setCap("maya.chen", { scope: "bot", subjectId: testTriage.botId, period: "day", capUsd: 3 });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ exhausted: false, spentUsd: 0.02 });
    expect((await ask(testTriage, "github.issue.comment", { system: "github" })).decision).toBe("allow");
    // while a monthly cap counts the whole month (yesterday is in it unless today is the 1st)
    if (yesterday.getUTCMonth() === new Date().getUTCMonth()) {
      const monthly = await setCap("maya.chen", { scope: "bot", subjectId: testTriage.botId, period: "month", capUsd: 100 });
      expect(monthly.json()).toMatchObject({ exhausted: true });
      expect((await ask(testTriage, "github.issue.comment", { system: "github" })).reasons[0]!.message).toContain("monthly budget of $100.00 is spent");
      expect((await as("maya.chen", "DELETE", `/api/v1/budgets/${(monthly.json() as TBudget).id}`)).statusCode).toBe(204);
    }
  });

  it("permissions: only admins set caps; an owner reads their own bots' usage and caps, not others'", async () => {
    const refused = await setCap("lucas.meyer", { scope: "bot", subjectId: triage.botId, period: "day", capUsd: 100 });
    expect(refused.statusCode).toBe(403);
    expect(await setCap("omar.haddad", { scope: "bot", subjectId: triage.botId, period: "day", capUsd: 100 }).then((r) => r.statusCode)).toBe(403);
    const deniedSets = (await auditOf("budget.set")).filter((e) => e.outcome === "denied");
    expect(deniedSets.map((e) => e.actorLabel).sort()).toEqual(["lucas.meyer@acme.example", "omar.haddad@acme.example"]);

    // another owner's bot, another owner, a team, the whole org: refused and audited
    for (const url of [
      `/api/v1/usage?scope=bot&id=${kbSync.botId}`,
      `/api/v1/usage?scope=owner&id=${ids["liam.obrien"]}`,
      `/api/v1/usage?scope=team&id=${await teamId("Customer Support")}`,
      `/api/v1/usage`,
      `/api/v1/usage.csv?scope=bot&id=${kbSync.botId}`,
    ]) {
      const r = await as("lucas.meyer", "GET", url);
      expect(r.statusCode, url).toBe(403);
    }
    expect((await auditOf("usage.read")).filter((e) => e.actorLabel === "lucas.meyer@acme.example")).toHaveLength(5);
    // security reads everything
    const org = await as("omar.haddad", "GET", "/api/v1/usage?granularity=month");
    expect(org.statusCode, org.body).toBe(200);
    expect((org.json() as TUsageReport).totals.costUsd).toBeGreaterThan(500);

    // an owner lists only the caps covering their bots
    const other = await setCap("maya.chen", { scope: "bot", subjectId: kbSync.botId, period: "day", capUsd: 10 });
    expect(other.statusCode).toBe(200);
    const mine = (await as("lucas.meyer", "GET", "/api/v1/budgets")).json() as { items: TBudget[] };
    expect(mine.items.map((b) => b.subjectName)).toEqual(["acme-test-triage-bot"]);
    const theirs = (await as("liam.obrien", "GET", "/api/v1/budgets")).json() as { items: TBudget[] };
    expect(theirs.items.map((b) => b.subjectName)).toEqual(["acme-kb-sync-bot"]);
    expect((await as("lucas.meyer", "GET", `/api/v1/budgets?scope=bot&subjectId=${kbSync.botId}`)).statusCode).toBe(403);
    expect((await as("lucas.meyer", "DELETE", `/api/v1/budgets/${(other.json() as TBudget).id}`)).statusCode).toBe(403);
  });

  it("a team cap's spend is shown to the team's members only: an owner who put a bot in another team sees the cap, not the team's spend", async () => {
    const support = await teamId("Customer Support");
    const cap = await setCap("maya.chen", { scope: "team", subjectId: support, period: "month", capUsd: 1000 });
    expect(cap.statusCode, cap.body).toBe(200);
    await spend(kbSync, 3.5); // liam.obrien's bot in Customer Support: someone else's spend
    // lucas.meyer (Platform Engineering) registers his bot into Customer Support, as any owner may
    const moved = await as("lucas.meyer", "PATCH", `/api/v1/bots/${testTriage.botId}`, { team: "support" });
    expect(moved.statusCode, moved.body).toBe(200);
    const teamCapOf = async (who: string) => {
      const r = await as(who, "GET", "/api/v1/budgets");
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { items: TBudget[] }).items.filter((b) => b.scope === "team" && b.subjectId === support);
    };
    try {
      // he learns a cap covers his bot and that it is not near, but not what the team spent
      const [seen, ...more] = await teamCapOf("lucas.meyer");
      expect(more).toHaveLength(0);
      expect(seen).toMatchObject({ subjectName: "Customer Support", capUsd: 1000, spentUsd: null, spentHidden: "Team spend visible to team members", near: false, exhausted: false });
      // nor through his bot's page (its caps and its team's)
      const viaBot = (await as("lucas.meyer", "GET", `/api/v1/budgets?scope=bot&subjectId=${testTriage.botId}`)).json() as { items: TBudget[] };
      expect(viaBot.items.filter((b) => b.scope === "team").map((b) => [b.subjectName, b.spentUsd, b.spentHidden])).toEqual([["Customer Support", null, "Team spend visible to team members"]]);
      // nor through the team's usage report or its CSV: refused and audited
      const before = (await auditOf("usage.read")).filter((e) => e.actorLabel === "lucas.meyer@acme.example" && e.outcome === "denied").length;
      for (const url of [`/api/v1/usage?scope=team&id=${support}`, `/api/v1/usage.csv?scope=team&id=${support}`]) {
        const r = await as("lucas.meyer", "GET", url);
        expect(r.statusCode, url).toBe(403);
        expect(r.body).not.toContain("3.5");
      }
      expect((await auditOf("usage.read")).filter((e) => e.actorLabel === "lucas.meyer@acme.example" && e.outcome === "denied")).toHaveLength(before + 2);

      // a member of the team (primary team) sees its spend, and so does security (bots.read_all)
      const [member] = await teamCapOf("liam.obrien");
      expect(member).toMatchObject({ spentHidden: null });
      expect(member!.spentUsd).toBeGreaterThanOrEqual(3.5);
      const [sec] = await teamCapOf("omar.haddad");
      expect(sec).toMatchObject({ spentUsd: member!.spentUsd, spentHidden: null });

      // membership (team_members, as SCIM groups write it) counts too
      await t.database.db.execute(sql`insert into team_members (team_id, person_id) values (${support}, ${ids["lucas.meyer"]})`);
      const [asMember] = await teamCapOf("lucas.meyer");
      expect(asMember).toMatchObject({ spentUsd: member!.spentUsd, spentHidden: null });
      await t.database.db.execute(sql`delete from team_members where team_id = ${support} and person_id = ${ids["lucas.meyer"]}`);

      // near the cap, a non-member is told so (as the 80 % notification tells him), still without the amount
      const lowered = await setCap("maya.chen", { scope: "team", subjectId: support, period: "month", capUsd: member!.spentUsd! + 0.5 });
      expect(lowered.statusCode, lowered.body).toBe(200);
      const [near] = await teamCapOf("lucas.meyer");
      expect(near).toMatchObject({ spentUsd: null, near: true, exhausted: false });
      // and the 80 % notification tells him the cap is near, not the amount; a member gets the amount
      const about = (rows: { title: string; body: string }[]) => rows.filter((n) => n.title.includes("Customer Support"));
      const [his, ...moreOfHis] = about(await noticesOf("lucas.meyer", "budget_threshold"));
      expect(moreOfHis).toHaveLength(0);
      expect(his!.title).toBe(`Budget 80 % reached: team Customer Support's monthly budget of $${(member!.spentUsd! + 0.5).toFixed(2)}`);
      expect(his!.body).toContain("team spend visible to team members");
      expect(his!.body).not.toContain(`$${member!.spentUsd!.toFixed(2)}`);
      const [liams] = about(await noticesOf("liam.obrien", "budget_threshold"));
      expect(liams!.body).toContain(`$${member!.spentUsd!.toFixed(2)} of team Customer Support's monthly budget`);
    } finally {
      expect((await as("lucas.meyer", "PATCH", `/api/v1/bots/${testTriage.botId}`, { team: "platform" })).statusCode).toBe(200);
      expect((await as("maya.chen", "DELETE", `/api/v1/budgets/${(cap.json() as TBudget).id}`)).statusCode).toBe(204);
    }
  });
  it("two bots of a team that pass its cap together, in writes committed at the same time: the cap is announced", async () => {
    const platform = await teamId("Platform Engineering");
    const [dependency, changelog] = [await botTokenFor(t, "acme-dependency-bot"), await botTokenFor(t, "acme-changelog-bot")];
    const probe = await setCap("maya.chen", { scope: "team", subjectId: platform, period: "day", capUsd: 100_000 });
    expect(probe.statusCode, probe.body).toBe(200);
    const budget = probe.json() as TBudget;
    // Each batch alone stays under 80 % of the cap; both together pass it.
    const each = Math.max(1, budget.spentUsd!);
    const cap = Math.ceil((budget.spentUsd! + 2 * each) * 100) / 100 - 0.01;
    const set = await setCap("maya.chen", { scope: "team", subjectId: platform, period: "day", capUsd: cap });
    expect(set.statusCode, set.body).toBe(200);
    expect((set.json() as TBudget).id).toBe(budget.id);
    // Two writes at once, each past its INSERT when the other is: another connection holds the
    // rollup table until both wait on it, then lets them go together.
    const usage = (costUsd: number): TRuntimeEvent[] => [{ type: "usage", id: randomUUID(), sessionId: `s-${randomUUID()}`, time: new Date().toISOString(), model: "gpt-5", inputTokens: 10, outputTokens: 1, costUsd }];
    const holder = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await holder.connect();
    const waiting = async (n: number) => {
      for (let i = 0; i < 200; i++) {
        const r = await holder.query("select count(*)::int as n from pg_locks where relation = 'usage_hourly'::regclass and not granted");
        if ((r.rows[0] as { n: number }).n >= n) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`${n} writes never waited on usage_hourly`);
    };
    let answers;
    try {
      await holder.query("begin");
      await holder.query("lock table usage_hourly in share mode");
      const first = post(dependency.token, usage(each));
      await waiting(1);
      const second = post(changelog.token, usage(each));
      await waiting(2);
      await holder.query("commit");
      answers = await Promise.all([first, second]);
    } finally {
      await holder.end();
    }
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200]);
    const exhausted = (await auditOf("budget.exhausted")).filter((e) => (e.details as { budgetId?: string }).budgetId === budget.id);
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]!.details).toMatchObject({ subject: "Platform Engineering", capUsd: cap, period: "day" });
    expect((await as("maya.chen", "DELETE", `/api/v1/budgets/${budget.id}`)).statusCode).toBe(204);
  });
});
