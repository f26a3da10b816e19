import { auditEvents, bots, notifications, people } from "@bridle/db";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botIdOf } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { flipIntervalDue } from "./index.ts";

type Ref = { id: string; system: string; status: string; rotationDueReason: string | null; rotationState: string; rotationDueAt: string | null };
type Finding = { kind: string; details?: { credentialReferenceId?: string; reason?: string } };
const DAY = 86_400_000;

describe("credential rotation: due on owner change, on scope change, on interval; the Rotation page", () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${tok[who]}` });

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    for (const [k, email] of Object.entries({
      lucas: "lucas.meyer@acme.example",
      sofia: "sofia.rossi@acme.example",
      ethan: "ethan.brooks@acme.example",
      daniel: "daniel.kim@acme.example",
      hana: "hana.sato@acme.example",
      admin: "maya.chen@acme.example",
      it: "sam.taylor@acme.example",
      security: "omar.haddad@acme.example",
      auditor: "ines.moreau@acme.example",
    }))
      tok[k] = await tokenFor(t.database, email);
  });
  afterAll(() => t.close());

  const refsOf = async (botId: string) => {
    const res = await t.app.inject({ method: "GET", url: `/api/v1/bots/${botId}/credential-references`, headers: as("admin") });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { items: Ref[] }).items;
  };
  const findingsOf = async (botId: string) => ((await t.app.inject({ method: "GET", url: `/api/v1/bots/${botId}`, headers: as("admin") })).json() as { findings: Finding[] }).findings;
  const dueEvents = (botId: string) =>
    t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "credential_reference.rotation_due"), eq(auditEvents.resourceId, botId)));
  const notificationsFor = async (email: string, botId: string) => {
    const [p] = await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, email));
    return t.database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.recipientId, p!.id), eq(notifications.botId, botId), eq(notifications.kind, "rotation_due")));
  };

  it("a direct transfer makes every reference due (owner_changed), audited by Bridle, a finding, and the new owner is told", async () => {
    const botId = await botIdOf(t, "acme-log-summary-bot"); // lucas's, 3 references
    const res = await t.app.inject({ method: "POST", url: `/api/v1/bots/${botId}/transfer`, headers: as("it"), payload: { toEmail: "hana.sato@acme.example", note: "Lucas moved teams" } });
    expect(res.statusCode, res.body).toBe(200);
    const refs = await refsOf(botId);
    expect(refs.map((r) => [r.status, r.rotationDueReason, r.rotationState])).toEqual([
      ["rotation_due", "owner_changed", "due"],
      ["rotation_due", "owner_changed", "due"],
      ["rotation_due", "owner_changed", "due"],
    ]);
    const events = await dueEvents(botId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "system", details: expect.objectContaining({ reason: "owner_changed" }) });
    const findings = (await findingsOf(botId)).filter((f) => f.kind === "credential_rotation_due");
    expect(findings.map((f) => f.details?.credentialReferenceId).sort()).toEqual(refs.map((r) => r.id).sort());
    const told = await notificationsFor("hana.sato@acme.example", botId);
    expect(told).toHaveLength(1);
    expect(told[0]!.title).toBe("3 credentials of acme-log-summary-bot are due for rotation");
    expect(told[0]!.body).toContain("its bot changed owner");
    expect(await notificationsFor("lucas.meyer@acme.example", botId)).toEqual([]);
  });

  it("an approved ownership transfer makes them due too", async () => {
    const botId = await botIdOf(t, "acme-dependency-bot"); // ethan's, 2 references
    const opened = await t.app.inject({
      method: "POST",
      url: "/api/v1/approval-requests",
      headers: as("ethan"),
      payload: { kind: "ownership_transfer", botId, justification: "Daniel runs dependencies now", payload: { toEmail: "daniel.kim@acme.example" } },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    expect((await refsOf(botId)).map((r) => r.status)).toEqual(["active", "active"]);
    const approved = await t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${opened.json().id}/approve`, headers: as("it") });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await refsOf(botId)).map((r) => r.rotationDueReason)).toEqual(["owner_changed", "owner_changed"]);
    expect(await notificationsFor("daniel.kim@acme.example", botId)).toHaveLength(1);
  });

  it("a change of scope makes them due (scope_changed): channels or grants edited, an approved scope expansion, an import", async () => {
    const deployId = await botIdOf(t, "acme-deploy-bot");
    const edited = await t.app.inject({ method: "PATCH", url: `/api/v1/bots/${deployId}`, headers: as("admin"), payload: { channels: ["slack-internal"] } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await refsOf(deployId)).map((r) => r.rotationDueReason)).toEqual(["scope_changed", "scope_changed", "scope_changed"]);

    // a purpose edit is not a scope change
    const triageId = await botIdOf(t, "acme-triage-bot");
    expect((await t.app.inject({ method: "PATCH", url: `/api/v1/bots/${triageId}`, headers: as("lucas"), payload: { purpose: "Triage GitHub issues, politely" } })).statusCode).toBe(200);
    expect((await refsOf(triageId)).map((r) => r.status)).toEqual(["active", "active", "active"]);

    const opened = await t.app.inject({
      method: "POST",
      url: "/api/v1/approval-requests",
      headers: as("lucas"),
      payload: { kind: "scope_expansion", botId: triageId, justification: "Read Sentry issues", payload: { system: "sentry", scope: "sentry:issues:read", access: "read" } },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    expect((await t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${opened.json().id}/approve`, headers: as("security") })).statusCode).toBe(200);
    expect((await refsOf(triageId)).map((r) => r.rotationDueReason)).toEqual(["scope_changed", "scope_changed", "scope_changed"]);

    const stagingId = await botIdOf(t, "acme-deploy-staging-bot");
    const exported = await t.app.inject({ method: "GET", url: "/api/v1/inventory/export?format=json", headers: as("admin") });
    const file = exported.json() as { bots: { name: string; channels: string[] }[] };
    const staging = file.bots.find((b) => b.name === "acme-deploy-staging-bot")!;
    staging.channels = [];
    const imported = await t.app.inject({
      method: "POST",
      url: "/api/v1/inventory/import?dryRun=false",
      headers: { ...as("admin"), "content-type": "application/json" },
      payload: JSON.stringify({ bots: [staging] }),
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect((await refsOf(stagingId)).map((r) => r.rotationDueReason)).toEqual(["scope_changed", "scope_changed"]);
  });

  it("the daily job marks references whose interval passed (interval), tells their people once, and mark rotated clears it", async () => {
    const botId = await botIdOf(t, "acme-sandbox-bot"); // daniel's, no references
    const old = new Date(Date.now() - 40 * DAY).toISOString();
    const add = (reference: string, rotationIntervalDays: number) =>
      t.app.inject({ method: "POST", url: `/api/v1/bots/${botId}/credential-references`, headers: as("daniel"), payload: { system: "github", vault: "1password", reference, rotationIntervalDays, lastRotatedAt: old } });
    const late = (await add("op://bots-prod/sandbox/late", 30)).json() as Ref;
    const fine = (await add("op://bots-prod/sandbox/fine", 90)).json() as Ref;
    // due already when read, before any job ran
    expect([late.status, late.rotationState]).toEqual(["active", "overdue"]);
    expect([fine.status, fine.rotationState]).toEqual(["active", "ok"]);
    expect((await findingsOf(botId)).filter((f) => f.kind === "credential_rotation_due").map((f) => f.details?.credentialReferenceId)).toEqual([late.id]);

    const marked = await t.database.db.transaction((tx) => flipIntervalDue(tx, new Date()));
    expect(marked).toBeGreaterThanOrEqual(1);
    const after = await refsOf(botId);
    expect(after.map((r) => [r.id, r.status, r.rotationDueReason])).toEqual(
      expect.arrayContaining([
        [late.id, "rotation_due", "interval"],
        [fine.id, "active", null],
      ]),
    );
    expect(after.find((r) => r.id === late.id)!.rotationDueAt).toBe(new Date(new Date(old).getTime() + 30 * DAY).toISOString());
    expect(await notificationsFor("daniel.kim@acme.example", botId)).toHaveLength(1);
    // idempotent: a rerun marks and tells nobody again
    expect(await t.database.db.transaction((tx) => flipIntervalDue(tx, new Date()))).toBe(0);
    expect(await notificationsFor("daniel.kim@acme.example", botId)).toHaveLength(1);

    const rotated = await t.app.inject({ method: "POST", url: `/api/v1/bots/${botId}/credential-references/${late.id}/rotations`, headers: as("daniel"), payload: {} });
    expect(rotated.json()).toMatchObject({ status: "active", rotationDueReason: null, rotationState: "ok" });
    expect((await findingsOf(botId)).filter((f) => f.kind === "credential_rotation_due")).toEqual([]);
  });

  it("the Rotation page lists what is due and overdue, by bot, team and vault; owners see their own", async () => {
    const get = async (who: string, query = "") => {
      const res = await t.app.inject({ method: "GET", url: `/api/v1/credential-rotation${query}`, headers: as(who) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: (Ref & { bot: { name: string }; team: { slug: string } | null; vault: { kind: string; name: string } })[]; nextCursor: string | null; counts: { due: number; overdue: number } };
    };
    const all = await get("security", "?limit=200");
    const names = new Set(all.items.map((i) => i.bot.name));
    for (const n of ["acme-log-summary-bot", "acme-dependency-bot", "acme-deploy-bot", "acme-triage-bot", "acme-deploy-staging-bot"]) expect(names.has(n), n).toBe(true);
    expect(all.items.every((i) => i.rotationState === "due" || i.rotationState === "overdue")).toBe(true);
    expect(all.counts.due + all.counts.overdue).toBe(all.items.length);
    // soonest due first
    const dues = all.items.map((i) => i.rotationDueAt!);
    expect([...dues].sort()).toEqual(dues);

    const deployId = await botIdOf(t, "acme-deploy-bot");
    expect((await get("security", `?bot=${deployId}`)).items.map((i) => i.system)).toEqual(expect.arrayContaining(["github", "slack-internal", "vercel-logs"]));
    const support = await get("security", "?team=support&limit=200");
    expect(support.items.every((i) => i.team?.slug === "support")).toBe(true);
    const onePassword = await get("security", "?vaultKind=1password&vault=bots-prod&limit=200");
    expect(onePassword.items.length).toBeGreaterThan(0);
    expect(onePassword.items.every((i) => i.vault.kind === "1password" && i.vault.name === "bots-prod")).toBe(true);

    // pages follow one another without overlap
    const first = await get("security", "?limit=2");
    const second = await get("security", `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.id)).toEqual(all.items.slice(2, 4).map((i) => i.id));

    // an owner sees only the references of bots they own (or are responsible for)
    const hana = await get("hana", "?limit=200");
    const [hanaId] = await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, "hana.sato@acme.example"));
    const hanas = new Set((await t.database.db.select({ name: bots.name }).from(bots).where(eq(bots.ownerId, hanaId!.id))).map((b) => b.name));
    expect(hana.items.length).toBeGreaterThan(0);
    expect(hana.items.every((i) => hanas.has(i.bot.name))).toBe(true);
  });

  it("leaves revoked references and offboarded bots off the page", async () => {
    const deployId = await botIdOf(t, "acme-deploy-bot");
    const { revokeCredentialReferencesOf } = await import("./index.ts");
    await t.database.db.transaction((tx) => revokeCredentialReferencesOf(tx, { botId: deployId, reason: "test" }, { type: "system", id: null, label: "bridle" }));
    const page = (await t.app.inject({ method: "GET", url: `/api/v1/credential-rotation?bot=${deployId}`, headers: as("security") })).json() as { items: unknown[] };
    expect(page.items).toEqual([]);
    expect((await findingsOf(deployId)).filter((f) => f.kind === "credential_rotation_due")).toEqual([]);
    const ids = (await refsOf(deployId)).map((r) => r.id);
    const states = await t.database.db.select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.action, "credential_reference.revoke"), inArray(auditEvents.resourceId, [deployId])));
    expect(states).toHaveLength(1);
    expect(ids).toHaveLength(3);
  });
});
