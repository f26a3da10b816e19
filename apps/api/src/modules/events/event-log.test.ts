import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors.ts";
import type { SealBacklog } from "../audit/index.ts";
import { createEventLog } from "./event-log.ts";
import { eventKey, type EventRecord } from "./events.repo.ts";

/**
 * The group commit's hold while the audit sealer is behind, with the backlog's reading set by the
 * test: `over` answers what `state` says ("reading": no fresh reading, and `refresh` never
 * answers). The write stores what it is given (the database side is events.backlog.int.test.ts).
 */
function harness(o: { maxWaitMs?: number; maxQueued?: number } = {}) {
  let state: boolean | "reading" = false;
  const written: EventRecord[][] = [];
  let counted = 0;
  const backlog: SealBacklog = {
    over: () => (state === "reading" ? null : state),
    refresh: () => new Promise<void>(() => {}),
    written: (n) => {
      counted += n;
    },
  };
  const log = createEventLog({
    backlog,
    maxWaitMs: o.maxWaitMs ?? 300,
    maxQueued: o.maxQueued,
    write: async (records) => {
      written.push(records);
      return new Set(records.map(eventKey));
    },
  });
  return {
    log,
    written,
    counted: () => counted,
    set: (s: boolean | "reading") => {
      state = s;
    },
  };
}

const batch = (n: number): EventRecord[] =>
  Array.from({ length: n }, () => ({ id: randomUUID(), botId: "bot-1", botName: "bot", event: {} as EventRecord["event"], details: {}, httpRequestId: "r", sourceIp: null, userAgent: null, at: new Date() }));
const settle = <T>(p: Promise<T>) =>
  p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("event log: the audit backlog's hold", () => {
  it("writes at once under the bound, and counts what it wrote on the backlog", async () => {
    const h = harness();
    const stored = await h.log.append(batch(3));
    expect(stored.size).toBe(3);
    expect(h.written).toHaveLength(1);
    expect(h.counted()).toBe(3);
  });

  it("holds writes while the sealer is behind and writes them once it caught up", async () => {
    const h = harness({ maxWaitMs: 5_000 });
    h.set(true);
    const answer = settle(h.log.append(batch(2)));
    await sleep(150);
    expect(h.written).toHaveLength(0);
    h.set(false);
    const r = await answer;
    expect(r.ok && r.v.size).toBe(2);
    expect(h.written).toHaveLength(1);
  });

  it("refuses a batch that waited too long with 503 and Retry-After; it is never written", async () => {
    const h = harness({ maxWaitMs: 200 });
    h.set(true);
    const started = performance.now();
    const r = await settle(h.log.append(batch(2)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(r.ok).toBe(false);
    const err = (r as { e: AppError }).e;
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(503);
    expect(err.retryAfterSeconds).toBe(1);
    h.set(false);
    await sleep(100);
    expect(h.written).toHaveLength(0);
  });

  it("refuses in time also when a reading of the backlog never comes", async () => {
    const h = harness({ maxWaitMs: 200 });
    h.set("reading");
    const r = await Promise.race([settle(h.log.append(batch(1))), sleep(2_000).then(() => "still waiting" as const)]);
    expect(r).not.toBe("still waiting");
    expect((r as { ok: boolean }).ok).toBe(false);
    expect(h.written).toHaveLength(0);
  });

  it("refuses the newest batches past the events it lets wait, and keeps the older ones waiting", async () => {
    const h = harness({ maxWaitMs: 5_000, maxQueued: 5 });
    h.set(true);
    const first = settle(h.log.append(batch(3)));
    const second = settle(h.log.append(batch(3)));
    const r2 = await second;
    expect(r2.ok).toBe(false);
    expect(((r2 as { e: AppError }).e as AppError).message).toMatch(/holds as many waiting events as it will/);
    h.set(false);
    const r1 = await first;
    expect(r1.ok && r1.v.size).toBe(3);
  });

  it("at shutdown refuses what the hold keeps back, so draining ends", async () => {
    const h = harness({ maxWaitMs: 60_000 });
    h.set(true);
    const answer = settle(h.log.append(batch(2)));
    await sleep(20);
    const drained = await Promise.race([h.log.drain().then(() => "drained" as const), sleep(1_000).then(() => "stuck" as const)]);
    expect(drained).toBe("drained");
    const r = await answer;
    expect(r.ok).toBe(false);
    expect(((r as { e: AppError }).e as AppError).message).toMatch(/^Bridle is shutting down; this batch was not stored/);
    expect(h.written).toHaveLength(0);
  });

  it("at shutdown writes what is not held back", async () => {
    const h = harness();
    const answer = h.log.append(batch(2));
    await h.log.drain();
    expect((await answer).size).toBe(2);
  });

  it("at shutdown, while a reading is under way, keeps waiting for it rather than refusing", async () => {
    const h = harness({ maxWaitMs: 60_000 });
    h.set("reading");
    const answer = settle(h.log.append(batch(2)));
    void h.log.drain();
    await sleep(120);
    expect(h.written).toHaveLength(0);
    h.set(false);
    const r = await answer;
    expect(r.ok && r.v.size).toBe(2);
  });
});
