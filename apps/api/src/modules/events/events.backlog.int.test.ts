import { randomUUID } from "node:crypto";
import type { TRuntimeEvent } from "@bridle/contracts";
import { auditEvents } from "@bridle/db";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { createSealer, type Sealer } from "../audit/index.ts";

/**
 * Runtime events wait for the audit sealer when it is too far behind
 * (BRIDLE_AUDIT_MAX_UNSEALED_EVENTS). The background sealer is off, so the chain moves only when a
 * test seals (as another replica's sealer would), and the bound is 5 events.
 */
const METRICS_TOKEN = "metrics-scrape-token-backlog-0123456789";

describe("runtime events and the audit backlog", () => {
  let t: TestApp;
  let sealer: Sealer;
  let triage: { token: string; botId: string };

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo", env: { BRIDLE_AUDIT_SEAL_INTERVAL_MS: "0", BRIDLE_AUDIT_MAX_UNSEALED_EVENTS: "5", BRIDLE_METRICS_TOKEN: METRICS_TOKEN } });
    sealer = createSealer({ database: t.database, signer: () => null, checkpointEvery: 1_000_000, checkpointIntervalMs: 3_600_000 });
    triage = await botTokenFor(t, "acme-triage-bot");
  });
  afterAll(() => t.close());

  const batch = (n: number): TRuntimeEvent[] =>
    Array.from({ length: n }, (_, i) => ({ type: "error", id: randomUUID(), sessionId: "s-backlog", time: new Date(Date.UTC(2026, 11, 1, 9, 0, i)).toISOString(), message: `failure ${i}` }));
  const post = (events: TRuntimeEvent[]) =>
    t.app.inject({ method: "POST", url: "/api/v1/events", headers: { authorization: `Bearer ${triage.token}` }, payload: { events } });
  const storedOf = async (events: TRuntimeEvent[]) =>
    (
      await t.database.db
        .select({ id: auditEvents.resourceId })
        .from(auditEvents)
        .where(and(eq(auditEvents.resourceType, "runtime_event"), inArray(auditEvents.resourceId, events.map((e) => e.id!))))
    ).length;
  /** Settles to "pending" when `p` has not answered within `ms`. */
  const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);

  it("holds a batch while the chain is behind, and stores it once the sealer catches up", async () => {
    // The demo organization's own audit events are not chained yet: far more than 5.
    const first = batch(3);
    const answer = post(first);
    expect(await within(answer, 600)).toBe("pending");
    expect(await storedOf(first)).toBe(0);

    expect((await sealer.sealNow())?.sealed).toBeGreaterThan(5);
    const res = await answer;
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(await storedOf(first)).toBe(3);
  });

  it("reports what waits to be chained on /metrics", async () => {
    const unsealed = async () => {
      const res = await t.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const line = res.body.split("\n").find((l) => l.startsWith("bridle_audit_unsealed_events "));
      return Number(line?.split(" ")[1]);
    };
    await sealer.sealNow();
    expect(await unsealed()).toBe(0);
    expect((await post(batch(4))).statusCode).toBe(200);
    expect(await unsealed()).toBe(4);
    await sealer.sealNow();
    expect(await unsealed()).toBe(0);
  });

  it("refuses a batch with 503 and Retry-After when the sealer does not catch up within 5 s; nothing of it is stored, and it is stored when sent again", async () => {
    await sealer.sealNow();
    // Under the bound: written at once, and now the chain is 8 events behind.
    const under = await post(batch(8));
    expect(under.statusCode).toBe(200);

    const held = batch(2);
    const started = performance.now();
    const res = await post(held);
    expect(res.statusCode).toBe(503);
    expect(performance.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(res.headers["retry-after"]).toBe("1");
    const err = res.json<{ error: { code: string; message: string } }>().error;
    expect(err.code).toBe("unavailable");
    expect(err.message).toBe("Bridle's audit log is behind chaining events; this batch was not stored. Send it again in a second");
    expect(await storedOf(held)).toBe(0);

    await sealer.sealNow();
    const again = await post(held);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await storedOf(held)).toBe(2);
  }, 15_000);

  it("does not hold decisions: a bot asks while its events wait", async () => {
    await sealer.sealNow();
    expect((await post(batch(8))).statusCode).toBe(200);
    const waiting = post(batch(1));
    const decision = await decide(t, triage.token, { action: "issue.read", target: { system: "github" }, requestId: randomUUID() });
    expect(decision.statusCode).toBe(200);
    expect(decision.json()).toMatchObject({ decision: "allow" });
    expect(await within(waiting, 100)).toBe("pending");
    await sealer.sealNow();
    expect((await waiting).statusCode).toBe(200);
  });
});
