import { auditEvents, bots, people } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/**
 * Records are facts, not claims: who approved an exception and when is what the server saw, and
 * the owner of a bot changes only through a transfer (requested and approved, or done at once
 * by IT or an admin, with a note).
 */
describe("bot records are facts", () => {
  let t: TestApp;
  let ownerToken: string; // daniel.kim: no role
  let itToken: string; // sam.taylor: IT
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    ownerToken = await tokenFor(t.database, "daniel.kim@acme.example");
    itToken = await tokenFor(t.database, "sam.taylor@acme.example");
  });
  afterAll(() => t.close());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const botId = async (name: string) => (await t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.name, name)))[0]!.id;
  const exception = {
    status: "approved",
    businessPurpose: "Answers community questions with product docs",
    allowedSystems: ["discord"],
    allowedChannels: ["discord"],
    dataClassification: "internal",
    approvalRequirements: "security reviews monthly",
    expiresAt: "2027-03-01T00:00:00.000Z",
  };
  const bot = (name: string, over: Record<string, unknown> = {}) => ({
    name,
    owner: "daniel.kim@acme.example",
    team: "platform",
    purpose: "Answers community questions",
    environment: "staging",
    internalDataAccess: "internal",
    channels: ["discord"],
    ...over,
  });

  describe("a Golden Rule exception an admin records directly", () => {
    it("refuses approvedBy and approvedAt in the body (400, unknown keys) and records nothing", async () => {
      for (const claim of [{ approvedBy: "ciso@acme.example" }, { approvedAt: "2025-01-01T00:00:00.000Z" }]) {
        const res = await t.api({ method: "POST", url: "/api/v1/bots", payload: bot("acme-claimed-bot", { exception: { ...exception, ...claim } }) });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error.code).toBe("validation_failed");
        expect(res.body).toContain(Object.keys(claim)[0]);
      }
      expect(await t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-claimed-bot"))).toEqual([]);
    });

    it("records the admin making the request and the server's time as approver, on create and on change", async () => {
      const before = Date.now();
      const created = await t.api({ method: "POST", url: "/api/v1/bots", payload: bot("acme-recorded-bot", { exception }) });
      expect(created.statusCode, created.body).toBe(201);
      const after = Date.now();
      const exc = created.json().exception as { approvedBy: string; approvedAt: string };
      expect(exc.approvedBy).toBe(ADMIN_EMAIL);
      expect(new Date(exc.approvedAt).getTime()).toBeGreaterThanOrEqual(before - 1);
      expect(new Date(exc.approvedAt).getTime()).toBeLessThanOrEqual(after + 1);
      const id = created.json().id as string;

      // A backdated approval on PATCH is refused the same way.
      const forged = await t.api({ method: "PATCH", url: `/api/v1/bots/${id}`, payload: { exception: { ...exception, approvedBy: "ciso@acme.example", approvedAt: "2025-01-01T00:00:00.000Z" } } });
      expect(forged.statusCode, forged.body).toBe(400);

      // Sent back unchanged, the exception keeps its recorded approver and time.
      const same = await t.api({ method: "PATCH", url: `/api/v1/bots/${id}`, payload: { purpose: "Still answers questions", exception } });
      expect(same.statusCode, same.body).toBe(200);
      expect(same.json().exception).toMatchObject({ approvedBy: ADMIN_EMAIL, approvedAt: exc.approvedAt });

      // Changed by another admin (Maya Chen), it is approved by her, now.
      const maya = await tokenFor(t.database, "maya.chen@acme.example");
      const changeStart = Date.now();
      const changed = await t.app.inject({ method: "PATCH", url: `/api/v1/bots/${id}`, headers: as(maya), payload: { exception: { ...exception, expiresAt: "2027-02-01T00:00:00.000Z" } } });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json().exception.approvedBy).toBe("maya.chen@acme.example");
      expect(new Date(changed.json().exception.approvedAt).getTime()).toBeGreaterThanOrEqual(changeStart - 1);

      const events = await t.database.db
        .select({ action: auditEvents.action, actorLabel: auditEvents.actorLabel, details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.resourceId, id), eq(auditEvents.outcome, "success")))
        .orderBy(auditEvents.seq);
      expect(events.map((e) => [e.action, (e.details as { exception?: { approvedBy: string } }).exception?.approvedBy ?? null])).toEqual([
        ["bot.create", ADMIN_EMAIL],
        ["bot.update", null],
        ["bot.update", "maya.chen@acme.example"],
      ]);
    });
  });

  describe("the owner", () => {
    it("is not changed by PATCH: a different owner is refused with 400 pointing to the transfer; the same one is accepted", async () => {
      const id = await botId("acme-triage-bot"); // owner lucas.meyer
      const res = await t.api({ method: "PATCH", url: `/api/v1/bots/${id}`, payload: { owner: "sofia.rossi@acme.example" } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: "validation_failed", details: { fields: [{ path: ["owner"], code: "invalid" }] } });
      expect(res.json().error.message).toMatch(/ownership transfer/);
      expect(res.json().error.message).toMatch(/\/bots\/\{id\}\/transfer/);
      const same = await t.api({ method: "PATCH", url: `/api/v1/bots/${id}`, payload: { owner: "Lucas.Meyer@acme.example", purpose: "Triages new GitHub issues" } });
      expect(same.statusCode, same.body).toBe(200);
      expect(same.json().owner.email).toBe("lucas.meyer@acme.example");
    });

    it("is transferred at once by IT with a note, audited as bot.ownership_transferred with direct: true", async () => {
      const id = await botId("acme-anomaly-bot"); // owner tomas.silva (left), manager grace.okafor
      const detail = await t.api({ method: "GET", url: `/api/v1/bots/${id}` });
      expect(detail.json().owner).toMatchObject({ email: "tomas.silva@acme.example", status: "deactivated" });
      expect(detail.json().suggestedOwner).toMatchObject({ email: "grace.okafor@acme.example", displayName: "Grace Okafor", status: "active" });
      expect(detail.json().findingKinds).toContain("orphaned");

      const missingNote = await t.app.inject({ method: "POST", url: `/api/v1/bots/${id}/transfer`, headers: as(itToken), payload: { toEmail: "grace.okafor@acme.example" } });
      expect(missingNote.statusCode).toBe(400);
      const res = await t.app.inject({
        method: "POST",
        url: `/api/v1/bots/${id}/transfer`,
        headers: as(itToken),
        payload: { toEmail: "grace.okafor@acme.example", note: "Tomás left; his manager takes the bot over" },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().owner).toMatchObject({ email: "grace.okafor@acme.example", status: "active" });
      expect(res.json().suggestedOwner).toBeNull();
      expect(res.json().findingKinds).not.toContain("orphaned");
      const events = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.resourceId, id), eq(auditEvents.action, "bot.ownership_transferred")));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        outcome: "success",
        actorLabel: "sam.taylor@acme.example",
        details: { from: "tomas.silva@acme.example", to: "grace.okafor@acme.example", direct: true, note: "Tomás left; his manager takes the bot over" },
      });
    });

    it("refuses a direct transfer by an owner (403, audited), and to a deactivated person, a bot mailbox or the current owner, or with a secret in the note (400)", async () => {
      const id = await botId("acme-sandbox-bot"); // owner daniel.kim
      const byOwner = await t.app.inject({ method: "POST", url: `/api/v1/bots/${id}/transfer`, headers: as(ownerToken), payload: { toEmail: "sofia.rossi@acme.example", note: "mine to give" } });
      expect(byOwner.statusCode).toBe(403);
      expect(byOwner.json().error.message).toMatch(/request an ownership transfer/);
      const denied = await t.database.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(and(eq(auditEvents.resourceId, id), eq(auditEvents.outcome, "denied")));
      expect(denied).toEqual([{ action: "bot.ownership_transferred" }]);
      for (const [toEmail, message] of [
        ["marcus.johnson@acme.example", /deactivated/],
        ["acme-triage-bot.bot@acme.example", /bot mailbox|No person/],
        ["daniel.kim@acme.example", /already owns/],
        ["nobody@acme.example", /No person/],
      ] as const) {
        const res = await t.app.inject({ method: "POST", url: `/api/v1/bots/${id}/transfer`, headers: as(itToken), payload: { toEmail, note: "try" } });
        expect(res.statusCode, toEmail).toBe(400);
        expect(res.json().error.message).toMatch(message);
      }
      const secret = await t.app.inject({
        method: "POST",
        url: `/api/v1/bots/${id}/transfer`,
        headers: as(itToken),
        payload: { toEmail: "sofia.rossi@acme.example", note: "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 moves too" },
      });
      expect(secret.statusCode).toBe(400);
      expect(secret.json().error.details.fields).toEqual([{ path: ["note"], code: "invalid", message: expect.any(String) }]);
      expect(secret.body).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
      const [row] = await t.database.db.select({ email: people.email }).from(bots).innerJoin(people, eq(people.id, bots.ownerId)).where(eq(bots.id, id));
      expect(row!.email).toBe("daniel.kim@acme.example");
    });

    it("a direct transfer cancels the bot's pending transfer requests (audited), so approving one later cannot give the bot away again", async () => {
      const id = await botId("acme-sandbox-bot"); // owner daniel.kim
      const asked = await t.app.inject({
        method: "POST",
        url: "/api/v1/approval-requests",
        headers: as(ownerToken),
        payload: { kind: "ownership_transfer", botId: id, justification: "Sofia runs the sandbox now", payload: { toEmail: "sofia.rossi@acme.example" } },
      });
      expect(asked.statusCode, asked.body).toBe(201);
      const requestId = asked.json().id as string;

      const moved = await t.app.inject({
        method: "POST",
        url: `/api/v1/bots/${id}/transfer`,
        headers: as(itToken),
        payload: { toEmail: "lucas.meyer@acme.example", note: "Lucas takes the sandbox over" },
      });
      expect(moved.statusCode, moved.body).toBe(200);
      const request = await t.api({ method: "GET", url: `/api/v1/approval-requests/${requestId}` });
      expect(request.json().status).toBe("cancelled");
      const cancelled = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.resourceId, requestId), eq(auditEvents.action, "approval.cancel")));
      expect(cancelled.map((e) => [e.outcome, e.actorLabel, (e.details as { reason?: string }).reason])).toEqual([
        ["success", "sam.taylor@acme.example", expect.stringMatching(/transferred directly/)],
      ]);

      // IT approving the old request now changes nothing.
      const approve = await t.app.inject({ method: "POST", url: `/api/v1/approval-requests/${requestId}/approve`, headers: as(itToken), payload: {} });
      expect(approve.statusCode, approve.body).toBe(409);
      expect(approve.json().error.message).toMatch(/cancelled/);
      const [row] = await t.database.db.select({ email: people.email }).from(bots).innerJoin(people, eq(people.id, bots.ownerId)).where(eq(bots.id, id));
      expect(row!.email).toBe("lucas.meyer@acme.example");
    });
  });
});
