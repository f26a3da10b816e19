import { randomBytes, randomUUID } from "node:crypto";
import type { TAlert, TAlertDetail, TAlertRule, TDecision } from "@bridle/contracts";
import { auditEvents, bots, notifications } from "@bridle/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide, eventually } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { startWebhookReceiver } from "../../../test/receivers.ts";
import { rowsOf } from "../../lib/sql.ts";
import { recordAuditBatch, SYSTEM_ACTOR, type AuditEventInput } from "../audit/index.ts";
import { createNotificationDelivery } from "../notifications/index.ts";
import { runAlertEvaluator } from "./index.ts";

/**
 * Synthetic streams through the real routes (POST /decisions and POST /events with bot tokens) or
 * the audit writer (backdated history, budget events), then the evaluator run directly, as the
 * job would: each rule fires once, a sustained burst keeps one alert, people act on alerts.
 */
describe("alerts", () => {
  let t: TestApp;
  let triage: { token: string; botId: string }; // acme-triage-bot, owner lucas.meyer
  let deploy: { token: string; botId: string };
  let community: { token: string; botId: string };
  const tokens: Record<string, string> = {};
  const PUBLIC_URL = "https://bridle.acme.example";
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    hook = await startWebhookReceiver();
    t = await createTestApp({ seed: "demo", env: { BRIDLE_PUBLIC_URL: PUBLIC_URL, BRIDLE_ENCRYPTION_KEY: randomBytes(32).toString("base64") } });
    // the org's chat webhook, set by an admin: alerts go to it unless a person turns it off
    const set = await t.api({ method: "PUT", url: "/api/v1/notification-settings", payload: { webhookUrl: `${hook.base}/services/T0/B0/alerts` } });
    expect(set.statusCode, set.body).toBe(200);
    triage = await botTokenFor(t, "acme-triage-bot");
    deploy = await botTokenFor(t, "acme-deploy-bot");
    community = await botTokenFor(t, "acme-community-bot");
    for (const who of ["omar.haddad", "lucas.meyer", "ines.moreau"]) tokens[who] = await tokenFor(t.database, `${who}@acme.example`);
    await evaluate(); // what the seed wrote
  });
  afterAll(async () => {
    await t?.close();
    await hook?.close();
  });

  const as = (who: string, method: "GET" | "POST" | "PUT", url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  /**
   * Runs the evaluator until it has read everything committed before this call (its horizon waits
   * for transactions still running anywhere on the server, such as other test files').
   */
  async function evaluate(now = new Date()) {
    const [mark] = rowsOf<{ x: string }>(await t.database.db.execute(sql`select pg_current_xact_id()::text as x`));
    let events = 0;
    const r = await eventually(
      async () => {
        const rep = await runAlertEvaluator(t.database.db, now);
        events += rep.events;
        return rep;
      },
      (rep) => !rep.busy && BigInt(rep.cursor || "0") > BigInt(mark!.x),
      15_000,
    );
    expect(BigInt(r.cursor) > BigInt(mark!.x), "the evaluator caught up").toBe(true);
    return { ...r, events };
  }

  const list = async (query = "") => {
    const res = await as("omar.haddad", "GET", `/api/v1/alerts?limit=200${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: TAlert[] }).items;
  };
  const ofRule = async (rule: string) => list(`&rule=${rule}`);

  const ask = async (bot: { token: string }, body: { action: string; target?: Record<string, string>; sessionId?: string }) => {
    const res = await decide(t, bot.token, { requestId: randomUUID(), ...body });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TDecision;
  };

  /** A decision's audit event as the decision log writes it, at a chosen time (history). */
  const decisionEvent = (bot: { botId: string }, name: string, at: Date, action: string, target: Record<string, string>, verdict: "allow" | "deny" = "allow"): AuditEventInput => {
    const id = randomUUID();
    return {
      actor: { type: "bot", id: bot.botId, label: name },
      action: `decision.${verdict}`,
      resourceType: "decision",
      resourceId: id,
      outcome: verdict === "deny" ? "denied" : "success",
      at,
      details: { decisionId: id, bot: name, tokenId: randomUUID(), action, target, decision: verdict, reasons: [], runtimeRequestId: randomUUID(), sessionId: null, approvalRequestId: null, policyVersion: 1, paramsHash: "x" },
    };
  };

  const put = (who: string, rules: Partial<TAlertRule>[]) => as(who, "PUT", "/api/v1/alert-rules", { rules });

  it("has every rule on by default with its thresholds; security edits them (audited), an owner cannot (403, audited)", async () => {
    const res = await as("ines.moreau", "GET", "/api/v1/alert-rules"); // an auditor reads
    expect(res.statusCode, res.body).toBe(200);
    const rules = (res.json() as { items: TAlertRule[] }).items;
    expect(rules.map((r) => [r.kind, r.enabled, r.threshold, r.windowMinutes])).toEqual([
      ["budget", true, 1, 60],
      ["call_rate", true, 50, 60],
      ["denied_burst", true, 5, 10],
      ["enforcement_gap", true, 1, 60],
      ["new_shape", true, 1, 60],
      ["sensitive_access", true, 30, 10],
      ["skill_errors", true, 10, 15],
    ]);
    expect(rules.find((r) => r.kind === "denied_burst")!.autoPause).toBe(false);

    const refused = await put("lucas.meyer", [{ kind: "denied_burst", autoPause: true }]);
    expect(refused.statusCode).toBe(403);
    const auditorRefused = await put("ines.moreau", [{ kind: "denied_burst", autoPause: true }]);
    expect(auditorRefused.statusCode).toBe(403);

    const ok = await put("omar.haddad", [
      { kind: "denied_burst", autoPause: true },
      { kind: "new_shape", baselineDays: 1 },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    const after = (ok.json() as { items: TAlertRule[] }).items;
    expect(after.find((r) => r.kind === "denied_burst")).toMatchObject({ autoPause: true, updatedBy: "omar.haddad@acme.example" });
    expect(after.find((r) => r.kind === "new_shape")).toMatchObject({ baselineDays: 1 });

    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "alert_rule.update"));
    expect(events.map((e) => [e.actorLabel, e.outcome])).toEqual([
      ["lucas.meyer@acme.example", "denied"],
      ["ines.moreau@acme.example", "denied"],
      ["omar.haddad@acme.example", "success"],
    ]);
    expect(events[2]!.details).toEqual({ rules: { denied_burst: { autoPause: { before: false, after: true } }, new_shape: { baselineDays: { before: 7, after: 1 } } } });
  });

  it("repeated denied decisions: one alert, the bot paused (the org opted in) and its next decision denied; a sustained burst keeps the one alert", async () => {
    // the triage bot has no grant on the Postgres replica: each of these is denied
    for (let i = 0; i < 5; i++) expect((await ask(triage, { action: "db.query", target: { system: "postgres-replica" }, sessionId: "s-deny" })).decision).toBe("deny");
    const r = await evaluate();
    expect(r.opened).toBeGreaterThanOrEqual(1);
    const alerts = await ofRule("denied_burst");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject: { type: "bot", id: triage.botId, label: "acme-triage-bot" }, status: "open", count: 5, botPaused: true, evidence: { sessionId: "s-deny" } });
    expect(alerts[0]!.evidence.eventIds).toHaveLength(5);
    const [bot] = await t.database.db.select({ status: bots.status }).from(bots).where(eq(bots.id, triage.botId));
    expect(bot!.status).toBe("paused");
    // its next decision, even one it is granted, is denied (the snapshot follows the change)
    const next = await eventually(
      () => ask(triage, { action: "issue.comment", target: { system: "github" } }),
      (d) => d.decision === "deny",
    );
    expect(next.decision).toBe("deny");
    const paused = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "alert.auto_pause"));
    expect(paused.map((e) => [e.resourceId, e.actorType, (e.details as { statusBefore: string }).statusBefore])).toEqual([[triage.botId, "system", "active"]]);

    // security (and the owner) are told once, with a link to the alert and the evidence in the text
    const notes = await t.database.db.select().from(notifications).where(eq(notifications.kind, "alert"));
    const forAlert = notes.filter((n) => n.link === `/alerts/${alerts[0]!.id}`);
    expect(forAlert.length).toBeGreaterThanOrEqual(2); // omar, priya (security) and lucas (owner)
    expect(forAlert[0]!.body).toContain(`/audit/${alerts[0]!.evidence.eventIds[0]}`);
    expect(forAlert[0]!.body).toContain(`/bots/${triage.botId}/sessions/s-deny`);
    expect(forAlert[0]!.body).toContain("Bridle paused the bot");

    // the chat webhook gets one Slack-compatible post, the evidence linked into the console
    const worker = createNotificationDelivery({ db: t.database.db, config: t.config, log: { info: () => {}, warn: () => {}, error: () => {} } });
    await worker.runOnce();
    await worker.stop();
    const posts = hook.posts.filter((p) => JSON.stringify(p.body).includes(`/alerts/${alerts[0]!.id}`));
    expect(posts).toHaveLength(1);
    const post = posts[0]!.body as { text: string; blocks: { type: string; text?: { text: string }; elements?: { url?: string }[] }[] };
    expect(post.text).toMatch(/^Alert: acme-triage-bot: 5 denied decisions in 10 min; Bridle paused the bot\n/);
    expect(post.blocks[0]!.text!.text).toContain(`<${PUBLIC_URL}/audit/${alerts[0]!.evidence.eventIds[0]}|/audit/${alerts[0]!.evidence.eventIds[0]}>`);
    expect(post.blocks[0]!.text!.text).toContain(`<${PUBLIC_URL}/bots/${triage.botId}/sessions/s-deny|`);
    expect(post.blocks.find((b) => b.type === "actions")!.elements![0]!.url).toBe(`${PUBLIC_URL}/alerts/${alerts[0]!.id}`);

    // the burst goes on (the bot keeps asking while paused): three more runs, still one alert
    for (let run = 0; run < 3; run++) {
      for (let i = 0; i < 4; i++) await ask(triage, { action: "db.query", target: { system: "postgres-replica" } });
      await evaluate();
    }
    const still = await ofRule("denied_burst");
    expect(still).toHaveLength(1);
    expect(still[0]!.count).toBeGreaterThanOrEqual(5 + 12);
    const notesAfter = await t.database.db.select().from(notifications).where(and(eq(notifications.kind, "alert"), eq(notifications.link, `/alerts/${alerts[0]!.id}`)));
    expect(notesAfter).toHaveLength(forAlert.length);
  });

  it("a call rate far above the bot's own baseline: one alert for 100 calls an hour where it usually makes 10", async () => {
    const now = Date.now();
    const history: AuditEventInput[] = [];
    for (let h = 48; h >= 2; h--)
      for (let i = 0; i < 10; i++) history.push(decisionEvent(community, "acme-community-bot", new Date(now - h * 3_600_000 + i * 60_000), "message.send", { channel: "discord:#general" }));
    await recordAuditBatch(t.database.db, history);
    await evaluate();
    expect(await ofRule("call_rate")).toEqual([]);

    const burst = (n: number) =>
      recordAuditBatch(
        t.database.db,
        Array.from({ length: n }, (_v, i) => decisionEvent(community, "acme-community-bot", new Date(Date.now() - (n - i) * 100), "message.send", { channel: "discord:#general" })),
      );
    await burst(40);
    await evaluate();
    expect(await ofRule("call_rate")).toEqual([]); // 40 < the threshold of 50
    await burst(60);
    await evaluate();
    const alerts = await ofRule("call_rate");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject: { id: community.botId }, count: 100, status: "open" });
    expect(alerts[0]!.title).toContain("100 decision requests in 60 min");
    for (let run = 0; run < 3; run++) {
      await burst(50);
      await evaluate();
    }
    const still = await ofRule("call_rate");
    expect(still).toHaveLength(1);
    expect(still[0]!.count).toBe(100 + 150);
    // the same old shape: nothing new for the heuristic
    expect(await ofRule("new_shape")).toEqual([]);
  });

  it("a tool-call shape never seen before, after the bot's first days: one alert to review, more new shapes add to it", async () => {
    await recordAuditBatch(t.database.db, [decisionEvent(community, "acme-community-bot", new Date(), "message.send", { channel: "discord:#announcements" })]);
    await evaluate();
    const alerts = await ofRule("new_shape");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject: { id: community.botId }, count: 1 });
    expect(alerts[0]!.summary).toContain("message.send → discord:#announcements");
    expect(alerts[0]!.title).toContain("heuristic");
    // the same shape again: known now
    await recordAuditBatch(t.database.db, [decisionEvent(community, "acme-community-bot", new Date(), "message.send", { channel: "discord:#announcements" })]);
    await evaluate();
    expect((await ofRule("new_shape"))[0]!.count).toBe(1);
    await recordAuditBatch(t.database.db, [decisionEvent(community, "acme-community-bot", new Date(), "shell.exec", { system: "github" })]);
    await evaluate();
    const after = await ofRule("new_shape");
    expect(after).toHaveLength(1);
    expect(after[0]!.count).toBe(2);
    // a bot in its first day (the deploy bot has no history yet) raises nothing
    await ask(deploy, { action: "message.send", target: { channel: "slack:#deploys" } });
    await evaluate();
    expect((await ofRule("new_shape")).map((a) => a.subject.id)).toEqual([community.botId]);
  });

  it("one identity hammering sensitive systems: one alert at 30 requests in 10 minutes", async () => {
    for (let i = 0; i < 29; i++) await ask(deploy, { action: "deployments.read", target: { system: "github" } });
    await evaluate();
    expect(await ofRule("sensitive_access")).toEqual([]);
    await ask(deploy, { action: "deployments.read", target: { system: "vercel-logs" } });
    await evaluate();
    const alerts = await ofRule("sensitive_access");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject: { id: deploy.botId, label: "acme-deploy-bot" }, count: 30 });
    expect(alerts[0]!.summary).toContain("Systems named in the latest requests: vercel-logs");
    for (let i = 0; i < 10; i++) await ask(deploy, { action: "deployments.read", target: { system: "github" } });
    await evaluate();
    expect((await ofRule("sensitive_access")).map((a) => a.count)).toEqual([40]);
  });

  const postEvents = (bot: { token: string }, events: unknown[]) =>
    t.app.inject({ method: "POST", url: "/api/v1/events", headers: { authorization: `Bearer ${bot.token}` }, payload: { events } });

  it("an error or timeout spike in one skill: one alert for the skill; an enforcement gap: one alert for the bot", async () => {
    const session = `s-${randomUUID()}`;
    const failures = (n: number, from: number) =>
      Array.from({ length: n }, (_v, i) => ({
        type: "tool_result",
        id: randomUUID(),
        sessionId: session,
        time: new Date().toISOString(),
        toolCallId: `c${from + i}`,
        tool: "web_fetch",
        ok: false,
        error: i % 2 ? "request timed out after 30s" : "HTTP 502",
      }));
    expect((await postEvents(deploy, failures(9, 0))).statusCode).toBe(200);
    await evaluate();
    expect(await ofRule("skill_errors")).toEqual([]);
    // the tool ran without a decision: an enforcement gap (one per session and kind)
    const gaps = await ofRule("enforcement_gap");
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ subject: { id: deploy.botId }, count: 1, evidence: { sessionId: session } });

    expect((await postEvents(deploy, failures(1, 9))).statusCode).toBe(200);
    await evaluate();
    const skill = await ofRule("skill_errors");
    expect(skill).toHaveLength(1);
    expect(skill[0]).toMatchObject({ subject: { type: "skill", id: "web_fetch", label: "web_fetch" }, count: 10, botId: deploy.botId });
    expect(skill[0]!.title).toContain("10 failed calls");
    expect((await postEvents(deploy, failures(20, 10))).statusCode).toBe(200);
    await evaluate();
    expect((await ofRule("skill_errors")).map((a) => a.count)).toEqual([30]);

    // a gap in another session adds to the bot's open gap alert
    const other = `s-${randomUUID()}`;
    const res = await postEvents(deploy, [{ type: "error", id: randomUUID(), sessionId: other, time: new Date().toISOString(), message: "agent runs on a backend the plugin cannot gate", code: "enforcement_gap" }]);
    expect(res.statusCode, res.body).toBe(200);
    await evaluate();
    const after = await ofRule("enforcement_gap");
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ count: 2, evidence: { sessionId: other } });
  });

  it("a budget threshold: one alert per bot or team; the cap reached after it adds to the open one", async () => {
    const budget = (action: "budget.threshold_reached" | "budget.exhausted") =>
      recordAuditBatch(t.database.db, [
        {
          actor: SYSTEM_ACTOR,
          action,
          resourceType: "budget",
          resourceId: randomUUID(),
          outcome: "success",
          // the usage module's details (contracts: audit-events.ts)
          details: {
            budgetId: randomUUID(),
            scope: "bot",
            subjectId: deploy.botId,
            subject: "acme-deploy-bot",
            period: "day",
            periodStart: new Date().toISOString(),
            capUsd: 10,
            spentUsd: action === "budget.exhausted" ? 10.2 : 8.1,
            percent: action === "budget.exhausted" ? 100 : 81,
            botIds: [deploy.botId],
          },
        },
      ]);
    await budget("budget.threshold_reached");
    await evaluate();
    const alerts = await ofRule("budget");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ subject: { type: "bot", id: deploy.botId, label: "acme-deploy-bot" }, count: 1 });
    await budget("budget.exhausted");
    await evaluate();
    expect((await ofRule("budget")).map((a) => a.count)).toEqual([2]);
  });

  it("each rule fired exactly once over the streams above", async () => {
    const all = await list();
    const byRule = new Map<string, number>();
    for (const a of all) byRule.set(a.rule, (byRule.get(a.rule) ?? 0) + 1);
    expect(Object.fromEntries(byRule)).toEqual({ budget: 1, call_rate: 1, denied_burst: 1, enforcement_gap: 1, new_shape: 1, sensitive_access: 1, skill_errors: 1 });
    const summary = await as("omar.haddad", "GET", "/api/v1/alerts/summary");
    expect(summary.json()).toEqual({ open: 7, acknowledged: 0, snoozed: 0 });
  });

  it("security acknowledges, snoozes and resolves; an owner or auditor cannot (403, audited); history stays; a resolved rule fires again as a new alert", async () => {
    const [alert] = await ofRule("sensitive_access");
    const url = (a: string) => `/api/v1/alerts/${alert!.id}/${a}`;
    expect((await as("lucas.meyer", "POST", url("resolve"), {})).statusCode).toBe(403);
    expect((await as("ines.moreau", "POST", url("acknowledge"), {})).statusCode).toBe(403);
    expect((await as("lucas.meyer", "GET", `/api/v1/alerts/${alert!.id}`)).statusCode).toBe(403);
    expect((await as("ines.moreau", "GET", `/api/v1/alerts/${alert!.id}`)).statusCode).toBe(200);

    const ack = await as("omar.haddad", "POST", url("acknowledge"), { reason: "looking" });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ status: "acknowledged", actedBy: "omar.haddad@acme.example" });
    expect((await as("omar.haddad", "POST", url("acknowledge"), {})).statusCode).toBe(409);

    const snooze = await as("omar.haddad", "POST", url("snooze"), { hours: 2, reason: "deploy window" });
    expect(snooze.statusCode, snooze.body).toBe(200);
    const snoozed = snooze.json() as TAlertDetail;
    expect(snoozed.status).toBe("snoozed");
    expect(Date.parse(snoozed.snoozedUntil!) - Date.now()).toBeGreaterThan(7_100_000);

    // while snoozed: more evidence counts, nobody is told
    const before = (await t.database.db.select().from(notifications).where(eq(notifications.link, `/alerts/${alert!.id}`))).length;
    for (let i = 0; i < 3; i++) await ask(deploy, { action: "deployments.read", target: { system: "github" } });
    await evaluate();
    const quiet = (await as("omar.haddad", "GET", `/api/v1/alerts/${alert!.id}`)).json() as TAlertDetail;
    expect(quiet).toMatchObject({ status: "snoozed", count: 43 });
    expect((await t.database.db.select().from(notifications).where(eq(notifications.link, `/alerts/${alert!.id}`))).length).toBe(before);

    // its time up (a run three hours later): open again, and security is told
    await evaluate(new Date(Date.now() + 3 * 3_600_000));
    const woke = (await as("omar.haddad", "GET", `/api/v1/alerts/${alert!.id}`)).json() as TAlertDetail;
    expect(woke.status).toBe("open");
    expect((await t.database.db.select().from(notifications).where(eq(notifications.link, `/alerts/${alert!.id}`))).length).toBeGreaterThan(before);

    const resolved = await as("omar.haddad", "POST", url("resolve"), { reason: "expected: deploy freeze audit" });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const detail = resolved.json() as TAlertDetail;
    expect(detail.status).toBe("resolved");
    expect(detail.history.map((h) => [h.change, h.status, h.actor.label, h.reason])).toEqual([
      ["opened", "open", "bridle", null],
      ["acknowledged", "acknowledged", "omar.haddad@acme.example", "looking"],
      ["snoozed", "snoozed", "omar.haddad@acme.example", "deploy window"],
      ["snooze_ended", "open", "bridle", null],
      ["resolved", "resolved", "omar.haddad@acme.example", "expected: deploy freeze audit"],
    ]);
    expect((await as("omar.haddad", "POST", url("snooze"), { hours: 1 })).statusCode).toBe(409);

    const audited = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.resourceType, "alert"), eq(auditEvents.resourceId, alert!.id)));
    expect(audited.map((e) => [e.action, e.actorLabel, e.outcome])).toEqual([
      ["alert.open", "bridle", "success"],
      ["alert.resolve", "lucas.meyer@acme.example", "denied"],
      ["alert.acknowledge", "ines.moreau@acme.example", "denied"],
      ["alert.read", "lucas.meyer@acme.example", "denied"],
      ["alert.acknowledge", "omar.haddad@acme.example", "success"],
      ["alert.snooze", "omar.haddad@acme.example", "success"],
      ["alert.resolve", "omar.haddad@acme.example", "success"],
    ]);

    // the burst goes on after it was resolved: a new alert, the old one kept as it was
    for (let i = 0; i < 3; i++) await ask(deploy, { action: "deployments.read", target: { system: "github" } });
    await evaluate();
    const again = await ofRule("sensitive_access");
    expect(again.map((a) => a.status).sort()).toEqual(["open", "resolved"]);
    expect((await list("&status=resolved")).map((a) => a.id)).toEqual([alert!.id]);
  });

  it("lists with filters and pages; 404 for an unknown alert", async () => {
    const page1 = await as("omar.haddad", "GET", "/api/v1/alerts?limit=3&status=active");
    const body1 = page1.json() as { items: TAlert[]; nextCursor: string | null };
    expect(body1.items).toHaveLength(3);
    expect(body1.nextCursor).not.toBeNull();
    const page2 = (await as("omar.haddad", "GET", `/api/v1/alerts?limit=200&status=active&cursor=${body1.nextCursor}`)).json() as { items: TAlert[] };
    const active = await list("&status=active");
    expect([...body1.items, ...page2.items].map((a) => a.id)).toEqual(active.map((a) => a.id));
    expect((await list(`&botId=${deploy.botId}`)).every((a) => a.botId === deploy.botId)).toBe(true);
    expect((await as("omar.haddad", "GET", `/api/v1/alerts/${randomUUID()}`)).statusCode).toBe(404);
  });
});
