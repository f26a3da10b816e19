import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide, eventually } from "../test/bot-runtime.ts";
import { createReplica, createTestApp, type TestApp } from "../test/harness.ts";

const METRICS_TOKEN = "metrics-scrape-token-0123456789abcdef";

/** The value of one sample line (`name{labels} value`), or null when it is not there. */
function sample(text: string, name: string, labels = ""): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ""} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : null;
}

describe("GET /metrics", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo", env: { BRIDLE_METRICS_TOKEN: METRICS_TOKEN, BRIDLE_SIEM_INTERVAL_MS: "0" } });
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const res = await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  it("is never world-readable: 401 without or with a wrong bearer token, 404 when no token is configured", async () => {
    expect((await t.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: "Bearer nope" } })).statusCode).toBe(401);
    // a person's API token does not open it either
    expect((await t.api({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    const off = await createReplica(t, { BRIDLE_METRICS_TOKEN: "" });
    try {
      const res = await off.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain("BRIDLE_METRICS_TOKEN");
    } finally {
      await off.close();
    }
  });

  it("counts decisions by verdict with their latency, and stored runtime events", async () => {
    const before = await scrape();
    const denyBefore = sample(before, "bridle_decision_duration_seconds_count", 'verdict="deny"') ?? 0;
    const storedBefore = sample(before, "bridle_runtime_events_stored_total") ?? 0;

    const paused = await botTokenFor(t, "acme-oncall-handoff-bot");
    for (let i = 0; i < 3; i++) {
      const res = await decide(t, paused.token, { requestId: randomUUID(), action: "message.send", target: { channel: "slack:#general" } });
      expect((res.json() as { decision: string }).decision).toBe("deny");
    }
    const triage = await botTokenFor(t, "acme-triage-bot");
    const sessionId = `s-${randomUUID()}`;
    const time = new Date().toISOString();
    const events = [
      { type: "session_start", id: randomUUID(), sessionId, time },
      { type: "session_end", id: randomUUID(), sessionId, time, reason: "done" },
    ];
    const posted = await t.app.inject({ method: "POST", url: "/api/v1/events", headers: { authorization: `Bearer ${triage.token}` }, payload: { events } });
    expect(posted.statusCode, posted.body).toBe(200);
    // a retry of the same events stores nothing new, and counts nothing
    await t.app.inject({ method: "POST", url: "/api/v1/events", headers: { authorization: `Bearer ${triage.token}` }, payload: { events } });

    const after = await scrape();
    expect(sample(after, "bridle_decision_duration_seconds_count", 'verdict="deny"')).toBe(denyBefore + 3);
    expect(sample(after, "bridle_decision_duration_seconds_bucket", 'le="+Inf",verdict="deny"')).toBe(denyBefore + 3);
    expect(sample(after, "bridle_decision_duration_seconds_sum", 'verdict="deny"')).toBeGreaterThan(0);
    expect(sample(after, "bridle_runtime_events_stored_total")).toBe(storedBefore + 2);
  });

  it("reports queue depths, the SIEM lag per destination and the database pool", async () => {
    const created = await t.api({
      method: "POST",
      url: "/api/v1/siem/destinations",
      payload: { name: "lagging", kind: "syslog", endpoint: "siem.invalid:6514", enabled: false },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    // the sealer chains the demo's events within a second or so of start: wait for a chain head
    const head = (
      await eventually(
        async () => (await t.api({ method: "GET", url: `/api/v1/siem/destinations/${id}` })).json() as { status: { headPosition: number } },
        (d) => d.status.headPosition > 0,
        15_000,
      )
    ).status.headPosition;
    const text = await scrape();
    const lag = sample(text, "bridle_siem_lag_events", 'destination="lagging",kind="syslog",enabled="false"');
    expect(lag).toBeGreaterThanOrEqual(head);
    expect(head).toBeGreaterThan(0);
    expect(sample(text, "bridle_siem_failures", 'destination="lagging"')).toBe(0);
    expect(text).toContain("# TYPE bridle_audit_unsealed_events gauge"); // its values: events.backlog.int.test.ts
    expect(sample(text, "bridle_notification_outbox_depth")).toBeGreaterThanOrEqual(0);
    expect(sample(text, "bridle_db_pool_connections", 'state="total"')).toBeGreaterThan(0);
    expect(sample(text, "bridle_db_pool_connections", 'state="waiting"')).toBe(0);
    expect(text).toContain("# TYPE bridle_job_queue_depth gauge");
    expect(text).toContain("# TYPE bridle_process_cpu_user_seconds_total counter");
  });
});
