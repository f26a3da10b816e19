import type { TAccessReviewCampaign, TAccessReviewItemDetail, TAccessReviewItemSummary, TDecision } from "@bridle/contracts";
import { auditEvents, bots, credentialReferences, grants, notifications, offboardingCases, people, teams } from "@bridle/db";
import { and, eq, inArray } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide, eventually } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { runAccessReviewJob } from "./index.ts";

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

/** Registers a bot owned by `owner` with these grants, channels and credential references (as its owner would, through the API). */
async function registerBot(
  t: TestApp,
  v: { name: string; owner: string; team?: string; grants: [string, string, "read" | "write"][]; channels?: string[]; refs?: [string, string][]; lastReviewedAt?: string },
): Promise<string> {
  const res = await t.api({
    method: "POST",
    url: "/api/v1/bots",
    payload: {
      name: v.name,
      owner: v.owner,
      team: v.team ?? "platform",
      purpose: "Test bot for access reviews",
      environment: "production",
      internalDataAccess: "internal",
      channels: v.channels ?? [],
      grants: v.grants.map(([system, scope, access]) => ({ system, scope, access })),
      credentialReferences: (v.refs ?? []).map(([system, reference]) => ({ system, reference })),
      ...(v.lastReviewedAt ? { lastReviewedAt: v.lastReviewedAt } : {}),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

describe("access review campaigns and items", () => {
  let t: TestApp;
  let lucas: string; // owner, no roles
  let sofia: string; // another person, no roles, who owns no bot
  let ines: string; // auditor
  let lucasId: string;
  const as = (token: string) => (o: Parameters<TestApp["api"]>[0]) => t.app.inject({ ...o, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    lucas = await tokenFor(t.database, "lucas.meyer@acme.example");
    await t.database.db.insert(people).values({ email: "noor.ahmed@acme.example", displayName: "Noor Ahmed" });
    sofia = await tokenFor(t.database, "noor.ahmed@acme.example");
    ines = await tokenFor(t.database, "ines.moreau@acme.example");
    lucasId = (await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, "lucas.meyer@acme.example")))[0]!.id;
  });
  afterAll(() => t.close());

  const db = () => t.database.db;
  const start = async (payload: Record<string, unknown>) => {
    const res = await t.api({ method: "POST", url: "/api/v1/access-reviews", payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as TAccessReviewCampaign;
  };
  const campaignItems = async (id: string) => {
    const res = await t.api({ method: "GET", url: `/api/v1/access-reviews/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: TAccessReviewItemSummary[] }).items;
  };
  const itemOf = async (campaignId: string, botId: string) => (await campaignItems(campaignId)).find((i) => i.botId === botId)!;
  const audits = (action: string, resourceId?: string) =>
    db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), resourceId ? eq(auditEvents.resourceId, resourceId) : undefined));

  it("an admin starts a campaign of all live bots: one item per active or paused bot, assigned to its owner, orphans to admins", async () => {
    const live = await db()
      .select({ id: bots.id, ownerId: bots.ownerId, ownerStatus: people.status })
      .from(bots)
      .leftJoin(people, eq(people.id, bots.ownerId))
      .where(inArray(bots.status, ["active", "paused"]));
    const c = await start({ scope: "all", dueAt: inDays(14), lookbackDays: 30, name: "Q4 review" });
    expect(c).toMatchObject({ name: "Q4 review", scope: "all", team: null, trigger: "manual", status: "open", lookbackDays: 30, startedBy: "admin@acme.example" });
    const items = await campaignItems(c.id);
    expect(items.map((i) => i.botId).sort()).toEqual(live.map((b) => b.id).sort());
    const orphans = live.filter((b) => b.ownerId === null || b.ownerStatus !== "active").map((b) => b.id);
    expect(orphans.length).toBeGreaterThan(0);
    expect(
      items
        .filter((i) => i.assignedTo === "admins")
        .map((i) => i.botId)
        .sort(),
    ).toEqual(orphans.sort());
    expect(c.progress).toEqual({ total: live.length, decided: 0, pending: live.length, overdue: 0, keep: 0, reduce: 0, offboard: 0 });
    const [event] = await audits("access_review.campaign_start", c.id);
    expect(event!.details).toMatchObject({ scope: "all", items: live.length, orphans: orphans.length, trigger: "manual" });
    // Lucas owns live bots: one notification for all of them.
    const told = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.recipientId, lucasId), eq(notifications.kind, "access_review_assigned")));
    expect(told).toHaveLength(1);
  });

  it("a campaign for one team has exactly that team's live bots", async () => {
    const [team] = await db().select().from(teams).where(eq(teams.slug, "support"));
    const live = await db()
      .select({ id: bots.id })
      .from(bots)
      .where(and(eq(bots.teamId, team!.id), inArray(bots.status, ["active", "paused"])));
    const c = await start({ scope: "team", teamId: team!.id, dueAt: inDays(7), lookbackDays: 90 });
    expect(c.team).toEqual({ id: team!.id, name: team!.name });
    expect((await campaignItems(c.id)).map((i) => i.botId).sort()).toEqual(live.map((b) => b.id).sort());
    const bad = await t.api({ method: "POST", url: "/api/v1/access-reviews", payload: { scope: "team", dueAt: inDays(7), lookbackDays: 90 } });
    expect(bad.statusCode).toBe(400);
    const past = await t.api({ method: "POST", url: "/api/v1/access-reviews", payload: { scope: "all", dueAt: inDays(-1), lookbackDays: 90 } });
    expect(past.statusCode).toBe(400);
  });

  it("only admins start campaigns; the refusal is audited", async () => {
    const res = await as(lucas)({ method: "POST", url: "/api/v1/access-reviews", payload: { scope: "all", dueAt: inDays(7), lookbackDays: 90 } });
    expect(res.statusCode).toBe(403);
    const refused = (await audits("access_review.campaign_start")).filter((e) => e.outcome === "denied");
    expect(refused.map((e) => e.actorLabel)).toEqual(["lucas.meyer@acme.example"]);
    expect((await as(lucas)({ method: "GET", url: "/api/v1/access-reviews" })).statusCode).toBe(403);
    expect((await as(ines)({ method: "GET", url: "/api/v1/access-reviews" })).statusCode).toBe(200);
  });

  it("keep: the owner re-certifies; the bot's last review date is set and review_overdue clears", async () => {
    // Last reviewed 400 days ago (the org's interval is 90 days): overdue.
    const botId = await registerBot(t, {
      name: "acme-keep-review-bot",
      owner: "lucas.meyer@acme.example",
      grants: [["github", "github:issues:read", "read"]],
      lastReviewedAt: new Date(Date.now() - 400 * DAY).toISOString().slice(0, 10),
    });
    const kinds = async () => (await db().select({ k: bots.findingKinds, last: bots.lastReviewedAt }).from(bots).where(eq(bots.id, botId)))[0]!;
    expect((await kinds()).k).toContain("review_overdue");

    const c = await start({ scope: "team", teamId: (await db().select().from(teams).where(eq(teams.slug, "platform")))[0]!.id, dueAt: inDays(14), lookbackDays: 90 });
    const item = await itemOf(c.id, botId);
    expect(item).toMatchObject({ owner: "lucas.meyer@acme.example", assignedTo: "owner", status: "pending" });
    const mine = (await as(lucas)({ method: "GET", url: "/api/v1/access-review-items" })).json() as { items: TAccessReviewItemSummary[] };
    expect(mine.items.map((i) => i.id)).toContain(item.id);

    const res = await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "keep", note: "still needed" } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: "decided", decision: "keep", decidedBy: "lucas.meyer@acme.example", note: "still needed", mayDecide: false });
    const after = await kinds();
    expect(after.last).not.toBeNull();
    expect(after.k).not.toContain("review_overdue");
    const [event] = (await audits("access_review.item_decide", botId)).filter((e) => e.outcome === "success");
    expect(event!.details).toMatchObject({ decision: "keep", grantsAtReview: ["github:github:issues:read (read)"] });
    // Deciding twice is a conflict.
    const again = await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "keep" } });
    expect(again.statusCode).toBe(409);
  });

  it("reduce removes exactly the picked grants, channels and credential references, at once", async () => {
    const botId = await registerBot(t, {
      name: "acme-reduce-review-bot",
      owner: "lucas.meyer@acme.example",
      grants: [
        ["github", "github:issues:write", "write"],
        ["linear", "linear:issues:read", "read"],
        ["sentry", "sentry:events:read", "read"],
      ],
      channels: ["slack-internal", "company-chat"],
      refs: [
        ["github", "op://platform/github-reduce/token"],
        ["linear", "op://platform/linear-reduce/token"],
      ],
    });
    const c = await start({ scope: "all", dueAt: inDays(14), lookbackDays: 90 });
    const item = await itemOf(c.id, botId);
    const detail = (await as(lucas)({ method: "GET", url: `/api/v1/access-review-items/${item.id}` })).json() as TAccessReviewItemDetail;
    expect(detail.mayDecide).toBe(true);
    const linear = detail.grants.find((g) => g.system === "linear")!;
    const linearRef = detail.credentialReferences.find((r) => r.system === "linear")!;

    const empty = await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "reduce", remove: {} } });
    expect(empty.statusCode).toBe(400);
    const foreign = await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "reduce", remove: { grantIds: [randomUUID()] } } });
    expect(foreign.statusCode).toBe(400);

    const res = await as(lucas)({
      method: "POST",
      url: `/api/v1/access-review-items/${item.id}/decision`,
      payload: { decision: "reduce", remove: { grantIds: [linear.id], channels: ["company-chat"], credentialReferenceIds: [linearRef.id] } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const left = await db().select({ scope: grants.scope }).from(grants).where(eq(grants.botId, botId));
    expect(left.map((g) => g.scope).sort()).toEqual(["github:issues:write", "sentry:events:read"]);
    expect((await db().select({ c: bots.channels }).from(bots).where(eq(bots.id, botId)))[0]!.c).toEqual(["slack-internal"]);
    const refs = await db().select({ ref: credentialReferences.reference, status: credentialReferences.status }).from(credentialReferences).where(eq(credentialReferences.botId, botId));
    expect(refs.sort((a, b) => a.ref.localeCompare(b.ref))).toEqual([
      // the reference kept falls due for rotation: its bot's scope changed (credentials module)
      { ref: "op://platform/github-reduce/token", status: "rotation_due" },
      { ref: "op://platform/linear-reduce/token", status: "revoked" },
    ]);
    const [applied] = await audits("access_review.reduce_apply", botId);
    expect(applied!.details).toMatchObject({
      grants: [{ id: linear.id, system: "linear", scope: "linear:issues:read", access: "read" }],
      channels: ["company-chat"],
      credentialReferences: [{ id: linearRef.id, system: "linear", reference: "op://platform/linear-reduce/token" }],
    });
    expect(res.json()).toMatchObject({ decision: "reduce", removed: ["grant linear:linear:issues:read (read)", "channel company-chat", "credential reference linear op://platform/linear-reduce/token"] });
  });

  it("offboard opens an offboarding case with trigger access_review", async () => {
    const botId = await registerBot(t, { name: "acme-offboard-review-bot", owner: "lucas.meyer@acme.example", grants: [["github", "github:issues:read", "read"]] });
    const c = await start({ scope: "all", dueAt: inDays(14), lookbackDays: 90 });
    const item = await itemOf(c.id, botId);
    const noReason = await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "offboard" } });
    expect(noReason.statusCode).toBe(400);
    const res = await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "offboard", reason: "project ended" } });
    expect(res.statusCode, res.body).toBe(200);
    const cases = await db().select().from(offboardingCases).where(eq(offboardingCases.botId, botId));
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ trigger: "access_review", reason: "project ended", status: "open", openedByLabel: "lucas.meyer@acme.example" });
    const [event] = (await audits("access_review.item_decide", botId)).filter((e) => e.outcome === "success");
    expect(event!.details).toMatchObject({ decision: "offboard", offboardingCaseId: cases[0]!.id });
  });

  it("only the owner or an admin decides an item: another person gets 404, an auditor reads but gets 403; each refusal is audited", async () => {
    const botId = await registerBot(t, { name: "acme-guarded-review-bot", owner: "lucas.meyer@acme.example", grants: [["github", "github:issues:read", "read"]] });
    const c = await start({ scope: "all", dueAt: inDays(14), lookbackDays: 90 });
    const item = await itemOf(c.id, botId);
    const url = `/api/v1/access-review-items/${item.id}`;
    expect((await as(sofia)({ method: "GET", url })).statusCode).toBe(404);
    expect((await as(sofia)({ method: "POST", url: `${url}/decision`, payload: { decision: "keep" } })).statusCode).toBe(404);
    expect((await as(ines)({ method: "GET", url })).statusCode).toBe(200);
    expect((await as(ines)({ method: "POST", url: `${url}/decision`, payload: { decision: "keep" } })).statusCode).toBe(403);
    expect((await as(sofia)({ method: "GET", url: "/api/v1/access-review-items" })).json()).toMatchObject({ items: [] });
    const refusals = await db()
      .select({ action: auditEvents.action, who: auditEvents.actorLabel })
      .from(auditEvents)
      .where(and(eq(auditEvents.resourceId, botId), eq(auditEvents.outcome, "denied")));
    expect(refusals.map((r) => `${r.who} ${r.action}`).sort()).toEqual([
      "ines.moreau@acme.example access_review.item_decide",
      "noor.ahmed@acme.example access_review.item_decide",
      "noor.ahmed@acme.example access_review.item_read",
    ]);
    // The item is still pending; an admin may decide it.
    const admin = await t.api({ method: "POST", url: `${url}/decision`, payload: { decision: "keep" } });
    expect(admin.statusCode, admin.body).toBe(200);
    expect(admin.json()).toMatchObject({ decidedBy: "admin@acme.example" });
  });

  it("unused grants: a grant counts as used when an allow decision for the bot named its system in the look-back window", async () => {
    const botId = await registerBot(t, {
      name: "acme-usage-review-bot",
      owner: "lucas.meyer@acme.example",
      grants: [
        ["github", "github:issues:read", "read"],
        ["linear", "linear:issues:read", "read"],
      ],
    });
    const { token } = await botTokenFor(t, "acme-usage-review-bot");
    const d = await decide(t, token, { action: "issues.read", target: { system: "github" }, requestId: `r-${randomUUID()}` });
    expect((d.json() as TDecision).decision).toBe("allow");
    // A denied decision on another system does not count as use.
    const denied = await decide(t, token, { action: "issues.read", target: { system: "notion" }, requestId: `r-${randomUUID()}` });
    expect((denied.json() as TDecision).decision).toBe("deny");
    await eventually(
      () => audits("decision.allow"),
      (rows) => rows.some((r) => r.actorId === botId),
    );
    const c = await start({ scope: "all", dueAt: inDays(14), lookbackDays: 30 });
    const item = await itemOf(c.id, botId);
    const detail = (await as(lucas)({ method: "GET", url: `/api/v1/access-review-items/${item.id}` })).json() as TAccessReviewItemDetail;
    expect(detail.grants.map((g) => [g.system, g.used])).toEqual([
      ["github", true],
      ["linear", false],
    ]);
    expect(detail.recentDecisions.map((x) => x.decision).sort()).toEqual(["allow", "deny"]);
  });

  it("the evidence pack holds each bot, its owner, grants at review time, the decision, who decided and when; auditors export it", async () => {
    const botId = await registerBot(t, {
      name: "acme-evidence-review-bot",
      owner: "lucas.meyer@acme.example",
      grants: [
        ["github", "github:issues:write", "write"],
        ["linear", "linear:issues:read", "read"],
      ],
    });
    const c = await start({ scope: "team", teamId: (await db().select().from(teams).where(eq(teams.slug, "platform")))[0]!.id, dueAt: inDays(14), lookbackDays: 90 });
    const item = await itemOf(c.id, botId);
    const detail = (await as(lucas)({ method: "GET", url: `/api/v1/access-review-items/${item.id}` })).json() as TAccessReviewItemDetail;
    const linear = detail.grants.find((g) => g.system === "linear")!;
    await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "reduce", remove: { grantIds: [linear.id] } } });

    const json = await as(ines)({ method: "GET", url: `/api/v1/access-reviews/${c.id}/evidence?format=json` });
    expect(json.statusCode, json.body).toBe(200);
    const pack = JSON.parse(json.body) as { items: Record<string, unknown>[]; campaign: TAccessReviewCampaign };
    const live = await db()
      .select({ id: bots.id })
      .from(bots)
      .where(and(eq(bots.teamId, c.team!.id), inArray(bots.status, ["active", "paused"])));
    expect(pack.items).toHaveLength(live.length);
    const row = pack.items.find((r) => r.botId === botId)!;
    expect(row).toMatchObject({
      bot: "acme-evidence-review-bot",
      owner: "lucas.meyer@acme.example",
      grantsAtReview: ["github:github:issues:write (write)", "linear:linear:issues:read (read)"],
      decision: "reduce",
      removed: ["grant linear:linear:issues:read (read)"],
      decidedBy: "lucas.meyer@acme.example",
    });
    expect(Date.now() - new Date(row.decidedAt as string).getTime()).toBeLessThan(60_000);
    expect(pack.items.filter((r) => r.decision === null)).toHaveLength(live.length - 1);

    const csv = await as(ines)({ method: "GET", url: `/api/v1/access-reviews/${c.id}/evidence?format=csv` });
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.body.trim().split("\n");
    expect(lines[0]).toBe("bot,bot_id,owner,grants_at_review,decision,removed,decided_by,decided_at,note");
    expect(lines).toHaveLength(live.length + 1);
    expect(lines.find((l) => l.startsWith("acme-evidence-review-bot,"))).toContain(
      `${botId},lucas.meyer@acme.example,github:github:issues:write (write); linear:linear:issues:read (read),reduce,grant linear:linear:issues:read (read),lucas.meyer@acme.example,`,
    );
    expect(await audits("access_review.evidence_export", c.id)).toHaveLength(2);
    expect((await as(lucas)({ method: "GET", url: `/api/v1/access-reviews/${c.id}/evidence?format=csv` })).statusCode).toBe(403);
  });
});

describe("the access review job: schedule, reminders, overdue pause and lift", () => {
  let t: TestApp;
  let lucas: string;
  let lucasId: string;
  let bot: { token: string; botId: string };
  const as = (token: string) => (o: Parameters<TestApp["api"]>[0]) => t.app.inject({ ...o, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    lucas = await tokenFor(t.database, "lucas.meyer@acme.example");
    lucasId = (await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, "lucas.meyer@acme.example")))[0]!.id;
    // shell.exec allowed by org policy: only an overdue review is left to refuse it.
    const put = await t.api({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(put.statusCode, put.body).toBe(200);
    await registerBot(t, { name: "acme-overdue-review-bot", owner: "lucas.meyer@acme.example", grants: [["github", "github:repo:write", "write"]] });
    bot = await botTokenFor(t, "acme-overdue-review-bot");
  });
  afterAll(() => t.close());

  const db = () => t.database.db;
  const shell = async () => (await decide(t, bot.token, { action: "shell.exec", target: { system: "github" }, requestId: `r-${randomUUID()}` })).json() as TDecision;

  it("starts the quarter's campaign once, however often it runs, when bots were there before the quarter began", async () => {
    const now = new Date("2027-01-02T03:00:00Z");
    const first = await runAccessReviewJob(db(), now);
    expect(first.campaignStarted).not.toBeNull();
    const second = await runAccessReviewJob(db(), now);
    expect(second.campaignStarted).toBeNull();
    const list = (await t.api({ method: "GET", url: "/api/v1/access-reviews" })).json() as { items: TAccessReviewCampaign[] };
    expect(list.items.filter((c) => c.trigger === "schedule").map((c) => [c.period, c.dueAt, c.startedBy])).toEqual([["2027-Q1", "2027-01-16T03:00:00.000Z", null]]);
  });

  it("reminds each owner 7 days and 1 day before the due date, once each", async () => {
    // No more scheduled campaigns in this test's clock jumps.
    expect((await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { reviewSchedule: "off" } })).statusCode).toBe(200);
    const dueAt = inDays(10);
    const start = await t.api({ method: "POST", url: "/api/v1/access-reviews", payload: { scope: "all", dueAt, lookbackDays: 90, name: "Reminder review" } });
    expect(start.statusCode, start.body).toBe(201);
    const due = new Date(dueAt).getTime();
    const reminders = () =>
      db()
        .select({ title: notifications.title })
        .from(notifications)
        .where(and(eq(notifications.recipientId, lucasId), eq(notifications.kind, "access_review_reminder"), eq(notifications.botId, bot.botId)));
    // The scheduled campaign above is due in 2027: only this one is within a week here.
    const week = await runAccessReviewJob(db(), new Date(due - 6 * DAY));
    expect(week.remindedWeek).toBeGreaterThan(0);
    expect((await runAccessReviewJob(db(), new Date(due - 5 * DAY))).remindedWeek).toBe(0);
    expect((await reminders()).map((r) => r.title)).toEqual(["Access review of acme-overdue-review-bot is due in a week"]);
    const dayRun = await runAccessReviewJob(db(), new Date(due - 12 * 3_600_000));
    expect(dayRun.remindedDay).toBe(week.remindedWeek);
    expect((await runAccessReviewJob(db(), new Date(due - 6 * 3_600_000))).remindedDay).toBe(0);
    expect((await reminders()).map((r) => r.title).sort()).toEqual([
      "Access review of acme-overdue-review-bot is due in a week",
      "Access review of acme-overdue-review-bot is due tomorrow",
    ]);
  });

  it("a missed review pauses the bot's gated actions naming the review; deciding it lifts the pause", async () => {
    expect((await shell()).decision).toBe("allow");
    const items = (await as(lucas)({ method: "GET", url: "/api/v1/access-review-items" })).json() as { items: TAccessReviewItemSummary[] };
    const item = items.items.find((i) => i.campaign === "Reminder review" && i.botId === bot.botId)!;
    const report = await runAccessReviewJob(db(), new Date(new Date(item.dueAt).getTime() + 3_600_000));
    expect(report.paused).toBeGreaterThan(0);
    const paused = await eventually(shell, (d) => d.decision === "deny");
    expect(paused.decision).toBe("deny");
    expect(paused.reasons[0]).toMatchObject({ code: "review_overdue", rule: "BR-REVIEW-OVERDUE" });
    expect(paused.reasons[0]!.message).toContain('"Reminder review"');
    // Not gated: still allowed.
    const read = (await decide(t, bot.token, { action: "repo.read", target: { system: "github" }, requestId: `r-${randomUUID()}` })).json() as TDecision;
    expect(read.decision).toBe("allow");
    const [pause] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "access_review.overdue_pause"), eq(auditEvents.resourceId, bot.botId)));
    expect(pause!.details).toMatchObject({ itemId: item.id, bot: "acme-overdue-review-bot" });
    // The scheduled campaign's item is not overdue yet (due 2027): one pause only.
    const res = await as(lucas)({ method: "POST", url: `/api/v1/access-review-items/${item.id}/decision`, payload: { decision: "keep" } });
    expect(res.statusCode, res.body).toBe(200);
    const lifted = await eventually(shell, (d) => d.decision === "allow");
    expect(lifted.decision).toBe("allow");
    const lift = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "access_review.overdue_lift"), eq(auditEvents.resourceId, bot.botId)));
    expect(lift).toHaveLength(1);
  });

  it("with reviewOverdueFailClosed off, a missed review pauses nothing", async () => {
    const patch = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { reviewOverdueFailClosed: false } });
    expect(patch.statusCode, patch.body).toBe(200);
    const start = await t.api({ method: "POST", url: "/api/v1/access-reviews", payload: { scope: "all", dueAt: inDays(1), lookbackDays: 90, name: "Lenient review" } });
    expect(start.statusCode).toBe(201);
    const report = await runAccessReviewJob(db(), new Date(Date.now() + 2 * DAY));
    expect(report.paused).toBe(0);
    expect((await shell()).decision).toBe("allow");
  });
});
