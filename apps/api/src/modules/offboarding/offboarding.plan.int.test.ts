import type { TDecision, TOffboardingCase, TOffboardingOverview } from "@bridle/contracts";
import { apiTokens, auditEvents, botTokens, bots, credentialReferences, grants, notifications, offboardingCases, offboardingSteps, people } from "@bridle/db";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { hashToken } from "../../lib/crypto.ts";
import { runOrphanJob } from "./index.ts";
import { BULK_CHUNK } from "./offboarding.plan.ts";

const DAY = 86_400_000;

describe("offboarding a person's bots", () => {
  let t: TestApp;
  let it_: string; // sam.taylor, role it
  let mayaToken: string;
  let mayaId: string;
  let danielToken: string;
  const as = (token: string) => (o: Parameters<TestApp["api"]>[0]) => t.app.inject({ ...o, headers: { authorization: `Bearer ${token}` } });
  const db = () => t.database.db;

  /** A person managed by Maya Chen, with `n` bots (each a grant, a channel, a credential reference and a live runtime token). */
  async function personWithBots(slug: string, n: number) {
    const [p] = await db()
      .insert(people)
      .values({ email: `${slug}@acme.example`, displayName: slug, managerId: mayaId })
      .returning({ id: people.id });
    const botNames: string[] = [];
    for (let i = 1; i <= n; i++) {
      const name = `acme-${slug}-${i}-bot`;
      const res = await t.api({
        method: "POST",
        url: "/api/v1/bots",
        payload: {
          name,
          owner: `${slug}@acme.example`,
          team: "platform",
          purpose: "Offboarding test bot",
          environment: "production",
          internalDataAccess: "internal",
          channels: ["slack"],
          grants: [{ system: "github", scope: "github:issues:read", access: "read" }],
          credentialReferences: [{ system: "github", reference: `op://bots-prod/${name}/token` }],
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      botNames.push(name);
    }
    const tokens = [];
    for (const name of botNames) tokens.push(await botTokenFor(t, name));
    return { personId: p!.id, tokens };
  }

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    it_ = await tokenFor(t.database, "sam.taylor@acme.example");
    mayaToken = await tokenFor(t.database, "maya.chen@acme.example");
    danielToken = await tokenFor(t.database, "daniel.kim@acme.example");
    mayaId = (await db().select({ id: people.id }).from(people).where(eq(people.email, "maya.chen@acme.example")))[0]!.id;
  });
  afterAll(() => t.close());

  const stepsOf = (c: TOffboardingCase) => Object.fromEntries(c.steps.map((s) => [s.kind, s.status]));

  it("IT offboards a person: one bot transferred to the manager, who accepts; two offboarded, every decision for them denied", async () => {
    const { personId, tokens } = await personWithBots("leaver", 3);
    const allow = await decide(t, tokens[1]!.token, { action: "issues.read", target: { system: "github" }, requestId: `r-${randomUUID()}` });
    expect((allow.json() as TDecision).decision).toBe("allow");

    // IT's "Offboard person": confirm and reason
    const refused = await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboard`, payload: { confirm: false, reason: "Left" } });
    expect(refused.statusCode).toBe(400);
    const off = await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboard`, payload: { confirm: true, reason: "Left the company on 30 Nov" } });
    expect(off.statusCode, off.body).toBe(200);
    const opened = off.json() as { deactivated: boolean; cases: TOffboardingCase[] };
    expect(opened.deactivated).toBe(true);
    expect(opened.cases.map((c) => c.bot).sort()).toEqual(["acme-leaver-1-bot", "acme-leaver-2-bot", "acme-leaver-3-bot"]);
    for (const c of opened.cases) expect(c).toMatchObject({ status: "open", plan: null, proposedOwner: { email: "maya.chen@acme.example" }, formerOwner: { id: personId } });

    // the person-scoped listing (the person page)
    const listed = await as(it_)({ method: "GET", url: `/api/v1/offboarding-cases?personId=${personId}&status=open` });
    expect((listed.json() as { items: unknown[] }).items).toHaveLength(3);

    const byBot = new Map(opened.cases.map((c) => [c.bot, c]));
    const first = byBot.get("acme-leaver-1-bot")!;
    // transfer to the proposed owner (the manager)
    const planned = await as(it_)({ method: "POST", url: `/api/v1/offboarding-cases/${first.id}/plan`, payload: { plan: "transfer" } });
    expect(planned.statusCode, planned.body).toBe(200);
    expect(stepsOf(planned.json())).toEqual({ offer_transfer: "done", accept_transfer: "pending", rotation_due: "pending" });
    const [offered] = await db().select().from(notifications).where(and(eq(notifications.recipientId, mayaId), eq(notifications.kind, "ownership_transfer_offered")));
    expect(offered!.link).toBe(`/offboarding/${first.id}`);
    // only Maya may accept; someone else learns nothing
    expect((await as(danielToken)({ method: "POST", url: `/api/v1/offboarding-cases/${first.id}/accept` })).statusCode).toBe(404);
    const accepted = await as(mayaToken)({ method: "POST", url: `/api/v1/offboarding-cases/${first.id}/accept` });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const closed = accepted.json() as TOffboardingCase;
    expect(closed).toMatchObject({ status: "closed", outcome: "transferred" });
    expect(closed.steps.every((s) => s.status === "done" && s.doneAt !== null && s.doneBy !== null)).toBe(true);
    expect(closed.steps.find((s) => s.kind === "accept_transfer")!.doneBy).toEqual({ type: "token", label: "maya.chen@acme.example" });
    const [bot1] = await db().select().from(bots).where(eq(bots.id, first.botId));
    expect(bot1!.ownerId).toBe(mayaId);
    const refs1 = await db().select().from(credentialReferences).where(eq(credentialReferences.botId, first.botId));
    expect(refs1.map((r) => r.status)).toEqual(["rotation_due"]);

    // offboard the other two in bulk: all automatic steps at once
    const bulk = await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboarding-plan`, payload: { plan: "offboard" } });
    expect(bulk.statusCode, bulk.body).toBe(200);
    const offboarding = (bulk.json() as { cases: TOffboardingCase[] }).cases;
    expect(offboarding.map((c) => c.bot).sort()).toEqual(["acme-leaver-2-bot", "acme-leaver-3-bot"]);
    for (const c of offboarding) {
      expect(stepsOf(c)).toEqual({
        pause: "done",
        revoke_tokens: "done",
        revoke_credentials: "done",
        remove_access: "done",
        destroy_runtime: "pending",
        archive_workspace: "pending",
        mark_offboarded: "pending",
      });
      expect(c.steps.find((s) => s.kind === "revoke_credentials")!.details).toEqual({ toRotate: [{ system: "github", reference: `op://bots-prod/${c.bot}/token` }] });
      expect(c.botStatus).toBe("paused");
    }
    // every decision for them is refused from the very next request: their tokens are revoked
    for (const tok of tokens.slice(1)) expect((await decide(t, tok.token, { action: "issues.read", target: { system: "github" }, requestId: `r-${randomUUID()}` })).statusCode).toBe(401);
    const ids = offboarding.map((c) => c.botId);
    expect(await db().select().from(grants).where(inArray(grants.botId, ids))).toEqual([]);
    expect((await db().select().from(bots).where(inArray(bots.id, ids))).map((b) => b.channels)).toEqual([[], []]);
    expect(await db().select().from(botTokens).where(and(inArray(botTokens.botId, ids), isNull(botTokens.revokedAt)))).toEqual([]);

    // rerunning the plan completes only what is not done: nothing more is recorded
    const stepEvents = async () => (await db().select().from(auditEvents).where(and(eq(auditEvents.action, "offboarding.steps_done"), inArray(auditEvents.resourceId, ids)))).length;
    const before = await stepEvents();
    expect((await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboarding-plan`, payload: { plan: "offboard" } })).statusCode).toBe(200);
    expect(await stepEvents()).toBe(before);

    // IT records the manual steps; the last one marks the bot offboarded and closes the case
    const c2 = offboarding[0]!;
    const noNote = await as(it_)({ method: "POST", url: `/api/v1/offboarding-cases/${c2.id}/steps/destroy_runtime`, payload: {} });
    expect(noNote.statusCode).toBe(400);
    expect((await as(danielToken)({ method: "POST", url: `/api/v1/offboarding-cases/${c2.id}/steps/destroy_runtime`, payload: { note: "x" } })).statusCode).toBe(403);
    const destroyed = await as(it_)({ method: "POST", url: `/api/v1/offboarding-cases/${c2.id}/steps/destroy_runtime`, payload: { note: "Namespace deleted", link: "https://tickets.acme.example/IT-1234" } });
    expect(destroyed.statusCode, destroyed.body).toBe(200);
    expect((destroyed.json() as TOffboardingCase).status).toBe("open");
    const archived = await as(it_)({ method: "POST", url: `/api/v1/offboarding-cases/${c2.id}/steps/archive_workspace`, payload: { note: "Archived to s3://acme-archive, kept 1 year" } });
    const done = archived.json() as TOffboardingCase;
    expect(done).toMatchObject({ status: "closed", outcome: "offboarded", botStatus: "offboarded" });
    expect(done.steps.find((s) => s.kind === "destroy_runtime")).toMatchObject({ note: "Namespace deleted", link: "https://tickets.acme.example/IT-1234", doneBy: { type: "token", label: "sam.taylor@acme.example" } });
    const [b2] = await db().select().from(bots).where(eq(bots.id, c2.botId));
    expect(b2!.findingKinds).toEqual([]);
    expect((await as(it_)({ method: "POST", url: `/api/v1/offboarding-cases/${c2.id}/steps/archive_workspace`, payload: { note: "again" } })).statusCode).toBe(409);
  });

  it("IT cannot offboard an admin or the break-glass account; a token without bots.own cannot take a bot on; refusals are audited", async () => {
    const person = async (email: string) => (await db().select().from(people).where(eq(people.email, email)))[0]!;
    const priya = await person("priya.nair@acme.example"); // security
    await db().update(people).set({ roles: ["admin"] }).where(eq(people.id, priya.id));
    const byIt = await as(it_)({ method: "POST", url: `/api/v1/people/${priya.id}/offboard`, payload: { confirm: true, reason: "Left" } });
    expect(byIt.statusCode).toBe(403);
    expect((await person("priya.nair@acme.example")).status).toBe("active");
    const [bootstrap] = await db().select().from(people).where(eq(people.isBootstrapAdmin, true));
    expect((await as(mayaToken)({ method: "POST", url: `/api/v1/people/${bootstrap!.id}/offboard`, payload: { confirm: true, reason: "Left" } })).statusCode).toBe(403);
    const refusals = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "person.deactivate"), eq(auditEvents.outcome, "denied"), inArray(auditEvents.resourceId, [priya.id, bootstrap!.id])));
    expect(refusals).toHaveLength(2);
    // an admin may offboard an admin
    expect((await as(mayaToken)({ method: "POST", url: `/api/v1/people/${priya.id}/offboard`, payload: { confirm: true, reason: "Left" } })).statusCode).toBe(200);

    // a transfer offered to Maya, accepted with a token narrowed to reading: refused
    const { personId } = await personWithBots("narrow", 1);
    await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboard`, payload: { confirm: true, reason: "Left" } });
    const [c] = await db().select().from(offboardingCases).where(and(eq(offboardingCases.formerOwnerId, personId), eq(offboardingCases.status, "open")));
    expect((await as(it_)({ method: "POST", url: `/api/v1/offboarding-cases/${c!.id}/plan`, payload: { plan: "transfer" } })).statusCode).toBe(200);
    const narrow = await tokenFor(t.database, "maya.chen@acme.example");
    await db().update(apiTokens).set({ scopes: ["bots.read_all"] }).where(eq(apiTokens.tokenHash, hashToken(narrow)));
    expect((await as(narrow)({ method: "POST", url: `/api/v1/offboarding-cases/${c!.id}/accept` })).statusCode).toBe(403);
    expect((await as(mayaToken)({ method: "POST", url: `/api/v1/offboarding-cases/${c!.id}/accept` })).statusCode).toBe(200);
    // ids that are not UUIDs are refused at the edge
    expect((await as(it_)({ method: "POST", url: "/api/v1/offboarding-cases/not-a-case/plan", payload: { plan: "offboard" } })).statusCode).toBe(400);
  });

  it("a bot marked offboarded that still holds a grant, a live token or an unrevoked reference raises offboarding_incomplete", async () => {
    // Marked offboarded by hand (not through a case): everything it held is still there.
    const { tokens } = await personWithBots("shortcut", 1);
    const botId = tokens[0]!.botId;
    const res = await t.api({ method: "PATCH", url: `/api/v1/bots/${botId}`, payload: { status: "offboarded" } });
    expect(res.statusCode, res.body).toBe(200);
    const [after] = await db().select().from(bots).where(eq(bots.id, botId));
    expect(after!.findingKinds).toEqual(["offboarding_incomplete"]);
    expect((after!.findings as { message: string }[])[0]!.message).toBe(
      "The bot is marked offboarded but still holds 1 grant, 1 live runtime token, 1 unrevoked credential reference.",
    );
  });

  it("a failure midway through a bulk offboarding leaves each bot fully as it was or fully done; rerunning completes the rest", async () => {
    // BULK_CHUNK bots go in one transaction: with the failure in the second, the first chunk is done.
    const n = BULK_CHUNK + 5;
    const { personId } = await personWithBots("crasher", n);
    await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboard`, payload: { confirm: true, reason: "Left" } });
    const caseIds = (await db().select({ id: offboardingCases.id }).from(offboardingCases).where(eq(offboardingCases.formerOwnerId, personId)).orderBy(offboardingCases.openedAt, offboardingCases.id)).map(
      (r) => r.id,
    );
    expect(caseIds).toHaveLength(n);
    const botOf = async (caseId: string) => (await db().select().from(offboardingCases).where(eq(offboardingCases.id, caseId)))[0]!.botId;
    const third = await botOf(caseIds[BULK_CHUNK + 2]!);
    // The database refuses to remove the grants of the third bot of the second chunk: that
    // transaction fails after pausing, revoking tokens and references of the bots before it.
    await db().execute(
      sql.raw(`create function offboarding_test_fail() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$;
      create trigger offboarding_test_fail before delete on grants for each row when (old.bot_id = '${third}') execute function offboarding_test_fail();`),
    );
    try {
      const res = await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboarding-plan`, payload: { plan: "offboard" } });
      expect(res.statusCode).toBe(500);
    } finally {
      await db().execute(sql.raw(`drop trigger offboarding_test_fail on grants; drop function offboarding_test_fail();`));
    }
    const state = async () => {
      const out = [];
      for (const id of caseIds) {
        const botId = await botOf(id);
        const [b] = await db().select().from(bots).where(eq(bots.id, botId));
        const [c] = await db().select().from(offboardingCases).where(eq(offboardingCases.id, id));
        const steps = await db().select().from(offboardingSteps).where(and(eq(offboardingSteps.caseId, id), eq(offboardingSteps.status, "done")));
        const g = await db().select().from(grants).where(eq(grants.botId, botId));
        const tok = await db().select().from(botTokens).where(and(eq(botTokens.botId, botId), isNull(botTokens.revokedAt)));
        const refs = await db().select().from(credentialReferences).where(eq(credentialReferences.botId, botId));
        out.push({ status: b!.status, plan: c!.plan, done: steps.length, grants: g.length, liveTokens: tok.length, refs: refs.map((r) => r.status) });
      }
      return out;
    };
    const fullyDone = { status: "paused", plan: "offboard", done: 4, grants: 0, liveTokens: 0, refs: ["revoked"] };
    const untouched = { status: "active", plan: null, done: 0, grants: 1, liveTokens: 1, refs: ["active"] };
    // The first chunk is done; the failing chunk (the bots before the failure in it too) is untouched.
    expect(await state()).toEqual([...Array(BULK_CHUNK).fill(fullyDone), ...Array(5).fill(untouched)]);
    const doneBefore = caseIds.slice(0, BULK_CHUNK);

    const rerun = await as(it_)({ method: "POST", url: `/api/v1/people/${personId}/offboarding-plan`, payload: { plan: "offboard" } });
    expect(rerun.statusCode, rerun.body).toBe(200);
    expect(await state()).toEqual(Array(n).fill(fullyDone));
    // the bots done before the failure had their steps recorded once
    for (const id of doneBefore) {
      const botId = await botOf(id);
      expect(await db().select().from(auditEvents).where(and(eq(auditEvents.action, "offboarding.steps_done"), eq(auditEvents.resourceId, botId)))).toHaveLength(1);
    }
  });

  it("counts orphans, warns the manager and IT before the deadline, and pauses the orphan after it", async () => {
    const { personId, tokens } = await personWithBots("drifter", 1);
    await db().update(people).set({ status: "deactivated", deactivatedAt: new Date() }).where(eq(people.id, personId));
    const overview = (await as(danielToken)({ method: "GET", url: "/api/v1/offboarding-cases/overview" })).json() as TOffboardingOverview;
    expect(overview.orphans).toBeGreaterThan(0);
    expect(overview.orphanDeadlineDays).toBe(7);
    const botId = tokens[0]!.botId;

    // the job opens a case for the untracked orphan; nothing else yet
    const now = new Date();
    const r1 = await runOrphanJob(db(), now);
    expect(r1.opened).toBeGreaterThan(0);
    const [c] = await db().select().from(offboardingCases).where(and(eq(offboardingCases.botId, botId), eq(offboardingCases.status, "open")));
    expect(c!.orphanWarnedAt).toBeNull();

    // six and a half days later: the manager and IT are warned, once
    const warnAt = new Date(c!.orphanedSince!.getTime() + 6.5 * DAY);
    const r2 = await runOrphanJob(db(), warnAt);
    expect(r2.warned).toBeGreaterThan(0);
    const warned = await db().select().from(notifications).where(and(eq(notifications.kind, "orphan_pause_warning"), eq(notifications.botId, botId)));
    const recipients = await db().select({ email: people.email }).from(people).where(inArray(people.id, warned.map((n) => n.recipientId)));
    expect(recipients.map((p) => p.email)).toContain("maya.chen@acme.example");
    expect(recipients.map((p) => p.email)).toContain("sam.taylor@acme.example");
    const again = await runOrphanJob(db(), warnAt);
    expect(again.warned).toBe(0);

    // past the deadline: paused, every decision denied
    const r3 = await runOrphanJob(db(), new Date(c!.orphanedSince!.getTime() + 7 * DAY + 1000));
    expect(r3.paused).toBeGreaterThan(0);
    const [b] = await db().select().from(bots).where(eq(bots.id, botId));
    expect(b!.status).toBe("paused");
    const res = await decide(t, tokens[0]!.token, { action: "issues.read", target: { system: "github" }, requestId: `r-${randomUUID()}` });
    expect((res.json() as TDecision).reasons[0]!.code).toBe("bot_not_active");
    expect((await runOrphanJob(db(), new Date(c!.orphanedSince!.getTime() + 8 * DAY))).paused).toBe(0);

    // the org setting is editable
    const patched = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { orphanDeadlineDays: 14 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(((await as(danielToken)({ method: "GET", url: "/api/v1/offboarding-cases/overview" })).json() as TOffboardingOverview).orphanDeadlineDays).toBe(14);
  });
});
