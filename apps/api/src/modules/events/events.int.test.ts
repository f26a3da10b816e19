import { randomUUID } from "node:crypto";
import type { TRuntimeEvent, TRuntimeEventBatchResult, TRuntimeSession, TSessionTimeline } from "@bridle/contracts";
import { auditEvents } from "@bridle/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botIdOf, botTokenFor, decide, eventually } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { rowsOf } from "../../lib/sql.ts";
import { verifyVia } from "../audit/audit.testkit.ts";

// A made-up token in the shape of a GitHub personal access token (ghp_ + 36 characters).
const GITHUB_TOKEN = `ghp_${randomUUID().replaceAll("-", "").slice(0, 20)}Zq8mN4vR2tY6wL0k`;

type Envelope = { error: { code: string; message: string; details?: { fields?: { path: string[] }[]; rejected?: { index: number; fields: { path: string[]; message: string }[] }[] } } };

describe("runtime events", () => {
  let t: TestApp;
  let triage: { token: string; id: string; botId: string }; // acme-triage-bot: active, owner lucas.meyer
  let paused: { token: string; botId: string }; // acme-oncall-handoff-bot: paused
  const people: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    triage = await botTokenFor(t, "acme-triage-bot");
    paused = await botTokenFor(t, "acme-oncall-handoff-bot");
    for (const who of ["lucas.meyer", "daniel.kim", "omar.haddad"]) people[who] = await tokenFor(t.database, `${who}@acme.example`);
  });
  afterAll(() => t.close());

  const post = (token: string, events: unknown[], query = "") =>
    t.app.inject({ method: "POST", url: `/api/v1/events${query}`, headers: { authorization: `Bearer ${token}` }, payload: { events } });
  const as = (who: string, url: string) => t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${people[who]}` } });
  /** The runtime events stored for a session, oldest first. */
  const stored = (sessionId: string) =>
    t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.sessionId, sessionId), sql`${auditEvents.action} like 'runtime.%'`))
      .orderBy(asc(auditEvents.seq));

  const at = (second: number) => new Date(Date.UTC(2026, 10, 30, 9, 0, second)).toISOString();
  /** One session's worth of every event type, in the order the runtime saw them. */
  const story = (sessionId: string): TRuntimeEvent[] => [
    { type: "session_start", id: randomUUID(), sessionId, time: at(0), agent: "main", model: "gpt-5" },
    { type: "message_sent", id: randomUUID(), sessionId, time: at(1), channel: "slack:#eng-triage", text: "Looking at issue 42" },
    { type: "tool_call", id: randomUUID(), sessionId, time: at(2), toolCallId: "c1", tool: "exec", action: "shell.exec", params: { command: "gh issue view 42" } },
    { type: "tool_result", id: randomUUID(), sessionId, time: at(3), toolCallId: "c1", tool: "exec", ok: true, durationMs: 420, result: { exitCode: 0 } },
    { type: "error", id: randomUUID(), sessionId, time: at(4), message: "rate limited by GitHub", code: "429" },
    { type: "usage", id: randomUUID(), sessionId, time: at(5), model: "gpt-5", inputTokens: 1200, outputTokens: 300, costUsd: 0.0125 },
    { type: "heartbeat", id: randomUUID(), sessionId, time: at(6), runtime: "openclaw", runtimeVersion: "2026.9.6", plugin: "@bridle/openclaw-plugin", pluginVersion: "0.1.0" },
    { type: "session_end", id: randomUUID(), sessionId, time: at(7), reason: "done" },
  ];

  it("stores a good batch after commit: one chained audit event of the bot per event, typed, with the session summed up", async () => {
    const sessionId = `s-${randomUUID()}`;
    const events = story(sessionId);
    const res = await post(triage.token, events);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as TRuntimeEventBatchResult;
    expect(body).toEqual({ accepted: 8, duplicates: 0, rejected: [], ids: events.map((e) => e.id) });

    const rows = await stored(sessionId);
    expect(rows.map((r) => r.action)).toEqual([
      "runtime.session_start",
      "runtime.message_sent",
      "runtime.tool_call",
      "runtime.tool_result",
      "runtime.error",
      "runtime.usage",
      "runtime.heartbeat",
      "runtime.session_end",
    ]);
    for (const r of rows) expect(r).toMatchObject({ actorType: "bot", actorId: triage.botId, actorLabel: "acme-triage-bot", resourceType: "runtime_event", sessionId });
    expect(rows.map((r) => r.resourceId)).toEqual(events.map((e) => e.id));
    expect(rows.map((r) => r.outcome)).toEqual(["success", "success", "success", "success", "failure", "success", "success", "success"]);
    expect(rows[5]!.details).toEqual({ bot: "acme-triage-bot", time: at(5), model: "gpt-5", inputTokens: 1200, outputTokens: 300, costUsd: 0.0125 });

    const list = await as("lucas.meyer", `/api/v1/bots/${triage.botId}/sessions`);
    expect(list.statusCode, list.body).toBe(200);
    const sessions = (list.json() as { items: TRuntimeSession[] }).items;
    expect(sessions.find((s) => s.sessionId === sessionId)).toEqual({
      sessionId,
      botId: triage.botId,
      firstAt: at(0),
      lastAt: at(7),
      events: 8,
      toolCalls: 1,
      errors: 1,
      inputTokens: 1200,
      outputTokens: 300,
      costUsd: 0.0125,
      ended: true,
    });
  });

  it("stores none of a batch with invalid events, naming each by its index and field", async () => {
    const sessionId = `s-${randomUUID()}`;
    const [start, message, call] = story(sessionId);
    const res = await post(triage.token, [start, { ...message, channel: undefined }, call, { type: "teleport", sessionId, time: at(9) }, { ...call, time: "yesterday" }]);
    expect(res.statusCode, res.body).toBe(400);
    const err = (res.json() as Envelope).error;
    expect(err.code).toBe("validation_failed");
    expect(err.message).toMatch(/^3 of 5 events are not valid .*none was stored/);
    expect(err.details!.rejected!.map((r) => r.index)).toEqual([1, 3, 4]);
    expect(err.details!.rejected![0]!.fields.map((f) => f.path)).toEqual([["channel"]]);
    expect(err.details!.rejected![2]!.fields.map((f) => f.path)).toEqual([["time"]]);
    expect(err.details!.fields!.map((f) => f.path.slice(0, 2))).toEqual([
      ["events", "1"],
      ["events", "3"],
      ["events", "4"],
    ]);
    expect(await stored(sessionId)).toHaveLength(0);
  });

  it("with ?partial=true stores the valid events and reports the invalid ones by index", async () => {
    const sessionId = `s-${randomUUID()}`;
    const [start, message, call, result] = story(sessionId);
    const res = await post(triage.token, [start, { ...message, text: "x".repeat(4001) }, call, { ...result, ok: "yes" }], "?partial=true");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as TRuntimeEventBatchResult;
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(body.ids).toEqual([start!.id, null, call!.id, null]);
    expect((await stored(sessionId)).map((r) => r.action)).toEqual(["runtime.session_start", "runtime.tool_call"]);
  });

  it("stores a retried batch once (same event ids), and a repeated id within a batch once", async () => {
    const sessionId = `s-${randomUUID()}`;
    const events = story(sessionId).slice(0, 6);
    expect((await post(triage.token, events)).json()).toMatchObject({ accepted: 6, duplicates: 0 });
    const again = await post(triage.token, [...events, events[0]]);
    expect(again.json()).toMatchObject({ accepted: 7, duplicates: 7 });
    expect(await stored(sessionId)).toHaveLength(6);
    const list = (await as("lucas.meyer", `/api/v1/bots/${triage.botId}/sessions`)).json() as { items: TRuntimeSession[] };
    expect(list.items.find((s) => s.sessionId === sessionId)).toMatchObject({ events: 6, inputTokens: 1200, costUsd: 0.0125, ended: false });
  });

  it("stores a batch once when its retry arrives while it is still being written, among other batches", async () => {
    // 1,000 events a batch: a write takes at most 4,000, so these go in two or more writes, run at once.
    const batch = (sessionId: string) =>
      Array.from({ length: 1000 }, (_, i): TRuntimeEvent => ({ type: "tool_call", id: randomUUID(), sessionId, time: at(i % 60), toolCallId: `c${i}`, tool: "exec", action: "shell.exec", params: { command: `echo ${i}` } }));
    const [s1, s2, s3] = [`s-${randomUUID()}`, `s-${randomUUID()}`, `s-${randomUUID()}`];
    const a = batch(s1);
    const answers = await Promise.all([a, batch(s2), a, batch(s3), a, a].map((events) => post(triage.token, events)));
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    const forA = [0, 2, 4, 5].map((i) => answers[i]!.json() as TRuntimeEventBatchResult);
    // Exactly one of the four answers for that batch stored it; the others found it stored.
    expect(forA.map((r) => r.accepted - r.duplicates).sort((x, y) => x - y)).toEqual([0, 0, 0, 1000]);
    expect(await stored(s1)).toHaveLength(1000);
    const list = (await as("lucas.meyer", `/api/v1/bots/${triage.botId}/sessions?limit=100`)).json() as { items: TRuntimeSession[] };
    expect(list.items.filter((s) => [s1, s2, s3].includes(s.sessionId)).map((s) => s.toolCalls)).toEqual([1000, 1000, 1000]);
  });

  it("an event id one bot used does not suppress another bot's event with the same id", async () => {
    const other = await botTokenFor(t, "acme-changelog-bot");
    const id = randomUUID();
    const event = (sessionId: string) => ({ type: "error", id, sessionId, time: at(1), message: "boom", code: "x" });
    const s1 = `s-${randomUUID()}`;
    const s2 = `s-${randomUUID()}`;
    expect((await post(triage.token, [event(s1)])).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await post(other.token, [event(s2)])).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await stored(s1)).toHaveLength(1);
    expect(await stored(s2)).toHaveLength(1);
    // also when both arrive at once and go in the same write
    const [s3, s4, shared] = [`s-${randomUUID()}`, `s-${randomUUID()}`, randomUUID()];
    const same = await Promise.all([post(triage.token, [{ ...event(s3), id: shared }]), post(other.token, [{ ...event(s4), id: shared }])]);
    expect(same.map((r) => r.json())).toEqual([expect.objectContaining({ accepted: 1, duplicates: 0 }), expect.objectContaining({ accepted: 1, duplicates: 0 })]);
    expect(await stored(s3)).toHaveLength(1);
    expect(await stored(s4)).toHaveLength(1);
  });

  it("cuts secrets out before storing, and says where", async () => {
    const sessionId = `s-${randomUUID()}`;
    const res = await post(triage.token, [
      { type: "tool_call", sessionId, time: at(1), tool: "exec", params: { command: `curl -H 'Authorization: token ${GITHUB_TOKEN}' https://api.github.com/user` } },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const [row] = await stored(sessionId);
    expect(JSON.stringify(row!.details)).not.toContain(GITHUB_TOKEN);
    expect(row!.details).toMatchObject({
      params: { command: "curl -H 'Authorization: token [redacted: github]' https://api.github.com/user" },
      redactions: [{ path: "/params/command", rule: "github" }],
    });
  });

  it("refuses an event over its size bounds (by index), a batch over 1,000 events and a body over the limit (413)", async () => {
    const sessionId = `s-${randomUUID()}`;
    const big = await post(triage.token, [{ type: "tool_call", sessionId, time: at(1), tool: "exec", params: { blob: "a".repeat(9000) } }]);
    expect(big.statusCode).toBe(400);
    expect((big.json() as Envelope).error.details!.rejected![0]).toMatchObject({ index: 0, fields: [{ path: ["params"] }] });

    const many = await post(
      triage.token,
      Array.from({ length: 1001 }, (_, i) => ({ type: "usage", sessionId, time: at(1), model: "m", inputTokens: i, outputTokens: 0, costUsd: 0 })),
    );
    expect(many.statusCode).toBe(413);
    expect((many.json() as Envelope).error).toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/at most 1000 events; this one has 1001/) });

    const huge = await post(triage.token, [{ type: "error", sessionId, time: at(1), message: "x".repeat(5 * 1024 * 1024) }]);
    expect(huge.statusCode).toBe(413);
    expect((huge.json() as Envelope).error.code).toBe("payload_too_large");
    expect(await stored(sessionId)).toHaveLength(0);

    const empty = await post(triage.token, []);
    expect(empty.statusCode).toBe(400);
  });

  it("refuses a malformed body or query whole, with field errors in the error envelope", async () => {
    const send = (url: string, payload: unknown) => t.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${triage.token}` }, payload: payload as object });
    const cases: [string, unknown, string[][]][] = [
      ["/api/v1/events?foo=1", { events: [{}] }, [["foo"]]],
      ["/api/v1/events?partial=maybe", { events: [{}] }, [["partial"]]],
      ["/api/v1/events", { events: "x" }, [["events"]]],
      ["/api/v1/events", { nope: 1 }, [["events"], ["nope"]]],
    ];
    for (const [url, payload, paths] of cases) {
      const res = await send(url, payload);
      expect(res.statusCode, url).toBe(400);
      const err = (res.json() as Envelope).error;
      expect(err.code).toBe("validation_failed");
      expect(err.details!.fields!.map((f) => f.path)).toEqual(paths);
    }
  });

  it("answers 401 to a wrong token, a revoked one, and people (bot runtime tokens only)", async () => {
    const sessionId = `s-${randomUUID()}`;
    const events = story(sessionId).slice(0, 1);
    expect((await post("brdl_bot_not-a-real-token", events)).statusCode).toBe(401);
    expect((await post(people["omar.haddad"]!, events)).statusCode).toBe(401);
    expect((await t.app.inject({ method: "POST", url: "/api/v1/events", payload: { events } })).statusCode).toBe(401);
    const spare = await botTokenFor(t, "acme-triage-bot");
    expect((await post(spare.token, events)).statusCode).toBe(200);
    const revoke = await t.api({ method: "DELETE", url: `/api/v1/bots/${spare.botId}/tokens/${spare.id}` });
    expect(revoke.statusCode, revoke.body).toBe(204);
    const after = await eventually(
      () => post(spare.token, story(sessionId).slice(1, 2)),
      (r) => r.statusCode === 401,
    );
    expect(after.statusCode).toBe(401);
    expect(await stored(sessionId)).toHaveLength(1);
  });

  it("accepts a paused bot's events: they are evidence of what its runtime did", async () => {
    const sessionId = `s-${randomUUID()}`;
    const res = await post(paused.token, story(sessionId).slice(0, 3));
    expect(res.statusCode, res.body).toBe(200);
    expect((await stored(sessionId)).map((r) => r.actorId)).toEqual([paused.botId, paused.botId, paused.botId]);
  });

  it("tells a session's story in order: runtime events at the runtime's time, with the decisions of that session", async () => {
    const sessionId = `s-${randomUUID()}`;
    const now = Date.now();
    const iso = (ms: number) => new Date(now + ms).toISOString();
    await post(triage.token, [
      { type: "session_start", sessionId, time: iso(-5000) },
      { type: "message_sent", sessionId, time: iso(-4000), channel: "slack:#eng-triage", text: "on it" },
    ]);
    const d = await decide(t, triage.token, { action: "issue.comment", target: { system: "github" }, sessionId, requestId: `r-${randomUUID()}` });
    expect(d.statusCode, d.body).toBe(200);
    // a gated action in the same session: it waits for security, who approves it
    const gated = await decide(t, triage.token, { action: "shell.exec", target: { system: "github" }, params: { command: "make test" }, sessionId, requestId: `r-${randomUUID()}` });
    const { decision, approvalRequestId } = gated.json() as { decision: string; approvalRequestId: string };
    expect(decision).toBe("require_approval");
    const approved = await t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${approvalRequestId}/approve`, headers: { authorization: `Bearer ${people["omar.haddad"]}` }, payload: {} });
    expect(approved.statusCode, approved.body).toBe(200);
    // reported a little later, as a runtime batches them
    await post(triage.token, [
      { type: "tool_call", sessionId, time: iso(5000), tool: "github.comment", decisionRequestId: "r" },
      { type: "tool_result", sessionId, time: iso(6000), tool: "github.comment", ok: true },
      { type: "session_end", sessionId, time: iso(7000) },
    ]);
    // another bot's session of the same id is another story
    await post(paused.token, [{ type: "session_start", sessionId, time: iso(-6000) }]);

    const res = await as("lucas.meyer", `/api/v1/bots/${triage.botId}/sessions/${encodeURIComponent(sessionId)}`);
    expect(res.statusCode, res.body).toBe(200);
    const story_ = res.json() as TSessionTimeline;
    expect(story_.items.map((e) => e.action)).toEqual([
      "runtime.session_start",
      "runtime.message_sent",
      "decision.allow",
      "decision.require_approval",
      "approval.request",
      "approval.approve",
      "approval.apply",
      "runtime.tool_call",
      "runtime.tool_result",
      "runtime.session_end",
    ]);
    expect(story_.items.map((e) => e.kind)).toEqual(["runtime", "runtime", "decision", "decision", "approval", "approval", "approval", "runtime", "runtime", "runtime"]);
    expect(story_.items[5]).toMatchObject({ actorLabel: "omar.haddad@acme.example", outcome: "success" });
    expect(story_.session).toMatchObject({ sessionId, events: 5, toolCalls: 1, ended: true });
    expect(story_.truncated).toBe(false);
  });

  it("shows sessions only to who may read the bot; others get 403 (audited); an unknown session is 404; none is an empty list", async () => {
    const denied = await as("daniel.kim", `/api/v1/bots/${triage.botId}/sessions`);
    expect(denied.statusCode).toBe(403);
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "runtime.session_read"), eq(auditEvents.resourceId, triage.botId)));
    expect(audit).toMatchObject({ outcome: "denied", actorLabel: "daniel.kim@acme.example" });
    expect((await as("daniel.kim", `/api/v1/bots/${triage.botId}/sessions/anything`)).statusCode).toBe(403);
    expect((await as("omar.haddad", `/api/v1/bots/${triage.botId}/sessions`)).statusCode).toBe(200); // security: bots.read_all
    expect((await as("lucas.meyer", `/api/v1/bots/${triage.botId}/sessions/no-such-session`)).statusCode).toBe(404);
    const quiet = await botIdOf(t, "acme-deploy-bot");
    const none = await t.api({ method: "GET", url: `/api/v1/bots/${quiet}/sessions` });
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ items: [], nextCursor: null });
  });

  it("pages a bot's sessions, latest activity first", async () => {
    const ids = Array.from({ length: 3 }, () => `p-${randomUUID()}`);
    const bot = await botTokenFor(t, "acme-deploy-bot");
    for (const [i, sessionId] of ids.entries()) await post(bot.token, [{ type: "session_start", sessionId, time: at(10 + i) }]);
    const first = await t.api({ method: "GET", url: `/api/v1/bots/${bot.botId}/sessions?limit=2` });
    const page1 = first.json() as { items: TRuntimeSession[]; nextCursor: string };
    expect(page1.items.map((s) => s.sessionId)).toEqual([ids[2], ids[1]]);
    const second = await t.api({ method: "GET", url: `/api/v1/bots/${bot.botId}/sessions?limit=2&cursor=${page1.nextCursor}` });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ sessionId: ids[0] })], nextCursor: null });
  });

  it("shows the latest 2,000 entries of a longer session, and says it is cut", async () => {
    const sessionId = `long-${randomUUID()}`;
    const base = Date.UTC(2026, 10, 30, 10, 0, 0);
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ type: "usage", sessionId, time: new Date(base + (from + i) * 10).toISOString(), model: "m", inputTokens: from + i, outputTokens: 0, costUsd: 0 }));
    for (const [from, n] of [[0, 1000], [1000, 1000], [2000, 4]] as const) expect((await post(triage.token, batch(from, n))).statusCode).toBe(200);
    expect((await post(triage.token, [{ type: "session_end", sessionId, time: new Date(base + 30_000).toISOString() }])).statusCode).toBe(200);
    const res = await as("lucas.meyer", `/api/v1/bots/${triage.botId}/sessions/${sessionId}`);
    const story_ = res.json() as TSessionTimeline;
    expect(story_.truncated).toBe(true);
    expect(story_.items).toHaveLength(2000);
    expect(story_.items.at(-1)!.action).toBe("runtime.session_end");
    expect(story_.items[0]!.details.inputTokens).toBe(5);
    expect(story_.session).toMatchObject({ events: 2005 });
  });

  it("keeps the chain: every runtime event is sealed and the log verifies", async () => {
    const sessionId = `s-${randomUUID()}`;
    await post(triage.token, story(sessionId));
    const report = await eventually(
      () => verifyVia(t),
      (r) => r.unsealed.count === 0,
      10_000,
    );
    expect(report).toMatchObject({ ok: true, problemCount: 0, firstBreak: null, unsealed: { count: 0 } });
    const [{ n }] = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from audit_events where action like 'runtime.%'`)) as [{ n: number }];
    expect(report.eventsChecked).toBeGreaterThanOrEqual(n);
  });
});
