import { auditEvents, bots, offboardingCases } from "@bridle/db";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { patchOp, scimKit, type ScimKit } from "../scim/scim.testkit.ts";
import { openOffboardingCase } from "./index.ts";

describe("offboarding cases open when a person leaves", () => {
  let k: ScimKit;
  beforeAll(async () => {
    k = await scimKit();
  });
  afterAll(() => k.t.close());

  const db = () => k.t.database.db;
  const casesOf = (botIds: string[]) => db().select().from(offboardingCases).where(inArray(offboardingCases.botId, botIds));
  const botNames = async (ids: string[]) => (await db().select({ name: bots.name }).from(bots).where(inArray(bots.id, ids))).map((b) => b.name).sort();

  it("a SCIM deactivation opens one case per live bot the person owned, proposing their manager, in the same transaction", async () => {
    const sofia = await k.personByEmail("sofia.rossi@acme.example");
    const maya = await k.personByEmail("maya.chen@acme.example");
    const owned = await k.botIdsOwnedBy(sofia.id);
    expect(await botNames(owned)).toEqual(["acme-deploy-bot", "acme-deploy-staging-bot", "acme-flaky-test-bot", "acme-hackweek-bot"]);
    expect(await casesOf(owned)).toEqual([]);

    const res = await k.scim({ method: "PATCH", url: `/Users/${sofia.id}`, body: patchOp({ op: "replace", value: { active: false } }) });
    expect(res.statusCode, res.body).toBe(200);

    const cases = await casesOf(owned);
    // acme-hackweek-bot is offboarded already: nothing to open.
    expect(await botNames(cases.map((c) => c.botId))).toEqual(["acme-deploy-bot", "acme-deploy-staging-bot", "acme-flaky-test-bot"]);
    const deactivatedAt = (await k.personByEmail("sofia.rossi@acme.example")).deactivatedAt!;
    for (const c of cases)
      expect(c).toMatchObject({
        trigger: "owner_departed",
        status: "open",
        plan: null,
        formerOwnerId: sofia.id,
        proposedOwnerId: maya.id,
        orphanedSince: deactivatedAt,
        openedByType: "system",
        reason: "Sofia Rossi <sofia.rossi@acme.example> left the organisation",
      });

    const events = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "offboarding.case_open"), inArray(auditEvents.resourceId, owned)));
    expect(events).toHaveLength(3);
    expect(events.map((e) => (e.details as { proposedOwner: string }).proposedOwner)).toEqual(["maya.chen@acme.example", "maya.chen@acme.example", "maya.chen@acme.example"]);
    // The cases belong to the departure's transaction: their events share its request id.
    const [deactivate] = await k.audit("person.deactivate", sofia.id);
    expect(new Set(events.map((e) => e.requestId))).toEqual(new Set([deactivate!.requestId]));
  });

  it("a SCIM DELETE opens the cases too; opening again is idempotent (one open case per bot)", async () => {
    const hana = await k.personByEmail("hana.sato@acme.example");
    const owned = await k.botIdsOwnedBy(hana.id);
    expect(owned).toHaveLength(3);
    expect((await k.scim({ method: "DELETE", url: `/Users/${hana.id}` })).statusCode).toBe(204);
    const cases = await casesOf(owned);
    expect(cases).toHaveLength(3);
    // Hana's manager is Lucas Meyer, still active.
    const lucas = await k.personByEmail("lucas.meyer@acme.example");
    expect(new Set(cases.map((c) => c.proposedOwnerId))).toEqual(new Set([lucas.id]));

    const again = await db().transaction((tx) =>
      openOffboardingCase(tx, { botId: owned[0]!, trigger: "manual", reason: "again" }, { type: "person", id: lucas.id, label: lucas.email }),
    );
    expect(again).toMatchObject({ opened: false, trigger: "owner_departed", id: cases.find((c) => c.botId === owned[0])!.id });
    expect(await casesOf(owned)).toHaveLength(3);
  });

  it("a departure that fails rolls its cases back with it", async () => {
    const daniel = await k.personByEmail("daniel.kim@acme.example");
    const owned = await k.botIdsOwnedBy(daniel.id);
    const { deactivatePerson } = await import("../people/index.ts");
    await expect(
      db().transaction(async (tx) => {
        await deactivatePerson(tx, daniel.id, { actor: { type: "system", id: null, label: "test" }, requestId: null, reason: "test" });
        expect(await tx.select().from(offboardingCases).where(inArray(offboardingCases.botId, owned))).toHaveLength(owned.length);
        throw new Error("killed");
      }),
    ).rejects.toThrow("killed");
    expect(await casesOf(owned)).toEqual([]);
  });

  it("a person reactivated before anything was done gets their bots back: the departure's cases are cancelled, audited", async () => {
    const raj = await k.personByEmail("raj.patel@acme.example");
    const owned = await k.botIdsOwnedBy(raj.id);
    expect(owned.length).toBeGreaterThan(0);
    expect((await k.scim({ method: "PATCH", url: `/Users/${raj.id}`, body: patchOp({ op: "replace", value: { active: false } }) })).statusCode).toBe(200);
    const opened = await casesOf(owned);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.map((c) => c.status)).toEqual(opened.map(() => "open"));
    expect((await k.scim({ method: "PATCH", url: `/Users/${raj.id}`, body: patchOp({ op: "replace", value: { active: true } }) })).statusCode).toBe(200);
    const cases = await casesOf(owned);
    expect(cases.map((c) => [c.status, c.outcome, c.closedByType])).toEqual(opened.map(() => ["closed", "cancelled", "system"]));
    const closed = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "offboarding.case_close"), inArray(auditEvents.resourceId, owned)));
    expect(closed.map((e) => (e.details as { outcome: string }).outcome)).toEqual(opened.map(() => "cancelled"));
  });

  it("openOffboardingCase refuses an unknown bot and an offboarded one", async () => {
    const actor = { type: "system" as const, id: null, label: "test" };
    await expect(db().transaction((tx) => openOffboardingCase(tx, { botId: "00000000-0000-4000-8000-00000000dead", trigger: "manual", reason: "x" }, actor))).rejects.toMatchObject({
      code: "not_found",
    });
    const [hackweek] = await db().select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-hackweek-bot"));
    await expect(db().transaction((tx) => openOffboardingCase(tx, { botId: hackweek!.id, trigger: "manual", reason: "x" }, actor))).rejects.toMatchObject({ code: "conflict" });
  });
});
