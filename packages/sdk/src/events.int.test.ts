import { randomUUID } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import type { TSessionTimeline } from "@bridle/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor } from "../../../apps/api/test/bot-runtime.ts";
import { createReplica, createTestApp, type TestApp } from "../../../apps/api/test/harness.ts";
import { createEventReporter, startHeartbeats } from "./index.ts";

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("event reporting against a real Bridle", () => {
  let t: TestApp;
  let baseUrl: string;
  let triage: { token: string; botId: string };

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    triage = await botTokenFor(t, "acme-triage-bot");
  });
  afterAll(async () => {
    t.app.server.closeAllConnections();
    await t.close();
  });

  const timeline = async (sessionId: string) => {
    const res = await t.api({ method: "GET", url: `/api/v1/bots/${triage.botId}/sessions/${sessionId}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TSessionTimeline;
  };
  const at = (i: number) => new Date(Date.UTC(2026, 10, 30, 6, 0, i)).toISOString();

  it("sends events in batches, in order; close sends what is left", async () => {
    const reporter = createEventReporter({ baseUrl, token: triage.token, batchSize: 3, flushIntervalMs: 60_000 });
    const sessionId = `s-${randomUUID()}`;
    reporter.report({ type: "session_start", sessionId, time: at(0), agent: "main" });
    for (let i = 1; i <= 5; i++) reporter.report({ type: "tool_call", sessionId, time: at(i), tool: "exec", toolCallId: `c${i}`, action: "shell.exec" });
    reporter.report({ type: "session_end", sessionId, time: at(6), reason: "done" });
    const stats = await reporter.close();
    expect(stats).toEqual({ queued: 0, sent: 7, dropped: 0, retries: 0 });
    const story = await timeline(sessionId);
    expect(story.items.map((e) => e.action)).toEqual(["runtime.session_start", ...Array(5).fill("runtime.tool_call"), "runtime.session_end"]);
    expect(story.items.filter((e) => e.action === "runtime.tool_call").map((e) => e.details.toolCallId)).toEqual(["c1", "c2", "c3", "c4", "c5"]);
  });

  it("holds at most maxQueue events and counts what it drops", async () => {
    const reporter = createEventReporter({ baseUrl, token: triage.token, maxQueue: 3, flushIntervalMs: 60_000 });
    const sessionId = `s-${randomUUID()}`;
    const kept = [1, 2, 3, 4, 5].map((i) => reporter.report({ type: "error", sessionId, time: at(i), message: `e${i}` }));
    expect(kept).toEqual([true, true, true, false, false]);
    expect(await reporter.close()).toMatchObject({ sent: 3, dropped: 2 });
    expect((await timeline(sessionId)).items.map((e) => e.details.message)).toEqual(["e1", "e2", "e3"]);
  });

  it("retries with backoff while Bridle is down and stores each event once when it is back", async () => {
    const port = await freePort();
    const errors: string[] = [];
    const reporter = createEventReporter({ baseUrl: `http://127.0.0.1:${port}`, token: triage.token, flushIntervalMs: 10, backoffMs: 50, maxBackoffMs: 200, onError: (e) => errors.push(e.message) });
    const sessionId = `s-${randomUUID()}`;
    for (let i = 1; i <= 3; i++) reporter.report({ type: "tool_result", sessionId, time: at(i), tool: "exec", ok: true, toolCallId: `c${i}` });
    await expect.poll(() => reporter.stats().retries, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatch(/Bridle unreachable/);
    // Bridle comes back on that port (a second replica on the same database).
    const replica = await createReplica(t);
    await replica.app.listen({ port, host: "127.0.0.1" });
    try {
      const stats = await reporter.close({ timeoutMs: 10_000 });
      expect(stats).toMatchObject({ queued: 0, sent: 3, dropped: 0 });
      expect((await timeline(sessionId)).items.map((e) => e.details.toolCallId)).toEqual(["c1", "c2", "c3"]);
    } finally {
      replica.app.server.closeAllConnections();
      await replica.close();
    }
  });

  it("waits at least what Bridle's Retry-After says before it sends a refused batch again", async () => {
    // Bridle answers 503 with Retry-After: 1 while its audit sealer catches up (events.backlog.int.test.ts);
    // here a stand-in answers the first try so, and stores the second.
    const { createServer: createHttpServer } = await import("node:http");
    const tries: number[] = [];
    const server = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () => {
        tries.push(performance.now());
        if (tries.length === 1)
          return res.writeHead(503, { "content-type": "application/json", "retry-after": "1" }).end('{"error":{"code":"unavailable","message":"behind"}}');
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: 1, duplicates: 0, rejected: [], ids: [randomUUID()] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const reporter = createEventReporter({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: triage.token, backoffMs: 10, maxBackoffMs: 5_000 });
      reporter.report({ type: "error", sessionId: "s-retry-after", time: at(1), message: "later" });
      expect(await reporter.close({ timeoutMs: 5_000 })).toMatchObject({ sent: 1, dropped: 0, retries: 1 });
      expect(tries).toHaveLength(2);
      expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(990);

      // A Retry-After past close's deadline: close waits the deadline out and drops the batch,
      // rather than sending it again and again until then.
      const refusing = createHttpServer((req, res) => {
        req.resume();
        req.on("end", () => {
          tries.push(performance.now());
          res.writeHead(503, { "content-type": "application/json", "retry-after": "30" }).end('{"error":{"code":"unavailable","message":"behind"}}');
        });
      });
      await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", () => r()));
      try {
        tries.length = 0;
        const late = createEventReporter({ baseUrl: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`, token: triage.token, backoffMs: 10, maxBackoffMs: 60_000 });
        late.report({ type: "error", sessionId: "s-retry-after", time: at(2), message: "too late" });
        const started = performance.now();
        expect(await late.close({ timeoutMs: 1_000 })).toMatchObject({ sent: 0, dropped: 1, queued: 0 });
        expect(performance.now() - started).toBeGreaterThanOrEqual(950);
        expect(tries).toHaveLength(1);
      } finally {
        refusing.close();
      }
    } finally {
      server.close();
    }
  });

  it("counts as dropped what close could not deliver in time, and events Bridle rejects", async () => {
    const down = createEventReporter({ baseUrl: "http://127.0.0.1:9", token: triage.token, backoffMs: 20, maxBackoffMs: 50 });
    down.report({ type: "error", sessionId: "s-down", time: at(1), message: "lost" });
    expect(await down.close({ timeoutMs: 300 })).toMatchObject({ sent: 0, dropped: 1, queued: 0 });

    const reporter = createEventReporter({ baseUrl, token: triage.token, flushIntervalMs: 60_000 });
    const sessionId = `s-${randomUUID()}`;
    reporter.report({ type: "error", sessionId, time: at(1), message: "kept" });
    // A runtime bug: an event the contract refuses (here, a usage event with a negative cost).
    reporter.report({ type: "usage", sessionId, time: at(2), model: "m", inputTokens: 1, outputTokens: 1, costUsd: -1 });
    expect(await reporter.close()).toMatchObject({ sent: 1, dropped: 1 });
  });

  it("sends heartbeats: runtime, plugin and versions", async () => {
    const reporter = createEventReporter({ baseUrl, token: triage.token, flushIntervalMs: 60_000 });
    const stop = startHeartbeats(reporter, { runtime: "openclaw", runtimeVersion: "2026.9.6", plugin: "bridle", pluginVersion: "0.1.0", gateway: "gw-1", intervalMs: 60_000 });
    stop();
    expect(await reporter.close()).toMatchObject({ sent: 1, dropped: 0 });
  });
});
