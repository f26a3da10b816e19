import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Event = {
  id: string;
  seq: number;
  action: string;
  outcome: string;
  requestId: string | null;
  sessionId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  actor: { type: string; label: string | null };
  details: Record<string, unknown>;
};

/** Reading the audit log: `GET /api/v1/audit-events` and `/{id}` (permission `audit.read`). */
describe("the audit log API", () => {
  let t: TestApp;
  let ownerToken: string;
  let auditorToken: string;
  const list = async (query: string, token?: string) => {
    const res = await (token
      ? t.app.inject({ method: "GET", url: `/api/v1/audit-events${query}`, headers: { authorization: `Bearer ${token}` } })
      : t.api({ method: "GET", url: `/api/v1/audit-events${query}` }));
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp();
    ownerToken = await tokenFor(t.database, "daniel.kim@acme.example");
    auditorToken = await tokenFor(t.database, "ines.moreau@acme.example", ["auditor"]);
  });
  afterAll(() => t.close());

  it("answers who changed the org policy, with the request that did it, to an auditor", async () => {
    const change = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { reviewIntervalDays: 45 }, headers: { "x-request-id": "policy-change-1" } });
    expect(change.statusCode).toBe(200);
    const res = await list("?action=policy.update", auditorToken);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Event[];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ action: "policy.update", outcome: "success", requestId: "policy-change-1", actor: { type: "token" } });
    // the event names the policy version it made, and each field before and after
    const { version, changes } = items[0]!.details as { version: { before: number; after: number }; changes: Record<string, unknown> };
    expect(version.after).toBe(version.before + 1);
    expect(version.after).toBe(change.json().policy.version);
    expect(Object.keys(changes)).toEqual(["reviewIntervalDays"]);
    expect(changes.reviewIntervalDays).toMatchObject({ after: 45 });
    // the same event by id, and every event of that request
    expect((await t.api({ method: "GET", url: `/api/v1/audit-events/${items[0]!.id}` })).json()).toEqual(items[0]);
    const ofRequest = (await list("?requestId=policy-change-1")).json().items as Event[];
    expect(ofRequest.map((e) => e.action).sort()).toEqual(["auth.token_used", "policy.update"]); // the bootstrap admin token is break-glass: its use is recorded too
    expect(ofRequest.map((e) => e.id)).toContain(items[0]!.id);
    // an action prefix ending in "." matches the family
    const family = (await list("?action=policy.")).json().items as Event[];
    expect(family.map((e) => e.action)).toEqual(["policy.update"]);
  });

  it("filters by bot: the events it acted in, was acted on by, or is the subject of, and no other bot's", async () => {
    const triage = await botTokenFor(t, "acme-triage-bot"); // bot_token.create: details.botId
    const other = await botTokenFor(t, "acme-deploy-bot");
    expect((await decide(t, triage.token, { action: "issue.comment", target: { system: "github" }, requestId: "bot-filter-1" })).statusCode).toBe(200); // actor: the bot
    expect((await decide(t, other.token, { action: "issue.comment", target: { system: "github" }, requestId: "bot-filter-2" })).statusCode).toBe(200);
    const edit = await t.api({ method: "PATCH", url: `/api/v1/bots/${triage.botId}`, payload: { purpose: "Triages incoming issues, labelled by team" } }); // resource: the bot
    expect(edit.statusCode).toBe(200);
    const res = await list(`?botId=${triage.botId}`, auditorToken);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as (Event & { resourceId: string | null })[];
    expect(items.map((e) => e.action)).toEqual(["bot.update", "decision.allow", "bot_token.create", "bot.create"]); // bot.create: the demo seed
    expect(items.every((e) => e.resourceId !== other.botId && e.details.botId !== other.botId)).toBe(true);
    // narrowed further by the other filters
    expect(((await list(`?botId=${triage.botId}&action=decision.`)).json().items as Event[]).map((e) => e.action)).toEqual(["decision.allow"]);
    expect((await list("?botId=not-a-uuid")).statusCode).toBe(400);
    // an export with the same filter holds exactly those events whole (the console exports what the page shows)
    const exported = await t.api({ method: "GET", url: `/api/v1/audit-events/export?format=ndjson&botId=${triage.botId}` });
    expect(exported.statusCode).toBe(200);
    const records = exported.body.trim().split("\n").map((line) => JSON.parse(line) as { type: string; eventState?: string; event?: { id: string } });
    const whole = records.filter((r) => (r.type === "chain" && r.eventState === "included") || r.type === "unsealed").map((r) => r.event!.id);
    const listed = ((await list(`?botId=${triage.botId}`)).json().items as Event[]).map((e) => e.id);
    expect(whole.sort()).toEqual(listed.sort());
  });

  it("names where a change came from: the client's address and user agent, for people and for bot runtimes", async () => {
    const change = await t.api({
      method: "PATCH",
      url: "/api/v1/policy",
      payload: { reviewIntervalDays: 60 },
      headers: { "x-request-id": "policy-change-2", "user-agent": "Terraform/1.9 bridle-provider" },
    });
    expect(change.statusCode).toBe(200);
    const [event] = (await list("?requestId=policy-change-2&action=policy.update")).json().items as Event[];
    expect(event).toMatchObject({ sourceIp: "127.0.0.1", userAgent: "Terraform/1.9 bridle-provider", sessionId: null });
    // a runtime's decisions carry its session id, so one session's story can be read on its own
    const bot = await botTokenFor(t, "acme-triage-bot");
    for (const requestId of ["s1-read", "s1-write"])
      expect((await decide(t, bot.token, { requestId, action: "data.read", target: { system: "jira" }, sessionId: "runtime-session-42" })).statusCode).toBe(200);
    expect((await decide(t, bot.token, { requestId: "other", action: "data.read", target: { system: "jira" }, sessionId: "runtime-session-43" })).statusCode).toBe(200);
    const session = (await list("?sessionId=runtime-session-42")).json().items as Event[];
    expect(session.map((e) => e.details.runtimeRequestId)).toEqual(["s1-write", "s1-read"]);
    expect(session.every((e) => e.actor.type === "bot" && e.sourceIp === "127.0.0.1" && e.sessionId === "runtime-session-42")).toBe(true);
  });

  it("behind a proxy, records the address the proxy saw, not what the client wrote into X-Forwarded-For", async () => {
    const proxied = await createTestApp({ seed: "none", env: { BRIDLE_TRUST_PROXY: "true" } });
    try {
      const res = await proxied.api({
        method: "PATCH",
        url: "/api/v1/policy",
        payload: { reviewIntervalDays: 30 },
        headers: { "x-request-id": "via-proxy", "x-forwarded-for": "6.6.6.6, 10.0.0.1" },
      });
      expect(res.statusCode).toBe(200);
      const [event] = (await proxied.api({ method: "GET", url: "/api/v1/audit-events?requestId=via-proxy&action=policy.update" })).json().items as Event[];
      expect(event!.sourceIp).toBe("10.0.0.1");
    } finally {
      await proxied.close();
    }
  });

  it("pages newest first without gaps or repeats", async () => {
    const all: Event[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: Event[]; nextCursor: string | null };
      expect(body.items.length).toBeGreaterThan(0);
      all.push(...body.items);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    const seqs = all.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const everything = (await list("?limit=200")).json().items as Event[];
    expect(everything.length).toBeLessThan(200); // one page holds them all here, so the comparison is complete
    expect(seqs).toEqual(everything.map((e) => e.seq));
  });

  it("refuses a person without audit.read, and records the refusal", async () => {
    const res = await list("", ownerToken);
    expect(res.statusCode).toBe(403);
    const refusals = (await list("?action=audit.read&outcome=denied")).json().items as Event[];
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.actor.label).toContain("daniel.kim@acme.example");
  });

  it("answers 404 for an unknown event and 400 for an unknown filter or a bad time", async () => {
    expect((await t.api({ method: "GET", url: "/api/v1/audit-events/00000000-0000-4000-8000-000000000000" })).statusCode).toBe(404);
    const unknown = await list("?actor=admin");
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain("actor");
    expect((await list("?from=yesterday")).statusCode).toBe(400);
    // years PostgreSQL cannot store are refused up front, on the list and on the streamed export
    // (a database error in the middle of a stream once stopped the whole process)
    for (const from of ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00"]) {
      const res = await list(`?from=${encodeURIComponent(from)}`);
      expect(res.statusCode, from).toBe(400);
      expect(res.json().error.details.fields).toEqual([expect.objectContaining({ path: ["from"] })]);
      expect((await t.api({ method: "GET", url: `/api/v1/audit-events/export?format=ndjson&from=${encodeURIComponent(from)}` })).statusCode).toBe(400);
    }
    const badCursor = Buffer.from(JSON.stringify({ k: 1.5, id: "x" })).toString("base64url");
    expect((await list(`?cursor=${badCursor}`)).statusCode).toBe(400);
    expect((await t.api({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });
});
