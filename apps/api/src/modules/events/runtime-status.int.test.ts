import { randomUUID } from "node:crypto";
import type { TBot, TBotRuntimeStatus, TNotificationPage, TRuntimeEvent } from "@bridle/contracts";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { recomputeFindings } from "../findings/index.ts";

describe("runtime status and enforcement gaps", () => {
  let t: TestApp;
  let triage: { token: string; botId: string }; // acme-triage-bot: active, owner lucas.meyer
  const people: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    triage = await botTokenFor(t, "acme-triage-bot");
    for (const who of ["lucas.meyer", "omar.haddad", "daniel.kim"]) people[who] = await tokenFor(t.database, `${who}@acme.example`);
  });
  afterAll(() => t.close());

  const post = async (events: TRuntimeEvent[]) => {
    const res = await t.app.inject({ method: "POST", url: "/api/v1/events", headers: { authorization: `Bearer ${triage.token}` }, payload: { events } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const as = (who: string, url: string) => t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${people[who]}` } });
  const status = async () => {
    const res = await as("lucas.meyer", `/api/v1/bots/${triage.botId}/runtime`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TBotRuntimeStatus;
  };
  const findings = async () => ((await as("lucas.meyer", `/api/v1/bots/${triage.botId}`)).json() as TBot).findings;
  const gapAlerts = async (who: string) =>
    ((await as(who, "/api/v1/notifications?limit=100")).json() as TNotificationPage).items.filter((n) => n.kind === "enforcement_gap" && n.botId === triage.botId);
  const now = () => new Date().toISOString();
  const heartbeat = (gateway: string, pluginVersion = "0.1.0"): TRuntimeEvent => ({
    type: "heartbeat",
    id: randomUUID(),
    time: now(),
    runtime: "openclaw",
    runtimeVersion: "2026.9.6",
    plugin: "bridle",
    pluginVersion,
    gateway,
  });

  it("shows which gateway enforces the bot, with its versions and when it was last seen; never_reported before", async () => {
    expect(await status()).toMatchObject({ status: "never_reported", lastSeenAt: null, gateways: [], gaps: [] });
    const before = Date.now();
    await post([heartbeat("gw-1.acme.internal")]);
    const s = await status();
    expect(s.status).toBe("live");
    expect(s.gateways).toEqual([
      expect.objectContaining({ gateway: "gw-1.acme.internal", runtime: "openclaw", runtimeVersion: "2026.9.6", plugin: "bridle", pluginVersion: "0.1.0" }),
    ]);
    expect(Date.parse(s.lastSeenAt!)).toBeGreaterThanOrEqual(before - 1000);
    // a new plugin version replaces the old one on the same gateway
    await post([heartbeat("gw-1.acme.internal", "0.2.0")]);
    expect((await status()).gateways.map((g) => g.pluginVersion)).toEqual(["0.2.0"]);
    // people who may not read the bot are refused
    expect((await as("daniel.kim", `/api/v1/bots/${triage.botId}/runtime`)).statusCode).toBe(403);
  });

  it("raises runtime_silent once the runtime has not reported for 15 minutes (the hourly recompute), and clears it on the next heartbeat", async () => {
    expect((await findings()).map((f) => f.kind)).not.toContain("runtime_silent");
    // Twenty minutes pass without a heartbeat (the row as it would then be), then the hourly recompute runs.
    await t.database.db.execute(
      sql`update bot_runtimes set first_seen_at = now() - interval '1 hour', last_seen_at = now() - interval '20 minutes' where bot_id = ${triage.botId}`,
    );
    await t.database.db.transaction((tx) => recomputeFindings(tx));
    expect((await status()).status).toBe("silent");
    const silent = (await findings()).find((f) => f.kind === "runtime_silent");
    expect(silent?.message).toMatch(/has not reported for 20 minutes/);
    // the runtime reports again: the finding is recomputed at once (bot.runtime_changed)
    await post([heartbeat("gw-1.acme.internal", "0.2.0")]);
    expect((await status()).status).toBe("live");
    expect((await findings()).map((f) => f.kind)).not.toContain("runtime_silent");
  });

  it("a tool call with its allow decision and result is no gap", async () => {
    const sessionId = `s-${randomUUID()}`;
    const requestId = `r-${randomUUID()}`;
    const d = await decide(t, triage.token, { action: "issue.comment", target: { system: "github" }, sessionId, requestId });
    expect((d.json() as { decision: string }).decision).toBe("allow");
    await post([{ type: "tool_call", id: randomUUID(), sessionId, time: now(), toolCallId: "c1", tool: "github_comment", action: "issue.comment", decisionRequestId: requestId }]);
    await post([{ type: "tool_result", id: randomUUID(), sessionId, time: now(), toolCallId: "c1", tool: "github_comment", ok: true }]);
    expect((await status()).gaps).toEqual([]);
    expect((await findings()).map((f) => f.kind)).not.toContain("enforcement_gap");
  });

  it("a tool result with no matching decision raises enforcement_gap and alerts the owner and security once per session", async () => {
    const sessionId = `s-${randomUUID()}`;
    // a tool call that names a decision request Bridle never decided does not count as decided
    await post([
      { type: "tool_call", id: randomUUID(), sessionId, time: now(), toolCallId: "c7", tool: "exec", action: "shell.exec", decisionRequestId: "never-asked" },
      { type: "tool_result", id: randomUUID(), sessionId, time: now(), toolCallId: "c7", tool: "exec", ok: true },
    ]);
    const gap = (await findings()).find((f) => f.kind === "enforcement_gap");
    expect(gap?.message).toContain("exec ran without a matching Bridle decision");
    expect(gap?.message).toContain(sessionId);
    expect((await status()).gaps).toEqual([expect.objectContaining({ sessionId, kind: "undecided_call", tool: "exec" })]);
    const owner = await gapAlerts("lucas.meyer");
    expect(owner).toHaveLength(1);
    expect(owner[0]!.title).toBe("Enforcement gap: acme-triage-bot ran exec without a Bridle decision");
    expect(owner[0]!.link).toBe(`/bots/${triage.botId}/sessions/${sessionId}`);
    expect(await gapAlerts("omar.haddad")).toHaveLength(1);
    // another undecided call in the same session: no second alert (no storms)
    await post([{ type: "tool_result", id: randomUUID(), sessionId, time: now(), toolCallId: "c8", tool: "exec", ok: true }]);
    expect(await gapAlerts("lucas.meyer")).toHaveLength(1);
  });

  it("the plugin's own enforcement_gap event raises the finding and one alert", async () => {
    const sessionId = `s-${randomUUID()}`;
    const message = 'OpenClaw agent "main" runs on claude-cli, whose MCP tool calls Bridle cannot gate';
    await post([{ type: "error", id: randomUUID(), sessionId, time: now(), code: "enforcement_gap", message }]);
    expect((await status()).gaps[0]).toMatchObject({ sessionId, kind: "reported", message });
    const gap = (await findings()).find((f) => f.kind === "enforcement_gap");
    expect(gap?.message).toContain(message);
    expect(gap?.message).toContain("2 sessions");
    const alerts = await gapAlerts("lucas.meyer");
    expect(alerts).toHaveLength(2);
    expect(alerts.map((a) => a.title)).toContain("Enforcement gap: acme-triage-bot runs on a path Bridle cannot gate");
  });

  it("a runtime that reports its calls without asking for decisions has a gap in each such session", async () => {
    const sessionId = `s-${randomUUID()}`;
    await post([
      { type: "tool_call", id: randomUUID(), sessionId, time: now(), tool: "browser", action: "web.browse" },
      { type: "tool_result", id: randomUUID(), sessionId, time: now(), tool: "browser", ok: true },
    ]);
    expect((await status()).gaps[0]).toMatchObject({ sessionId, kind: "undecided_call", tool: "browser", message: "browser ran without a matching Bridle decision in the session" });
  });
  it("stores a batch that PostgreSQL rolled back to break a deadlock with a bot change: the write is tried again", async () => {
    // The cycle: another transaction changes the bot's row, then waits for the findings lock; the
    // events write holds that lock (its recompute for the new gap) and waits for the bot's row.
    // The other side waits 10 s before it looks for deadlocks, so PostgreSQL picks the events write.
    const other = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await other.connect();
    const sessionId = `s-${randomUUID()}`;
    let res;
    try {
      await other.query("begin");
      await other.query("set local deadlock_timeout = '10s'");
      await other.query("update bots set updated_at = now() where id = $1", [triage.botId]);
      const sent = t.app.inject({
        method: "POST",
        url: "/api/v1/events",
        headers: { authorization: `Bearer ${triage.token}` },
        payload: { events: [{ type: "tool_result", id: randomUUID(), sessionId, time: now(), toolCallId: "c1", tool: "exec", ok: true }] },
      });
      // until the events write waits for the bot's row
      for (let i = 0; ; i++) {
        const r = await other.query("select count(*)::int as n from pg_locks where locktype = 'transactionid' and not granted");
        if ((r.rows[0] as { n: number }).n > 0) break;
        if (i > 400) throw new Error("the events write never waited for the bot's row");
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // the findings lock (findings.service.ts RECOMPUTE_LOCK), held by the events write: a deadlock
      await other.query("select pg_advisory_xact_lock(x'66696e64'::bigint)");
      await other.query("commit");
      res = await sent;
    } finally {
      await other.end();
    }
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await status()).gaps.filter((g) => g.sessionId === sessionId)).toHaveLength(1);
  });
});
