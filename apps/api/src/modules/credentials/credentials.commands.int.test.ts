import { auditEvents, credentialReferences } from "@bridle/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botIdOf } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/index.ts";
import { credentialReferencesOf, markRotationDue, revokeCredentialReferencesOf } from "./index.ts";

describe("credential references: the commands other modules call", () => {
  let t: TestApp;
  let triageId: string; // acme-triage-bot: 3 references (github, linear, slack-internal)
  let deployId: string; // acme-deploy-bot: 3 references
  const it_: Actor = { type: "person", id: "00000000-0000-4000-8000-000000000001", label: "sam.taylor@acme.example" };

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    triageId = await botIdOf(t, "acme-triage-bot");
    deployId = await botIdOf(t, "acme-deploy-bot");
  });
  afterAll(() => t.close());

  const eventsOf = (action: "credential_reference.revoke" | "credential_reference.rotation_due", botId: string) =>
    t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.resourceId, botId)));

  it("credentialReferencesOf lists a bot's references, active, with system keys, ordered", async () => {
    const refs = await credentialReferencesOf(t.database.db, triageId);
    expect(refs.map((r) => [r.system, r.reference, r.status])).toEqual([
      ["github", "op://bots-prod/triage-bot/github-token", "active"],
      ["linear", "op://bots-prod/triage-bot/linear-api-key", "active"],
      ["slack-internal", "op://bots-prod/triage-bot/slack-bot-token", "active"],
    ]);
    expect(refs.every((r) => r.revokedAt === null && r.revokedBy === null && r.rotationDueSince === null)).toBe(true);
    expect(await credentialReferencesOf(t.database.db, "00000000-0000-4000-8000-00000000dead")).toEqual([]);
  });

  it("markRotationDue marks active references due once, audits per bot, and keeps the first reason", async () => {
    const marked = await t.database.db.transaction((tx) => markRotationDue(tx, { botIds: [deployId, deployId], reason: "owner_changed" }, SYSTEM_ACTOR));
    expect(marked.map((r) => [r.bot, r.system, r.status, r.rotationDueReason])).toEqual([
      ["acme-deploy-bot", "github", "rotation_due", "owner_changed"],
      ["acme-deploy-bot", "slack-internal", "rotation_due", "owner_changed"],
      ["acme-deploy-bot", "vercel-logs", "rotation_due", "owner_changed"],
    ]);
    const again = await t.database.db.transaction((tx) => markRotationDue(tx, { botIds: [deployId], reason: "scope_changed" }, SYSTEM_ACTOR));
    expect(again).toEqual([]);
    const refs = await credentialReferencesOf(t.database.db, deployId);
    expect(refs.map((r) => r.rotationDueReason)).toEqual(["owner_changed", "owner_changed", "owner_changed"]);
    const events = await eventsOf("credential_reference.rotation_due", deployId);
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ botId: deployId, bot: "acme-deploy-bot", reason: "owner_changed" });
    expect((events[0]!.details as { references: unknown[] }).references).toHaveLength(3);
  });

  it("revokeCredentialReferencesOf revokes every reference with who and when, audits once, and is idempotent", async () => {
    const first = await t.database.db.transaction((tx) => revokeCredentialReferencesOf(tx, { botId: triageId, reason: "offboarding: owner left" }, it_));
    expect(first.map((r) => [r.system, r.status, r.revokedNow])).toEqual([
      ["github", "revoked", true],
      ["linear", "revoked", true],
      ["slack-internal", "revoked", true],
    ]);
    expect(first[0]!.revokedBy).toEqual(it_);
    expect(first[0]!.revokedAt).not.toBeNull();

    const second = await t.database.db.transaction((tx) => revokeCredentialReferencesOf(tx, { botId: triageId, reason: "rerun" }, it_));
    expect(second.map((r) => [r.system, r.status, r.revokedNow])).toEqual([
      ["github", "revoked", false],
      ["linear", "revoked", false],
      ["slack-internal", "revoked", false],
    ]);
    const events = await eventsOf("credential_reference.revoke", triageId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "person", actorLabel: "sam.taylor@acme.example", resourceType: "bot" });
    expect(events[0]!.details).toMatchObject({ botId: triageId, bot: "acme-triage-bot", reason: "offboarding: owner left" });

    // A revoked reference is never marked due again.
    expect(await t.database.db.transaction((tx) => markRotationDue(tx, { botIds: [triageId], reason: "interval" }, SYSTEM_ACTOR))).toEqual([]);
  });

  it("a revoke rolled back with its transaction leaves the references and the log as they were", async () => {
    const pipelineId = await botIdOf(t, "acme-dependency-bot");
    await expect(
      t.database.db.transaction(async (tx) => {
        await revokeCredentialReferencesOf(tx, { botId: pipelineId, reason: "crash test" }, it_);
        throw new Error("killed midway");
      }),
    ).rejects.toThrow("killed midway");
    expect((await credentialReferencesOf(t.database.db, pipelineId)).map((r) => r.status)).toEqual(["active", "active"]);
    expect(await eventsOf("credential_reference.revoke", pipelineId)).toEqual([]);
  });

  it("the database refuses a status outside active | rotation_due | revoked, and a due reference without a reason", async () => {
    const [row] = await t.database.db.select().from(credentialReferences).limit(1);
    await expect(t.database.db.execute(sql`update credential_references set status = 'leaked' where id = ${row!.id}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`update credential_references set status = 'rotation_due', rotation_due_since = null where id = ${row!.id}`)).rejects.toThrow();
  });

  it("editing a bot keeps each staying reference's status; a removed reference is gone, an added one is active", async () => {
    const admin = await tokenFor(t.database, "maya.chen@acme.example");
    const bot = (await t.app.inject({ method: "GET", url: `/api/v1/bots/${deployId}`, headers: { authorization: `Bearer ${admin}` } })).json() as {
      credentialReferences: { system: string; reference: string; rotationIntervalDays: number | null; lastRotatedAt: string | null; status: string }[];
    };
    const kept = bot.credentialReferences.filter((c) => c.system !== "vercel-logs").map(({ system, reference, rotationIntervalDays, lastRotatedAt }) => ({ system, reference, rotationIntervalDays, lastRotatedAt }));
    const res = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/bots/${deployId}`,
      headers: { authorization: `Bearer ${admin}` },
      payload: { credentialReferences: [...kept, { system: "axiom", reference: "op://bots-prod/deploy-bot/axiom-token", rotationIntervalDays: 30 }] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const refs = await credentialReferencesOf(t.database.db, deployId);
    expect(refs.map((r) => [r.system, r.status])).toEqual([
      ["axiom", "active"],
      ["github", "rotation_due"],
      ["slack-internal", "rotation_due"],
    ]);
  });
});
