import { randomUUID } from "node:crypto";
import { auditEvents } from "@bridle/db";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

describe("incidents", () => {
  let t: TestApp;
  let security: string;
  let it_: string;
  let owner: string;
  beforeAll(async () => {
    t = await createTestApp();
    security = await tokenFor(t.database, "omar.haddad@acme.example");
    it_ = await tokenFor(t.database, "sam.taylor@acme.example");
    owner = await tokenFor(t.database, "lucas.meyer@acme.example");
  });
  afterAll(() => t.close());

  const as = (token: string) => (o: { method: "GET" | "POST" | "PATCH"; url: string; payload?: object }) =>
    t.app.inject({ method: o.method, url: `/api/v1${o.url}`, headers: { authorization: `Bearer ${token}` }, ...(o.payload !== undefined ? { payload: o.payload } : {}) });
  const lastEvent = async (action: string) =>
    (await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(desc(auditEvents.seq)).limit(1))[0];

  it("security declares an incident from a bot's denied decision; the blast radius comes from the inventory and the log", async () => {
    const bot = await botTokenFor(t, "acme-triage-bot");
    const denied = await decide(t, bot.token, { action: "message.post", target: { channel: "telegram" }, requestId: randomUUID(), sessionId: "s-incident" });
    expect(denied.json()).toMatchObject({ decision: "deny" });
    const allowed = await decide(t, bot.token, { action: "issue.read", target: { system: "github" }, requestId: randomUUID(), sessionId: "s-incident" });
    expect(allowed.statusCode, allowed.body).toBe(200);
    // decisions commit in a group: their audit events are there once the answer left
    const [denial] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "decision.deny"), eq(auditEvents.actorId, bot.botId)))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    expect(denial).toBeDefined();

    const res = await as(security)({
      method: "POST",
      url: "/incidents",
      payload: { title: "Triage bot tried to post to Telegram", severity: "high", botIds: [bot.botId], evidence: [{ auditEventId: denial!.id, note: "the first attempt" }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const inc = res.json();
    expect(inc).toMatchObject({ phase: "stop_the_bleeding", isDrill: false, declaredBy: { type: "token", label: "omar.haddad@acme.example" }, botCount: 1, mayManage: true });
    expect(inc.evidence).toEqual([
      expect.objectContaining({ auditEventId: denial!.id, note: "the first attempt", event: expect.objectContaining({ action: "decision.deny", botId: bot.botId }) }),
    ]);
    const br = inc.blastRadius;
    expect(br.bots).toEqual([expect.objectContaining({ name: "acme-triage-bot", status: "active" })]);
    // github from its grants and its decision; telegram is not one of its channels, but its decision named it
    expect(br.systems).toEqual(expect.arrayContaining([expect.objectContaining({ key: "github", via: expect.arrayContaining(["grant", "decision"]) })]));
    expect(br.systems.find((s: { key: string }) => s.key === "telegram")).toMatchObject({ via: ["decision"] });
    expect(br.people).toEqual(expect.arrayContaining([expect.objectContaining({ roles: expect.arrayContaining(["owner"]) })]));
    expect(br.activity.decisionsDenied).toBeGreaterThanOrEqual(1);
    expect(br.activity.decisionsAllowed).toBeGreaterThanOrEqual(1);
    // the token creation was the admin acting on the bot within the window
    expect(br.people).toEqual(expect.arrayContaining([expect.objectContaining({ roles: ["acted"] })]));
    expect(inc.windows.map((w: { phase: string }) => w.phase)).toEqual(["stop_the_bleeding", "classify", "fix_and_prove", "make_it_stick"]);

    const ev = await lastEvent("incident.declare");
    expect(ev).toMatchObject({ actorLabel: "omar.haddad@acme.example", resourceType: "incident", resourceId: inc.id });
    expect(ev!.details).toMatchObject({ title: "Triage bot tried to post to Telegram", bots: ["acme-triage-bot"], evidence: 1, isDrill: false });
  });

  it("the phase moves forward only with what each window asks for, stamps when it was met, and closed is final", async () => {
    const inc = (await as(security)({ method: "POST", url: "/incidents", payload: { title: "Drill: leaked token", severity: "medium", isDrill: true } })).json();
    const patch = (payload: object) => as(security)({ method: "PATCH", url: `/incidents/${inc.id}`, payload });

    const early = await patch({ version: 1, phase: "classify" });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.details.fields).toEqual([expect.objectContaining({ path: ["containment"], code: "required" })]);

    const contained = await patch({ version: 1, phase: "classify", containment: "Paused the bot with the kill switch" });
    expect(contained.statusCode, contained.body).toBe(200);
    expect(contained.json()).toMatchObject({ phase: "classify", version: 2, containment: "Paused the bot with the kill switch" });
    expect(contained.json().containedAt).not.toBeNull();
    expect(contained.json().windows[0]).toMatchObject({ phase: "stop_the_bleeding", late: false });

    const stale = await patch({ version: 1, summary: "x" });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details).toMatchObject({ currentVersion: 2 });

    const back = await patch({ version: 2, phase: "stop_the_bleeding" });
    expect(back.statusCode).toBe(400);

    // skipping ahead needs everything the skipped phases ask for
    const skip = await patch({ version: 2, phase: "closed", rootCauseClass: "misconfiguration" });
    expect(skip.statusCode).toBe(400);
    expect(skip.json().error.details.fields.map((f: { path: string[] }) => f.path[0])).toEqual(["permanentFix", "newMonitors"]);

    const closed = await patch({
      version: 2,
      phase: "closed",
      rootCauseClass: "misconfiguration",
      rootCause: "Token kept in the bot's workspace",
      permanentFix: "Moved to the vault; rotation every 30 days",
      newMonitors: "Alert on any decision denied twice in an hour",
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ phase: "closed", closedBy: "omar.haddad@acme.example", mayManage: false });
    expect(closed.json().closedAt).not.toBeNull();
    expect(closed.json().fixedAt).not.toBeNull();

    const ev = await lastEvent("incident.update");
    expect((ev!.details as { changes: Record<string, { before: unknown; after: unknown }> }).changes).toMatchObject({
      phase: { before: "classify", after: "closed" },
      rootCauseClass: { before: null, after: "misconfiguration" },
    });

    const after = await patch({ version: 3, summary: "late edit" });
    expect(after.statusCode).toBe(409);
    expect(after.json().error.message).toMatch(/closed/);
  });

  it("exports a one-page summary as Markdown and as PDF, audited", async () => {
    const inc = (await as(security)({ method: "POST", url: "/incidents", payload: { title: "Exfiltration attempt", severity: "critical", summary: "Bot asked for the customer table" } })).json();
    const md = await as(it_)({ method: "GET", url: `/incidents/${inc.id}/summary?format=md` });
    expect(md.statusCode, md.body).toBe(200);
    expect(md.headers["content-type"]).toMatch(/text\/markdown/);
    expect(md.headers["content-disposition"]).toMatch(/attachment; filename="incident-.*\.md"/);
    expect(md.body).toMatch(/^# Exfiltration attempt/);
    expect(md.body).toContain("## Blast radius");
    expect(md.body).toContain("Bot asked for the customer table");

    const pdf = await as(security)({ method: "GET", url: `/incidents/${inc.id}/summary?format=pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    // one page
    expect(pdf.rawPayload.toString("latin1").match(/\/Type \/Page\b/g)).toHaveLength(1);

    const ev = await lastEvent("incident.export");
    expect(ev).toMatchObject({ actorLabel: "omar.haddad@acme.example", resourceId: inc.id });
    expect(ev!.details).toMatchObject({ format: "pdf" });
  });

  it("refuses bad input with field errors and keeps nothing", async () => {
    const unknownBot = randomUUID();
    const res = await as(security)({ method: "POST", url: "/incidents", payload: { title: "x", severity: "high", botIds: [unknownBot], evidence: [{ auditEventId: randomUUID() }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0]).toMatchObject({ path: ["botIds", "0"], code: "unknown_reference" });
    const bad = await as(security)({ method: "POST", url: "/incidents", payload: { title: "", severity: "catastrophic" } });
    expect(bad.statusCode).toBe(400);
    const future = await as(security)({ method: "POST", url: "/incidents", payload: { title: "x", severity: "low", detectedAt: new Date(Date.now() + 3_600_000).toISOString() } });
    expect(future.statusCode).toBe(400);
    const list = (await as(security)({ method: "GET", url: "/incidents?limit=200" })).json();
    expect(list.items.map((i: { title: string }) => i.title)).not.toContain("x");
  });

  it("an owner may neither read nor declare incidents (audited); IT reads but may not change them", async () => {
    const declared = await as(owner)({ method: "POST", url: "/incidents", payload: { title: "mine", severity: "low" } });
    expect(declared.statusCode).toBe(403);
    const ev = await lastEvent("access.denied");
    expect(ev).toMatchObject({ actorLabel: "lucas.meyer@acme.example", resourceType: "incident", outcome: "denied" });
    expect((await as(owner)({ method: "GET", url: "/incidents" })).statusCode).toBe(403);

    const inc = (await as(security)({ method: "POST", url: "/incidents", payload: { title: "IT reads this", severity: "low" } })).json();
    const read = await as(it_)({ method: "GET", url: `/incidents/${inc.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().mayManage).toBe(false);
    expect((await as(it_)({ method: "PATCH", url: `/incidents/${inc.id}`, payload: { version: 1, summary: "x" } })).statusCode).toBe(403);
    expect((await as(owner)({ method: "GET", url: `/incidents/${inc.id}` })).statusCode).toBe(403);
    expect((await as(security)({ method: "GET", url: `/incidents/${randomUUID()}` })).statusCode).toBe(404);
  });

  it("IT reads an incident's inventory but not its audit evidence: no linked events, notes or response actions in the view or the summary; security gets them", async () => {
    const bot = await botTokenFor(t, "acme-triage-bot");
    const denied = await decide(t, bot.token, { action: "message.post", target: { channel: "telegram" }, requestId: randomUUID(), sessionId: "s-it-evidence" });
    expect(denied.json()).toMatchObject({ decision: "deny" });
    const [denial] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "decision.deny"), eq(auditEvents.actorId, bot.botId)))
      .orderBy(desc(auditEvents.seq))
      .limit(1);
    // a response action in the window: security pauses the bot, then lifts it
    const paused = await as(security)({ method: "POST", url: "/kill-switch", payload: { scope: { kind: "bot", subject: bot.botId }, mode: "pause", reason: "suspected exfiltration" } });
    expect(paused.statusCode, paused.body).toBe(201);
    expect((await as(security)({ method: "POST", url: `/kill-switch/${paused.json().id}/resume`, payload: { reason: "token rotated" } })).statusCode).toBe(200);
    const note = "attacker payload seen in the request: curl evil.example";
    const inc = (
      await as(security)({ method: "POST", url: "/incidents", payload: { title: "Telegram post attempt", severity: "high", botIds: [bot.botId], evidence: [{ auditEventId: denial!.id, note }] } })
    ).json();

    const sec = (await as(security)({ method: "GET", url: `/incidents/${inc.id}` })).json();
    expect(sec).toMatchObject({ evidenceCount: 1, auditEvidenceHidden: null });
    expect(sec.evidence).toEqual([expect.objectContaining({ auditEventId: denial!.id, note, event: expect.objectContaining({ action: "decision.deny" }) })]);
    expect(sec.blastRadius.responseEvents.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(["kill_switch.engage", "kill_switch.resume"]));
    expect(sec.blastRadius.responseEventCount).toBe(sec.blastRadius.responseEvents.length);

    const read = await as(it_)({ method: "GET", url: `/incidents/${inc.id}` });
    expect(read.statusCode, read.body).toBe(200);
    const seen = read.json();
    expect(seen).toMatchObject({ evidence: [], evidenceCount: 1, auditEvidenceHidden: "Audit evidence is visible to security, admins and auditors" });
    expect(seen.blastRadius.responseEvents).toEqual([]);
    expect(seen.blastRadius.responseEventCount).toBe(sec.blastRadius.responseEventCount);
    // no event id, note or action of the log leaves for IT
    for (const leak of [denial!.id, note, "decision.deny", "kill_switch.engage", ...sec.blastRadius.responseEvents.map((e: { id: string }) => e.id)]) expect(read.body).not.toContain(leak);
    // the inventory IT works from stays, the same as security's
    for (const k of ["bots", "systems", "credentials", "people", "activity"]) expect(seen.blastRadius[k], k).toEqual(sec.blastRadius[k]);
    expect(seen.blastRadius.bots.map((b: { name: string }) => b.name)).toEqual(["acme-triage-bot"]);

    const itMd = await as(it_)({ method: "GET", url: `/incidents/${inc.id}/summary?format=md` });
    expect(itMd.statusCode, itMd.body).toBe(200);
    expect(itMd.body).toContain(`1 audit events linked as evidence. Audit evidence is visible to security, admins and auditors.`);
    expect(itMd.body).toContain(`${sec.blastRadius.responseEventCount} response actions in the log. Audit evidence is visible to security, admins and auditors.`);
    expect(itMd.body).toContain("acme-triage-bot");
    for (const leak of ["attacker payload", "decision.deny", "kill\\_switch.engage", "kill_switch.engage"]) expect(itMd.body).not.toContain(leak);
    expect((await lastEvent("incident.export"))!.details).toMatchObject({ incidentId: inc.id, format: "md", auditEvidence: "withheld" });
    const itPdf = await as(it_)({ method: "GET", url: `/incidents/${inc.id}/summary?format=pdf` });
    expect(itPdf.statusCode).toBe(200);
    expect((await lastEvent("incident.export"))!.details).toMatchObject({ format: "pdf", auditEvidence: "withheld" });

    const secMd = await as(security)({ method: "GET", url: `/incidents/${inc.id}/summary?format=md` });
    expect(secMd.body).toContain("attacker payload seen in the request");
    expect(secMd.body).toContain("decision.deny");
    expect(secMd.body).not.toContain("Audit evidence is visible to");
    expect((await lastEvent("incident.export"))!.details).toMatchObject({ format: "md", auditEvidence: "included" });
  });

  it("evidence added later is linked once; the list pages newest first and filters drills", async () => {
    const inc = (await as(security)({ method: "POST", url: "/incidents", payload: { title: "Evidence later", severity: "low" } })).json();
    const declare = await lastEvent("incident.declare");
    const add = () => as(security)({ method: "POST", url: `/incidents/${inc.id}/evidence`, payload: { evidence: [{ auditEventId: declare!.id }] } });
    expect((await add()).json().evidence).toHaveLength(1);
    expect((await add()).json().evidence).toHaveLength(1);

    const drills = (await as(security)({ method: "GET", url: "/incidents?drills=only" })).json();
    expect(drills.items.length).toBeGreaterThan(0);
    expect(drills.items.every((i: { isDrill: boolean }) => i.isDrill)).toBe(true);
    const first = (await as(security)({ method: "GET", url: "/incidents?limit=2" })).json();
    expect(first.items[0].title).toBe("Evidence later");
    expect(first.nextCursor).not.toBeNull();
    const second = (await as(security)({ method: "GET", url: `/incidents?limit=2&cursor=${encodeURIComponent(first.nextCursor)}` })).json();
    expect(second.items.map((i: { id: string }) => i.id)).not.toContain(first.items[0].id);
  });
});
