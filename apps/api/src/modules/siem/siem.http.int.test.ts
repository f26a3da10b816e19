import { createDb } from "@bridle/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, createReplica, createTestApp, type TestApp } from "../../../test/harness.ts";
import { auditCount, chainOrder, compareWithChain, startHecReceiver, waitFor, writeEvents } from "./siem.testkit.ts";

const TOKEN = "0f3c1a2b-hec-token-for-tests-7d9e";
const ENV = {
  BRIDLE_ENCRYPTION_KEY: "11".repeat(32),
  BRIDLE_SIEM_INTERVAL_MS: "50",
  BRIDLE_SIEM_RETRY_BASE_MS: "50",
  BRIDLE_SIEM_RETRY_MAX_MS: "300",
  BRIDLE_SIEM_BATCH: "25",
  BRIDLE_SIEM_TIMEOUT_MS: "5000",
  BRIDLE_SIEM_HOSTNAME: "bridle-test",
  BRIDLE_AUDIT_SEAL_INTERVAL_MS: "100",
};

type Line = { time: number; host: string; source: string; sourcetype: string; event: { position: number; id: string; at: string; action: string } };

describe("SIEM streaming over HTTP (Splunk HEC) to a real receiver", () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startHecReceiver>>;
  beforeAll(async () => {
    t = await createTestApp({ seed: "none", env: ENV });
    receiver = await startHecReceiver(TOKEN);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const received = () => receiver.lines.map((l) => JSON.parse(l) as Line);
  /** Every audit event stored when it is called is sealed and arrived (the chain can be longer by then). */
  const caughtUp = async () => {
    const stored = await auditCount(t.database);
    return () => caughtUpTo(stored);
  };
  const caughtUpTo = async (stored: number) => {
    const chain = await chainOrder(t.database);
    if (chain.length < stored) return null;
    const got = new Set(received().map((l) => l.event.position));
    return chain.every((c) => got.has(c.position)) ? chain : null;
  };

  it("delivers every audit event, in order, through a receiver restart and a Bridle restart", async () => {
    const api = (o: Parameters<TestApp["api"]>[0]) => t.api(o);
    const created = await api({ method: "POST", url: "/api/v1/siem/destinations", payload: { name: "Splunk", kind: "http", endpoint: receiver.url, token: TOKEN } });
    expect(created.statusCode, created.body).toBe(201);
    const dest = created.json() as { id: string; tokenHint: string; status: { position: number } };
    expect(dest.tokenHint).toBe("…7d9e");
    expect(created.body).not.toContain(TOKEN);

    // 1. a first stream of events arrives
    await writeEvents(t.database, 60, "a");
    await waitFor("the first events", await caughtUp());
    expect(receiver.authorizations.every((a) => a === `Splunk ${TOKEN}`)).toBe(true);
    const first = received()[0]!;
    expect(first).toMatchObject({ host: "bridle-test", source: "bridle", sourcetype: "bridle:audit" });
    expect(first.time).toBe(Date.parse(first.event.at) / 1000);

    // 2. the receiver goes away: Bridle records the failure and retries; nothing is lost when it is back
    await receiver.stop();
    await writeEvents(t.database, 60, "b");
    const failing = await waitFor("a recorded failure", async () => {
      const d = (await api({ method: "GET", url: `/api/v1/siem/destinations/${dest.id}` })).json() as { status: { failures: number; lastError: string | null; lag: number } };
      return d.status.failures >= 2 ? d : null;
    });
    expect(failing.status.lastError).toMatch(/ECONNREFUSED/);
    expect(failing.status.lag).toBeGreaterThan(0);
    await receiver.start();
    await waitFor("delivery after the receiver came back", await caughtUp());

    // 3. Bridle stops while a batch is at the receiver, unacknowledged; a new Bridle process sends it again
    receiver.holdNext();
    await writeEvents(t.database, 60, "c");
    await waitFor("a batch held at the receiver", () => receiver.isHolding());
    await t.close(); // aborts the batch in flight: its cursor did not move
    receiver.release();
    // written while no Bridle runs: sealed and sent after the restart
    const offline = await createDb({ databaseUrl: t.config.DATABASE_URL!, poolSize: 1 });
    await writeEvents(offline, 40, "d");
    await offline.close();
    t = await createReplica(t);
    const chain = await waitFor("delivery after Bridle restarted", await caughtUp());

    const cmp = compareWithChain(
      received().map((l) => ({ position: l.event.position, id: l.event.id })),
      chain,
    );
    expect(cmp.got).toEqual(chain);
    // at least once: the batch the receiver had taken but not answered when Bridle stopped came again,
    // and nothing else twice (at most the batches in flight at the two interruptions)
    expect(receiver.unacknowledged).toHaveLength(25);
    expect(cmp.duplicates).toBeGreaterThanOrEqual(25);
    expect(cmp.duplicates).toBeLessThanOrEqual(2 * 25);
    expect(chain.length).toBeGreaterThanOrEqual(220);

    const status = ((await t.api({ method: "GET", url: `/api/v1/siem/destinations/${dest.id}` })).json() as { status: Record<string, unknown> }).status;
    // caught up; the last error stays on record (with its time) after the successes that followed
    expect(status).toMatchObject({ lag: 0, lagSeconds: 0, failures: 0, lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect(status.position).toBe(status.headPosition);
  });

  it("with two replicas delivering, each event arrives once: one deliverer per destination at a time", async () => {
    const second = await createReplica(t);
    try {
      const before = receiver.lines.length;
      const positionsBefore = new Set(received().map((l) => l.event.position));
      for (let i = 0; i < 4; i++) await writeEvents(t.database, 50, `two-${i}`);
      await waitFor("delivery with two replicas", await caughtUp());
      const fresh = received().slice(before).filter((l) => !positionsBefore.has(l.event.position));
      const positions = fresh.map((l) => l.event.position);
      expect(positions.length).toBeGreaterThanOrEqual(200);
      expect(new Set(positions).size).toBe(positions.length);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    } finally {
      await second.close();
    }
  });

  it("tests a destination, and a wrong token shows as the receiver's refusal, never the token", async () => {
    const bad = await t.api({
      method: "POST",
      url: "/api/v1/siem/destinations",
      payload: { name: "Wrong token", kind: "http", endpoint: receiver.url, token: "wrong-token-1234", enabled: false },
    });
    expect(bad.statusCode, bad.body).toBe(201);
    const id = (bad.json() as { id: string }).id;
    const res = await t.api({ method: "POST", url: `/api/v1/siem/destinations/${id}/test` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, message: "the collector answered HTTP 403: Invalid token (HEC code 4) (check the HEC token)" });
    expect(res.body).not.toContain("wrong-token-1234");
    const fixed = await t.api({ method: "PATCH", url: `/api/v1/siem/destinations/${id}`, payload: { token: TOKEN } });
    expect((fixed.json() as { tokenHint: string }).tokenHint).toBe("…7d9e");
    const ok = await t.api({ method: "POST", url: `/api/v1/siem/destinations/${id}/test` });
    expect(ok.json()).toMatchObject({ ok: true });
    expect(receiver.lines.map((l) => JSON.parse(l) as { sourcetype: string }).filter((l) => l.sourcetype === "bridle:test")).toHaveLength(1);
  });

  it("refuses an http destination without a token, a bad endpoint, and people without siem.manage", async () => {
    const noToken = await t.api({ method: "POST", url: "/api/v1/siem/destinations", payload: { name: "x", kind: "http", endpoint: receiver.url } });
    expect(noToken.statusCode).toBe(400);
    const badEndpoint = await t.api({ method: "POST", url: "/api/v1/siem/destinations", payload: { name: "y", kind: "syslog", endpoint: "https://nope" } });
    expect(badEndpoint.statusCode).toBe(400);
    expect(badEndpoint.body).toContain("host:port");
    const dup = await t.api({ method: "POST", url: "/api/v1/siem/destinations", payload: { name: "splunk", kind: "http", endpoint: receiver.url, token: TOKEN } });
    expect(dup.statusCode).toBe(409);
    // the token and the log never travel in clear to another machine
    const cleartext = await t.api({ method: "POST", url: "/api/v1/siem/destinations", payload: { name: "z", kind: "http", endpoint: "http://splunk.example.com:8088/services/collector/event", token: TOKEN } });
    expect(cleartext.statusCode).toBe(400);
    expect(cleartext.body).toContain("http:// only for localhost");
    // the stored token does not follow the destination to another endpoint, nor to an unchecked certificate
    const [splunk] = ((await t.api({ method: "GET", url: "/api/v1/siem/destinations" })).json() as { items: { id: string; name: string }[] }).items.filter((d) => d.name === "Splunk");
    for (const payload of [{ endpoint: "https://attacker.example/services/collector/event" }, { tlsVerify: false }]) {
      const moved = await t.api({ method: "PATCH", url: `/api/v1/siem/destinations/${splunk!.id}`, payload });
      expect(moved.statusCode, JSON.stringify(payload)).toBe(400);
      expect(moved.json()).toMatchObject({ error: { details: { fields: [{ path: ["token"], code: "required" }] } } });
    }
    const anon = await t.app.inject({ method: "GET", url: "/api/v1/siem/destinations" });
    expect(anon.statusCode).toBe(401);
    expect(ADMIN_TOKEN).toBeTruthy();
  });
});
