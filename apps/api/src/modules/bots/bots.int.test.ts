import { auditEvents } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Page = { items: { id: string; name: string; owner: { email: string } | null; findingCount: number; environment: string }[]; nextCursor: string | null; total: number };

const newBot = (over: Record<string, unknown> = {}) => ({
  name: (over.name as string | undefined) ?? "acme-release-notes-bot",
  owner: "daniel.kim@acme.example",
  team: "platform",
  purpose: "Drafts release notes from merged pull requests",
  environment: "staging",
  internalDataAccess: "internal",
  channels: ["slack-internal"],
  grants: [{ system: "github", scope: "github:pull_requests:read", access: "read" }],
  serviceAccounts: [{ system: "github", account: (over.name as string | undefined) ?? "acme-release-notes-bot" }],
  credentialReferences: [{ system: "github", reference: "op://bots-staging/release-notes/github-token" }],
  ...over,
});

describe("bot inventory", () => {
  let t: TestApp;
  let ownerToken: string; // daniel.kim: no role, owns a few bots
  let auditorToken: string;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    ownerToken = await tokenFor(t.database, "daniel.kim@acme.example");
    auditorToken = await tokenFor(t.database, "ines.moreau@acme.example");
  });
  afterAll(() => t.close());
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it("pages through the whole inventory with cursors, in order, without repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.api({ method: "GET", url: `/api/v1/bots?limit=10&sort=name${cursor ? `&cursor=${cursor}` : ""}` });
      expect(res.statusCode).toBe(200);
      const page = res.json() as Page;
      expect(page.total).toBe(42);
      seen.push(...page.items.map((b) => b.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(42);
    expect(new Set(seen).size).toBe(42);
    expect(seen).toEqual([...seen].sort());
  });

  it("sorts by finding count descending across pages", async () => {
    const p1 = (await t.api({ method: "GET", url: "/api/v1/bots?sort=findingCount&order=desc&limit=5" })).json() as Page;
    const p2 = (await t.api({ method: "GET", url: `/api/v1/bots?sort=findingCount&order=desc&limit=5&cursor=${p1.nextCursor}` })).json() as Page;
    const counts = [...p1.items, ...p2.items].map((b) => b.findingCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // acme-escalation-bot: an overdue review and three credentials overdue for rotation (one finding each)
    expect(counts[0]).toBe(4);
  });

  it("filters by environment, team, owner, status, finding kind and search", async () => {
    const get = async (qs: string) => (await t.api({ method: "GET", url: `/api/v1/bots?limit=200&${qs}` })).json() as Page;
    const staging = await get("environment=staging");
    expect(staging.items.map((b) => b.name).sort()).toEqual([
      "acme-deploy-staging-bot",
      "acme-forecast-bot",
      "acme-kb-sync-bot",
      "acme-sql-helper-bot",
      "acme-terraform-plan-bot",
      "pr-drafter",
    ]);
    expect(staging.items.map((b) => b.environment)).toEqual(Array(6).fill("staging"));
    const owned = await get("owner=daniel.kim@acme.example");
    expect(owned.items.map((b) => b.name).sort()).toEqual(["acme-changelog-bot", "acme-sandbox-bot", "acme-terraform-plan-bot"]);
    expect(owned.items.map((b) => b.owner?.email)).toEqual(Array(3).fill("daniel.kim@acme.example"));
    expect((await get("q=discord")).items.map((b) => b.name)).toContain("acme-community-bot");
    expect((await get("hasFindings=true")).total).toBe(20);
    expect((await get("hasFindings=false")).total).toBe(22);
    expect((await get("finding=orphaned")).items.map((b) => b.name).sort()).toEqual(["acme-anomaly-bot", "acme-call-notes-bot"]);
    expect((await get("status=offboarded")).total).toBe(2);
    const bad = await t.api({ method: "GET", url: "/api/v1/bots?environment=moon" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("validation_failed");
    expect((await t.api({ method: "GET", url: "/api/v1/bots?cursor=garbage" })).statusCode).toBe(400);
  });

  it("registers a bot with a generated email, writes its audit event, and computes its findings", async () => {
    const res = await t.api({ method: "POST", url: "/api/v1/bots", payload: newBot() });
    expect(res.statusCode).toBe(201);
    const bot = res.json();
    expect(bot.email).toBe("acme-release-notes-bot.bot@acme.example");
    expect(bot.grants[0]).toMatchObject({ system: "github", scope: "github:pull_requests:read", access: "read" });
    // a new bot has no runtime profile yet
    expect(bot.findings.map((f: { kind: string }) => f.kind)).toEqual(["runtime_profile_incomplete"]);
    const events = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "bot.create"), eq(auditEvents.resourceId, bot.id)));
    expect(events).toHaveLength(1);
    expect(events[0]!.actorLabel).toBe("admin@acme.example");
  });

  it("answers a duplicate name with 409 and bad input with 400, writing nothing", async () => {
    const dup = await t.api({ method: "POST", url: "/api/v1/bots", payload: newBot({ name: "acme-deploy-bot" }) });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe("conflict");
    const unknownOwner = await t.api({ method: "POST", url: "/api/v1/bots", payload: newBot({ name: "acme-x-bot", owner: "nobody@acme.example" }) });
    expect(unknownOwner.statusCode).toBe(400);
    expect(unknownOwner.json().error.message).toMatch(/unknown owner/);
    const badEnum = await t.api({ method: "POST", url: "/api/v1/bots", payload: newBot({ name: "acme-y-bot", environment: "prod" }) });
    expect(badEnum.statusCode).toBe(400);
    const secret = await t.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: newBot({ name: "acme-z-bot", credentialReferences: [{ system: "github", reference: "ghp_abcdefghijklmnopqrstuvwxyz0123456789" }] }),
    });
    expect(secret.statusCode).toBe(400);
    const pasted = await t.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: newBot({ name: "acme-v-bot", runtimeProfile: { deletionProcedure: "curl -H 'token: ghp_abcdefghijklmnopqrstuvwxyz0123456789' ..." } }),
    });
    expect(pasted.statusCode).toBe(400);
    expect(pasted.json().error.message).toMatch(/^Runtime profile: looks like a secret \(GITHUB_TOKEN/);
    expect(pasted.body).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    const leftOwner = await t.api({ method: "POST", url: "/api/v1/bots", payload: newBot({ name: "acme-w-bot", owner: "tomas.silva@acme.example" }) });
    expect(leftOwner.statusCode).toBe(400);
    const list = (await t.api({ method: "GET", url: "/api/v1/bots?q=acme-&limit=200" })).json() as Page;
    expect(list.items.map((b) => b.name)).not.toEqual(expect.arrayContaining(["acme-x-bot", "acme-y-bot", "acme-z-bot", "acme-w-bot", "acme-v-bot"]));
  });

  it("keeps one identity per bot: the email must be <name>.bot@<domain>, and no account is shared", async () => {
    const wrongEmail = await t.api({ method: "POST", url: "/api/v1/bots", payload: newBot({ name: "acme-mail-bot", email: "someone@acme.example" }) });
    expect(wrongEmail.statusCode).toBe(400);
    expect(wrongEmail.json().error.message).toContain("acme-mail-bot.bot@acme.example");
    const shared = await t.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: newBot({ name: "acme-deploy-copy-bot", serviceAccounts: [{ system: "github", account: "ACME-DEPLOY-BOT" }] }),
    });
    expect(shared.statusCode).toBe(409);
    expect(shared.json().error.message).toMatch(/already used by acme-deploy/);
    const created = await t.api({ method: "POST", url: "/api/v1/bots", payload: newBot({ name: "acme-rename-me-bot" }) });
    expect(created.statusCode).toBe(201);
    expect(created.json().emailSendingEnabled).toBe(false);
    const renamed = await t.api({ method: "PATCH", url: `/api/v1/bots/${created.json().id}`, payload: { name: "acme-renamed-bot" } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().email).toBe("acme-renamed-bot.bot@acme.example");
    // an imported bot with a non-standard email can still be edited in other ways
    const legacy = ((await t.api({ method: "GET", url: "/api/v1/bots?q=acme-test-triage-bot" })).json() as Page).items[0]!;
    const edit = await t.api({ method: "PATCH", url: `/api/v1/bots/${legacy.id}`, payload: { purpose: "Triage flaky tests" } });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().findingKinds).toContain("bot_email");
  });

  it("edits a bot, recomputes its findings, and refuses a stale version with 409", async () => {
    const id = ((await t.api({ method: "GET", url: "/api/v1/bots?q=acme-meetup-bot" })).json() as Page).items[0]!.id;
    const before = (await t.api({ method: "GET", url: `/api/v1/bots/${id}` })).json();
    expect(before.findingKinds).toContain("disallowed_channel");
    const res = await t.api({ method: "PATCH", url: `/api/v1/bots/${id}`, payload: { channels: ["slack-internal"], version: before.version } });
    expect(res.statusCode).toBe(200);
    expect(res.json().findingKinds).not.toContain("disallowed_channel");
    expect(res.json().version).toBe(before.version + 1);
    // fields left out of the PATCH keep their values
    expect(res.json().grants).toEqual(before.grants.map((g: Record<string, unknown>) => ({ ...g, id: expect.any(String) })));
    expect(res.json().serviceAccounts.length).toBe(before.serviceAccounts.length);
    expect(res.json().runtimeProfile).toEqual(before.runtimeProfile);
    expect(res.json().status).toBe(before.status);
    // the audit event names each changed field with its value before and after (the audit page shows it as a diff)
    const [event] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "bot.update"), eq(auditEvents.resourceId, id)));
    expect(event!.details).toEqual({ name: "acme-meetup-bot", changes: { channels: { before: before.channels, after: ["slack-internal"] } } });
    const stale = await t.api({ method: "PATCH", url: `/api/v1/bots/${id}`, payload: { purpose: "x", version: before.version } });
    expect(stale.statusCode).toBe(409);
  });

  it("answers 404 for an unknown bot and 400 for a malformed id", async () => {
    const res = await t.api({ method: "GET", url: "/api/v1/bots/00000000-0000-4000-8000-000000000000" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: "not_found", requestId: expect.any(String) });
    expect((await t.api({ method: "GET", url: "/api/v1/bots/not-a-uuid" })).statusCode).toBe(400);
  });

  describe("security", () => {
    it("refuses requests without credentials, with a bad token, or a malformed header", async () => {
      expect((await t.app.inject({ method: "GET", url: "/api/v1/bots" })).statusCode).toBe(401);
      const bad = await t.app.inject({ method: "GET", url: "/api/v1/bots", headers: as("brdl_nope") });
      expect(bad.statusCode).toBe(401);
      expect(bad.json().error.code).toBe("unauthenticated");
      expect((await t.app.inject({ method: "GET", url: "/api/v1/bots", headers: { authorization: "Basic abc" } })).statusCode).toBe(401);
      expect((await t.app.inject({ method: "POST", url: "/api/v1/bots", payload: newBot({ name: "acme-anon-bot" }) })).statusCode).toBe(401);
    });

    it("shows an owner without a role only their own bots", async () => {
      const page = (await t.app.inject({ method: "GET", url: "/api/v1/bots?limit=200", headers: as(ownerToken) })).json() as Page;
      // the demo's three and the two registered for daniel.kim above; none of the others'
      expect(page.items.map((b) => b.name).sort()).toEqual(["acme-changelog-bot", "acme-release-notes-bot", "acme-renamed-bot", "acme-sandbox-bot", "acme-terraform-plan-bot"]);
      expect(page.total).toBe(5);
      expect(page.items.map((b) => b.owner?.email)).toEqual(Array(5).fill("daniel.kim@acme.example"));
    });

    it("refuses another owner's bot with 403 on read and write, and audits both", async () => {
      const other = ((await t.api({ method: "GET", url: "/api/v1/bots?owner=zoe.martin@acme.example" })).json() as Page).items[0]!;
      const read = await t.app.inject({ method: "GET", url: `/api/v1/bots/${other.id}`, headers: as(ownerToken) });
      expect(read.statusCode).toBe(403);
      const write = await t.app.inject({ method: "PATCH", url: `/api/v1/bots/${other.id}`, headers: as(ownerToken), payload: { purpose: "hijacked" } });
      expect(write.statusCode).toBe(403);
      const denied = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.resourceId, other.id), eq(auditEvents.outcome, "denied")));
      expect(denied.map((e) => e.action).sort()).toEqual(["bot.read", "bot.update"]);
      expect((await t.api({ method: "GET", url: `/api/v1/bots/${other.id}` })).json().purpose).not.toBe("hijacked");
    });

    it("lets an owner register a bot for themselves but not for someone else", async () => {
      // an owner registers a bot without scope; scope comes through approvals
      const unscoped = { grants: [], channels: [], internalDataAccess: "none", credentialReferences: [] };
      const scoped = await t.app.inject({ method: "POST", url: "/api/v1/bots", headers: as(ownerToken), payload: newBot({ name: "acme-scoped-bot" }) });
      expect(scoped.statusCode).toBe(403);
      expect(scoped.json().error.message).toMatch(/Request scope expansion/);
      const mine = await t.app.inject({ method: "POST", url: "/api/v1/bots", headers: as(ownerToken), payload: newBot({ name: "acme-mine-bot", ...unscoped }) });
      expect(mine.statusCode).toBe(201);
      const id = mine.json().id as string;
      // the owner may edit the bot's description, but not widen its scope or forge an exception
      expect((await t.app.inject({ method: "PATCH", url: `/api/v1/bots/${id}`, headers: as(ownerToken), payload: { purpose: "Still a sandbox" } })).statusCode).toBe(200);
      const widen = await t.app.inject({
        method: "PATCH",
        url: `/api/v1/bots/${id}`,
        headers: as(ownerToken),
        payload: { grants: [{ system: "github", scope: "github:repo:admin", access: "write" }] },
      });
      expect(widen.statusCode).toBe(403);
      expect(widen.json().error.message).toMatch(/grants/);
      const forged = await t.app.inject({
        method: "PATCH",
        url: `/api/v1/bots/${id}`,
        headers: as(ownerToken),
        payload: {
          exception: {
            status: "approved",
            businessPurpose: "x",
            allowedSystems: ["discord"],
            allowedChannels: ["discord"],
            dataClassification: "internal",
            approvalRequirements: "none",
          },
        },
      });
      expect(forged.statusCode).toBe(403);
      expect((await t.api({ method: "GET", url: `/api/v1/bots/${id}` })).json()).toMatchObject({ grants: [], exception: null });
      const theirs = await t.app.inject({
        method: "POST",
        url: "/api/v1/bots",
        headers: as(ownerToken),
        payload: newBot({ name: "acme-theirs-bot", owner: "zoe.martin@acme.example", team: "support", grants: [], channels: [], internalDataAccess: "none" }),
      });
      expect(theirs.statusCode).toBe(403);
    });

    it("lets an auditor read everything but change nothing", async () => {
      const page = (await t.app.inject({ method: "GET", url: "/api/v1/bots?limit=200", headers: as(auditorToken) })).json() as Page;
      expect(page.total).toBeGreaterThanOrEqual(42);
      const id = page.items[0]!.id;
      const write = await t.app.inject({ method: "PATCH", url: `/api/v1/bots/${id}`, headers: as(auditorToken), payload: { purpose: "x" } });
      expect(write.statusCode).toBe(403);
    });
  });
});
