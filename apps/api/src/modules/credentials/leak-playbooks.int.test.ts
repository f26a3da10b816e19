import { auditEvents, notifications, people } from "@bridle/db";
import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide, eventually } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Step = { step: string; done: boolean; doneAt: string | null; doneBy: { label: string | null } | null; notes: string | null; details: Record<string, unknown> };
type Playbook = {
  id: string;
  status: string;
  bot: { id: string; name: string };
  credentialReference: { id: string | null; system: string; reference: string; status: string | null };
  reason: string;
  startedBy: { label: string | null };
  closedAt: string | null;
  usageWindow: { from: string; to: string | null };
  steps: Step[];
  stakeholders: { role: string; person: { email: string } | null; email: string | null }[];
};

describe("the leak playbook", () => {
  let t: TestApp;
  let runtime: { token: string; botId: string };
  let refs: { id: string; system: string; reference: string }[];
  const tok: Record<string, string> = {};
  const as = (who: string) => ({ authorization: `Bearer ${tok[who]}` });
  let n = 0;
  const ask = (action: string, target: object = {}) => decide(t, runtime.token, { action, target, requestId: `leak-${++n}` });

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    for (const [k, email] of Object.entries({
      lucas: "lucas.meyer@acme.example",
      sofia: "sofia.rossi@acme.example",
      admin: "maya.chen@acme.example",
      it: "sam.taylor@acme.example",
      security: "omar.haddad@acme.example",
      priya: "priya.nair@acme.example",
      auditor: "ines.moreau@acme.example",
    }))
      tok[k] = await tokenFor(t.database, email);
    runtime = await botTokenFor(t, "acme-triage-bot"); // lucas's; incident response owner omar.haddad
    refs = ((await t.app.inject({ method: "GET", url: `/api/v1/bots/${runtime.botId}/credential-references`, headers: as("lucas") })).json() as { items: typeof refs }).items;
    // shell.exec allowed for everyone, so the hold is what makes it wait
    const rule = await t.app.inject({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", headers: as("admin"), payload: { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(rule.statusCode, rule.body).toBe(200);
  });
  afterAll(() => t.close());

  const start = (who: string, refId = refs[0]!.id, reason = "The GitHub token was visible in a screen share during the demo") =>
    t.app.inject({ method: "POST", url: `/api/v1/bots/${runtime.botId}/credential-references/${refId}/leak-playbooks`, headers: as(who), payload: { reason } });
  const step = (who: string, id: string, payload: object) => t.app.inject({ method: "POST", url: `/api/v1/leak-playbooks/${id}/steps`, headers: as(who), payload });

  it("only security and admins start one; the bot's owner, IT and auditors may not", async () => {
    for (const who of ["lucas", "it", "auditor"]) expect((await start(who)).statusCode, who).toBe(403);
    const denied = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "leak_playbook.start"), eq(auditEvents.outcome, "denied")));
    expect(denied).toHaveLength(3);
  });

  it("runs the four steps, each recording who, when and notes; gated actions are held for approval while it is open and released when it closes", async () => {
    expect((await ask("shell.exec")).json()).toMatchObject({ decision: "allow" });

    const started = await start("security");
    expect(started.statusCode, started.body).toBe(201);
    const p = started.json() as Playbook;
    expect(p).toMatchObject({ status: "open", bot: { name: "acme-triage-bot" }, credentialReference: { id: refs[0]!.id, system: "github" }, startedBy: { label: "omar.haddad@acme.example" } });
    expect(p.steps.map((s) => [s.step, s.done])).toEqual([
      ["revoke", false],
      ["review_usage", false],
      ["notify", false],
      ["trace", false],
    ]);
    expect(p.stakeholders).toEqual([
      { role: "owner", person: expect.objectContaining({ email: "lucas.meyer@acme.example" }), email: "lucas.meyer@acme.example" },
      { role: "incident_response_owner", person: expect.objectContaining({ email: "omar.haddad@acme.example" }), email: "omar.haddad@acme.example" },
      { role: "security", person: null, email: null },
    ]);
    // the reference is due for rotation because a leak is suspected
    expect(p.credentialReference.status).toBe("rotation_due");
    // a second playbook on the same reference is refused
    expect((await start("security")).statusCode).toBe(409);

    // held: a gated action the org allows now waits for security; actions that are not gated go on
    const held = await eventually(
      () => ask("shell.exec"),
      (r) => r.json().decision === "require_approval",
    );
    expect(held.json()).toMatchObject({ decision: "require_approval", reasons: [{ code: "credential_leak_suspected", rule: "BR-LEAK-HOLD" }] });
    expect(held.json().approvalRequestId).toEqual(expect.any(String));
    expect((await ask("issue.comment", { system: "github" })).json().decision).toBe("allow");

    // 1. revoke
    const revoked = await step("security", p.id, { step: "revoke", notes: "Revoked in Bridle; token rotated in 1Password" });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const afterRevoke = revoked.json() as Playbook;
    expect(afterRevoke.credentialReference.status).toBe("revoked");
    expect(afterRevoke.steps[0]).toMatchObject({ step: "revoke", done: true, doneBy: { label: "omar.haddad@acme.example" }, notes: "Revoked in Bridle; token rotated in 1Password" });
    expect(afterRevoke.steps[0]!.details).toEqual({ references: [{ id: refs[0]!.id, system: "github", reference: refs[0]!.reference, revokedNow: true }] });
    expect((await step("security", p.id, { step: "revoke" })).statusCode).toBe(409);

    // 2. review recent usage (the window is recorded)
    const reviewed = (await step("priya", p.id, { step: "review_usage", notes: "No decisions outside the usual repositories" })).json() as Playbook;
    expect(reviewed.steps[1]).toMatchObject({ done: true, doneBy: { label: "priya.nair@acme.example" }, details: { from: p.usageWindow.from, to: expect.any(String) } });

    // 3. notify: the owner, the incident response owner and security are told
    const notified = (await step("security", p.id, { step: "notify" })).json() as Playbook;
    const recipients = notified.steps[2]!.details.recipients as string[];
    expect(recipients).toEqual(expect.arrayContaining(["lucas.meyer@acme.example", "omar.haddad@acme.example", "priya.nair@acme.example"]));
    const [lucas] = await t.database.db.select({ id: people.id }).from(people).where(eq(people.email, "lucas.meyer@acme.example"));
    const told = await t.database.db.select().from(notifications).where(and(eq(notifications.recipientId, lucas!.id), eq(notifications.kind, "leak_playbook_started")));
    expect(told).toHaveLength(1);
    expect(told[0]!.link).toBe(`/leak-playbooks/${p.id}`);
    expect(told[0]!.body).toContain(refs[0]!.reference);
    expect((await eventually(() => ask("shell.exec"), () => true)).json().decision).toBe("require_approval");

    // 4. trace: how it leaked; this closes the playbook and releases the hold
    expect((await step("security", p.id, { step: "trace", source: "other" })).statusCode).toBe(400); // "other" needs notes
    const closed = (await step("security", p.id, { step: "trace", source: "screen_share", notes: "Shared terminal during the Tuesday demo" })).json() as Playbook;
    expect(closed).toMatchObject({ status: "closed", closedAt: expect.any(String) });
    expect(closed.steps[3]).toMatchObject({ done: true, details: { source: "screen_share" } });
    expect((await step("security", p.id, { step: "trace", source: "chat" })).statusCode).toBe(409);
    const released = await eventually(
      () => ask("shell.exec"),
      (r) => r.json().decision === "allow",
    );
    expect(released.json().decision).toBe("allow");

    const events = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.resourceId, p.id), inArray(auditEvents.action, ["leak_playbook.start", "leak_playbook.step"]))).orderBy(asc(auditEvents.seq));
    expect(events.map((e) => [e.action, (e.details as { step?: string }).step ?? null, (e.details as { closed?: boolean }).closed ?? null])).toEqual([
      ["leak_playbook.start", null, null],
      ["leak_playbook.step", "revoke", false],
      ["leak_playbook.step", "review_usage", false],
      ["leak_playbook.step", "notify", false],
      ["leak_playbook.step", "trace", true],
    ]);
  });

  it("after the leak, mark rotated brings the revoked reference back into use", async () => {
    const res = await t.app.inject({ method: "POST", url: `/api/v1/bots/${runtime.botId}/credential-references/${refs[0]!.id}/rotations`, headers: as("lucas"), payload: { note: "New token in 1Password" } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: "active", revokedAt: null });
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "credential_reference.rotated"), eq(auditEvents.resourceId, refs[0]!.id)));
    expect(event!.details).toMatchObject({ statusBefore: "revoked" });
  });

  it("the bot's owner reads it; another owner may not; only security works on it; notes are scanned for secrets", async () => {
    const p = (await start("admin", refs[1]!.id, "Linear key pasted in a public channel")).json() as Playbook;
    expect((await t.app.inject({ method: "GET", url: `/api/v1/leak-playbooks/${p.id}`, headers: as("lucas") })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/leak-playbooks/${p.id}`, headers: as("sofia") })).statusCode).toBe(403);
    expect((await step("lucas", p.id, { step: "trace", source: "chat" })).statusCode).toBe(403);
    const list = (await t.app.inject({ method: "GET", url: "/api/v1/leak-playbooks?status=open", headers: as("lucas") })).json() as { items: { id: string; stepsDone: number }[] };
    expect(list.items.map((i) => i.id)).toEqual([p.id]);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/leak-playbooks", headers: as("sofia") })).json().items).toEqual([]);
    // the reference cannot be removed while the playbook is open
    expect((await t.app.inject({ method: "DELETE", url: `/api/v1/bots/${runtime.botId}/credential-references/${refs[1]!.id}`, headers: as("lucas") })).statusCode).toBe(409);

    const secret = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    const res = await step("security", p.id, { step: "trace", source: "chat", notes: `It was ${secret}` });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(secret);
    const [refused] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "credential_reference.secret_refused"), eq(auditEvents.resourceId, runtime.botId)));
    expect(refused!.details).toMatchObject({ botId: runtime.botId, fields: [{ field: "notes" }] });
    expect(JSON.stringify(refused)).not.toContain(secret);
  });
});
