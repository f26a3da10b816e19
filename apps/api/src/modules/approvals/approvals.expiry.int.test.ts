import { approvalRequests, auditEvents, bots, createDb, people } from "@bridle/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { ACCESS_REVIEW_QUEUE, ALERTS_QUEUE, APPROVAL_EXPIRY_QUEUE, CREDENTIAL_ROTATION_QUEUE, ORPHAN_QUEUE, startJobs, type JobsLog } from "../../jobs/index.ts";
import { rowsOf } from "../../lib/sql.ts";
import { expireApprovalRequests } from "./index.ts";

const errors: unknown[] = [];
const log: JobsLog = { info: (..._args: unknown[]) => {}, warn: (..._args: unknown[]) => {}, error: (...args: unknown[]) => void errors.push(args) } as unknown as JobsLog;

async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("approval request expiry", () => {
  let t: TestApp;
  let omar: string;
  let daniel: string;
  let botId: string;
  const insert = async (over: Partial<typeof approvalRequests.$inferInsert> = {}) => {
    const [row] = await t.database.db
      .insert(approvalRequests)
      .values({
        kind: "scope_expansion",
        botId,
        payload: { system: "github", scope: `github:issues:read`, access: "read" },
        justification: "test",
        approverRole: "security",
        approvalsRequired: 1,
        expiresAt: new Date(Date.now() + 3_600_000),
        ...over,
      })
      .returning();
    return row!.id;
  };
  const statusOf = async (id: string) => (await t.database.db.select().from(approvalRequests).where(eq(approvalRequests.id, id)))[0]!.status;

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    omar = await tokenFor(t.database, "omar.haddad@acme.example");
    daniel = await tokenFor(t.database, "daniel.kim@acme.example");
    botId = (await t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-sandbox-bot")))[0]!.id;
  });
  afterAll(() => t.close());

  it("shows a pending request past its expiry as expired before the job runs, and leaves it out of the badge", async () => {
    const [danielId] = (await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, "daniel.kim@acme.example"))).map((p) => p.id);
    const id = await insert({ requesterPersonId: danielId, expiresAt: new Date(Date.now() - 60_000) });
    const count = await t.app.inject({ method: "GET", url: "/api/v1/approval-requests/count", headers: { authorization: `Bearer ${omar}` } });
    expect(count.json().pending).toBe(0);
    const list = await t.app.inject({ method: "GET", url: "/api/v1/approval-requests?status=expired", headers: { authorization: `Bearer ${daniel}` } });
    expect(list.json().items.map((v: { id: string; status: string }) => [v.id, v.status])).toEqual([[id, "expired"]]);
    const pending = await t.app.inject({ method: "GET", url: "/api/v1/approval-requests?status=pending", headers: { authorization: `Bearer ${daniel}` } });
    expect(pending.json().total).toBe(0);
    await t.database.db.delete(approvalRequests).where(eq(approvalRequests.id, id));
  });

  it("expires pending requests past expiresAt, one audit event each, and nothing else", async () => {
    const now = new Date();
    const due = [await insert({ expiresAt: new Date(now.getTime() - 1000) }), await insert({ expiresAt: new Date(now.getTime() - 86_400_000) })];
    const future = await insert({ expiresAt: new Date(now.getTime() + 60_000) });
    const decided = await insert({ status: "approved", expiresAt: new Date(now.getTime() - 1000), decidedAt: now });
    const expired = await expireApprovalRequests(t.database.db, now);
    expect(expired.sort()).toEqual([...due].sort());
    for (const id of due) expect(await statusOf(id)).toBe("expired");
    expect(await statusOf(future)).toBe("pending");
    expect(await statusOf(decided)).toBe("approved");
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "approval.expire"), inArray(auditEvents.resourceId, due)));
    expect(audit).toHaveLength(2);
    expect(audit.map((e) => [e.actorType, e.outcome])).toEqual([
      ["system", "success"],
      ["system", "success"],
    ]);
    expect(audit.map((e) => (e.details as { bot?: string }).bot)).toEqual(["acme-sandbox-bot", "acme-sandbox-bot"]);
    // idempotent: a second run finds nothing
    expect(await expireApprovalRequests(t.database.db, now)).toEqual([]);
    // the clock moves on
    expect(await expireApprovalRequests(t.database.db, new Date(now.getTime() + 120_000))).toEqual([future]);
  });

  it("runs every minute on pg-boss with PostgreSQL, and stops cleanly", async () => {
    const [{ d }] = rowsOf<{ d: string }>(await t.database.db.execute(sql`select current_database() as d`)) as [{ d: string }];
    const url = new URL(inject("adminDatabaseUrl"));
    url.pathname = `/${d}`;
    const jobs = await startJobs({ database: t.database, databaseUrl: url.toString(), log, config: {} });
    try {
      expect(jobs.kind).toBe("pg-boss");
      const schedules = rowsOf<{ name: string; cron: string }>(await t.database.db.execute(sql`select name, cron from pgboss.schedule order by name`));
      // the access review job (modules/access-reviews) is scheduled beside it, hourly; the alert evaluator every minute
      expect(schedules).toEqual([
        { name: ACCESS_REVIEW_QUEUE, cron: "7 * * * *" },
        { name: ALERTS_QUEUE, cron: "* * * * *" },
        { name: APPROVAL_EXPIRY_QUEUE, cron: "* * * * *" },
        { name: CREDENTIAL_ROTATION_QUEUE, cron: "15 5 * * *" },
        { name: ORPHAN_QUEUE, cron: "23 * * * *" },
      ]);
      // do not wait for the minute: queue a run the way the scheduler does
      const id = await insert({ expiresAt: new Date(Date.now() - 1000) });
      const sender = new PgBoss({ connectionString: url.toString(), supervise: false, schedule: false, migrate: false, max: 1 });
      await sender.start();
      await sender.send(APPROVAL_EXPIRY_QUEUE, {});
      await sender.stop({ graceful: false, wait: true, timeout: 1000 });
      await until(async () => (await statusOf(id)) === "expired");
    } finally {
      await jobs.stop(2000);
    }
    expect(errors).toEqual([]);
  });

  it("runs on a timer in the process with embedded PGlite", async () => {
    const database = await createDb({ dataDir: "memory://" });
    try {
      await database.migrate();
      const [person] = await database.db.insert(people).values({ email: "owner@example.com", displayName: "Owner" }).returning();
      const [bot] = await database.db.insert(bots).values({ name: "x-bot", purpose: "test", environment: "test", status: "active", ownerId: person!.id }).returning();
      const [req] = await database.db
        .insert(approvalRequests)
        .values({ kind: "ownership_transfer", botId: bot!.id, payload: { toEmail: "a@example.com" }, approverRole: "it", expiresAt: new Date(Date.now() - 1000) })
        .returning();
      const jobs = await startJobs({ database, log, intervalMs: 60_000, config: {} });
      expect(jobs.kind).toBe("interval");
      await until(async () => (await database.db.select().from(approvalRequests).where(eq(approvalRequests.id, req!.id)))[0]!.status === "expired");
      await jobs.stop();
      const audit = await database.db.select().from(auditEvents).where(eq(auditEvents.action, "approval.expire"));
      expect(audit.map((e) => e.resourceId)).toEqual([req!.id]);
    } finally {
      await database.close();
    }
  });
});
