import { auditEvents, notifications, people, skills } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { botIdOf } from "../../../test/bot-runtime.ts";

type Skill = { id: string; name: string; version: string; ref: string; status: string; usedBy: number; reviewedBy: { email: string } | null; reviewNote: string | null };
type Finding = { kind: string; rule: string; details?: { skills?: { tool: string; problem: string }[] } };

/**
 * The skills and plugins registry on the Acme demo: validation, who registers and who reviews,
 * and the `unapproved_skill` finding of a bot that follows every registry change.
 */
describe("skills registry", () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let triageId: string;
  const as = (who: string, method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
  const register = (who: string, body: Record<string, unknown>) =>
    as(who, "POST", "/api/v1/skills", { source: { registry: "npm", package: String(body.name) }, owner: "lucas.meyer@acme.example", ...body });
  const review = (who: string, id: string, decision: "approve" | "reject", note?: string) => as(who, "POST", `/api/v1/skills/${id}/review`, { decision, ...(note ? { note } : {}) });
  const bot = async () => (await t.api({ method: "GET", url: `/api/v1/bots/${triageId}` })).json() as { runtimeProfile: Record<string, unknown>; findings: Finding[] };
  const skillFinding = async () => (await bot()).findings.find((f) => f.kind === "unapproved_skill") ?? null;
  /** Sets the triage bot's allowed tools as its owner would (PATCH /bots/{id} with its runtime profile). */
  const setTools = async (tools: string[]) => {
    const profile = (await bot()).runtimeProfile;
    const res = await as("lucas.meyer", "PATCH", `/api/v1/bots/${triageId}`, { runtimeProfile: { ...profile, allowedTools: tools } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const fieldErrors = (body: string) => (JSON.parse(body) as { error: { details: { fields: { path: string[]; code: string; message: string }[] } } }).error.details.fields;

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    for (const email of ["lucas.meyer", "omar.haddad", "priya.nair", "sam.taylor", "ines.moreau", "maya.chen", "daniel.kim"]) tokens[email] = await tokenFor(t.database, `${email}@acme.example`);
    triageId = await botIdOf(t, "acme-triage-bot");
  });
  afterAll(() => t.close());

  it("lists the demo registry to everyone signed in, by name with the highest version first, with its use", async () => {
    const res = await as("daniel.kim", "GET", "/api/v1/skills?q=openclaw-skill-github");
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Skill[];
    expect(items.map((s) => [s.ref, s.status, s.usedBy])).toEqual([
      ["openclaw-skill-github@1.5.0", "pending", 0],
      ["openclaw-skill-github@1.4.2", "approved", 1],
    ]);
    const gh = ((await as("ines.moreau", "GET", "/api/v1/skills?q=gh&status=approved")).json().items as Skill[]).find((s) => s.name === "gh")!;
    expect(gh.usedBy).toBe(11);
    expect(gh.reviewedBy?.email).toBe("omar.haddad@acme.example");
    // pages follow one another without a gap or a repeat
    const first = (await as("daniel.kim", "GET", "/api/v1/skills?limit=10")).json() as { items: Skill[]; nextCursor: string };
    const second = (await as("daniel.kim", "GET", `/api/v1/skills?limit=50&cursor=${first.nextCursor}`)).json() as { items: Skill[]; nextCursor: string | null };
    const all = (await as("daniel.kim", "GET", "/api/v1/skills?limit=200")).json().items as Skill[];
    expect([...first.items, ...second.items].map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(second.nextCursor).toBeNull();
    expect(all).toHaveLength(29);
  });

  it("orders versions as semver does, not as text", async () => {
    for (const version of ["1.9.0", "1.10.0-rc.1", "1.10.0", "0.2.0"]) expect((await register("maya.chen", { name: "acme-order", version })).statusCode).toBe(201);
    const items = (await as("daniel.kim", "GET", "/api/v1/skills?q=acme-order")).json().items as Skill[];
    expect(items.map((s) => s.version)).toEqual(["1.10.0", "1.10.0-rc.1", "1.9.0", "0.2.0"]);
  });

  it("refuses ranges, tags, bad names, a source that does not fit its registry, an unknown owner and a duplicate", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "range-skill", version: "^1.2.0" }, "version"],
      [{ name: "tag-skill", version: "latest" }, "version"],
      [{ name: "Bad Name", version: "1.0.0", source: { registry: "npm", package: "bad-name" } }, "name"],
      [{ name: "url-skill", version: "1.0.0", source: { registry: "npm", package: "https://evil.example/x.tgz" } }, "source.package"],
      [{ name: "git-skill", version: "1.0.0", source: { registry: "git", package: "http://github.com/acme/x" } }, "source.package"],
      [{ name: "nobody-skill", version: "1.0.0", owner: "nobody@acme.example" }, "owner"],
      [{ name: "left-skill", version: "1.0.0", owner: "tomas.silva@acme.example" }, "owner"],
    ];
    for (const [body, path] of cases) {
      const res = await register("maya.chen", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(fieldErrors(res.body).map((f) => f.path.join("."))).toEqual([path]);
    }
    const dup = await register("maya.chen", { name: "gh", version: "2.63.0", source: { registry: "git", package: "https://github.com/cli/cli" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toBe("gh@2.63.0 is already in the registry; a new version is a new entry");
    const created = await t.database.db.select().from(skills).where(eq(skills.version, "^1.2.0"));
    expect(created).toEqual([]);
  });

  it("refuses notes that hold a secret without echoing it, and a source URL carrying a token", async () => {
    const secret = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    const res = await register("maya.chen", { name: "leaky-skill", version: "1.0.0", notes: `install with token ${secret}` });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(secret);
    expect(fieldErrors(res.body).map((f) => [f.path.join("."), f.code])).toEqual([["notes", "looks_like_secret"]]);
    const url = await register("maya.chen", { name: "leaky-git", version: "1.0.0", source: { registry: "git", package: `https://x:${secret}@github.com/acme/skill.git` } });
    expect(url.statusCode).toBe(400);
    expect(url.body).not.toContain(secret);
  });

  it("lets admins and security register, not IT or auditors (refusals audited)", async () => {
    for (const who of ["sam.taylor", "ines.moreau", "daniel.kim"]) {
      const res = await register(who, { name: "not-allowed", version: "1.0.0" });
      expect(res.statusCode, who).toBe(403);
    }
    const refused = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "skill.create"), eq(auditEvents.outcome, "denied")));
    expect(refused.map((e) => e.actorLabel).sort()).toEqual(["daniel.kim@acme.example", "ines.moreau@acme.example", "sam.taylor@acme.example"]);
  });

  it("raises the finding for an unregistered tool, keeps it while pending, clears it on approval and raises it again on rejection", async () => {
    expect(await skillFinding()).toBeNull();
    await setTools(["gh@2.63.0", "acme-summarizer@1.0.0"]);
    expect((await skillFinding())?.details?.skills).toEqual([{ tool: "acme-summarizer@1.0.0", name: "acme-summarizer", version: "1.0.0", problem: "unregistered" }]);

    const created = await register("priya.nair", { name: "acme-summarizer", version: "1.0.0", source: { registry: "clawhub", package: "https://clawhub.ai/acme/summarizer" } });
    expect(created.statusCode, created.body).toBe(201);
    const skill = created.json() as Skill;
    expect([skill.status, skill.usedBy]).toEqual(["pending", 1]);
    // security is told it waits for them, with a link to the pending registry
    const told = await t.database.db
      .select({ email: people.email, title: notifications.title, link: notifications.link })
      .from(notifications)
      .innerJoin(people, eq(people.id, notifications.recipientId))
      .where(and(eq(notifications.kind, "skill_review_needed"), eq(notifications.title, "acme-summarizer@1.0.0 waits for security's review")));
    expect(told.map((n) => n.email).sort()).toEqual(["omar.haddad@acme.example", "priya.nair@acme.example"]);
    expect(told[0]).toMatchObject({ title: "acme-summarizer@1.0.0 waits for security's review", link: "/skills?status=pending&q=acme-summarizer" });
    expect((await skillFinding())?.details?.skills?.map((s) => s.problem)).toEqual(["pending"]);

    // the security reviewer who registered it does not approve it; another one does
    const own = await review("priya.nair", skill.id, "approve");
    expect(own.statusCode).toBe(403);
    expect(own.json().error.details.reason).toBe("own_entry");
    expect((await review("maya.chen", skill.id, "approve")).json().error.details.reason).toBe("not_reviewer");
    const approved = await review("omar.haddad", skill.id, "approve", "Read the source; no network access");
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: "approved", reviewedBy: { email: "omar.haddad@acme.example" }, reviewNote: "Read the source; no network access" });
    expect(await skillFinding()).toBeNull();
    expect((await review("omar.haddad", skill.id, "approve")).statusCode).toBe(409);

    // revoking the approval raises it again at once
    expect((await review("omar.haddad", skill.id, "reject", "Sends summaries to a third party")).statusCode).toBe(200);
    expect((await skillFinding())?.details?.skills?.map((s) => s.problem)).toEqual(["rejected"]);

    const reviews = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "skill.review"), eq(auditEvents.resourceId, skill.id))).orderBy(auditEvents.seq);
    expect(reviews.map((e) => [e.outcome, e.actorLabel, (e.details as { reason?: string; decision?: string }).reason ?? (e.details as { decision: string }).decision])).toEqual([
      ["denied", "priya.nair@acme.example", "own_entry"],
      ["denied", "maya.chen@acme.example", "not_reviewer"],
      ["success", "omar.haddad@acme.example", "approve"],
      ["success", "omar.haddad@acme.example", "reject"],
    ]);
    expect(reviews[2]!.details).toMatchObject({ status: { before: "pending", after: "approved" }, botsUsing: 1 });
  });

  it("needs a review for every new version, refuses a review by the skill's owner, and flags unpinned tools", async () => {
    const v1 = (await register("maya.chen", { name: "acme-notes", version: "1.0.0", owner: "omar.haddad@acme.example" })).json() as Skill;
    // omar owns the skill: another security reviewer approves it
    expect((await review("omar.haddad", v1.id, "approve")).json().error.details.reason).toBe("own_skill");
    expect((await review("priya.nair", v1.id, "approve")).statusCode).toBe(200);
    await setTools(["gh@2.63.0", "acme-notes@1.0.0"]);
    expect(await skillFinding()).toBeNull();
    // the bot moves to a version nobody registered yet, then to one waiting for review
    await setTools(["gh@2.63.0", "acme-notes@1.1.0"]);
    expect((await skillFinding())?.details?.skills?.map((s) => s.problem)).toEqual(["unregistered"]);
    const v2 = (await register("maya.chen", { name: "acme-notes", version: "1.1.0", owner: "omar.haddad@acme.example" })).json() as Skill;
    expect(v2.status).toBe("pending");
    expect((await skillFinding())?.details?.skills?.map((s) => s.problem)).toEqual(["pending"]);
    expect((await review("priya.nair", v2.id, "approve")).statusCode).toBe(200);
    expect(await skillFinding()).toBeNull();
    // a range, a tag or no version at all is never pinned
    await setTools(["gh@^2.63.0", "acme-notes@latest", "acme-notes"]);
    expect((await skillFinding())?.details?.skills?.map((s) => [s.tool, s.problem])).toEqual([
      ["gh@^2.63.0", "unpinned"],
      ["acme-notes@latest", "unpinned"],
      ["acme-notes", "unpinned"],
    ]);
  });

  it("sends an approved entry back to review when its source changes", async () => {
    const skill = (await register("maya.chen", { name: "acme-sourced", version: "2.0.0" })).json() as Skill;
    expect((await review("omar.haddad", skill.id, "approve")).statusCode).toBe(200);
    await setTools(["acme-sourced@2.0.0"]);
    expect(await skillFinding()).toBeNull();
    const notes = await as("maya.chen", "PATCH", `/api/v1/skills/${skill.id}`, { notes: "Maintained by the platform team" });
    expect(notes.json()).toMatchObject({ status: "approved", notes: "Maintained by the platform team" });
    const moved = await as("priya.nair", "PATCH", `/api/v1/skills/${skill.id}`, { source: { registry: "git", package: "https://github.com/acme/sourced" } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ status: "pending", reviewedBy: null, source: { registry: "git", package: "https://github.com/acme/sourced" } });
    expect((await skillFinding())?.details?.skills?.map((s) => s.problem)).toEqual(["pending"]);
    const [update] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "skill.update"), eq(auditEvents.resourceId, skill.id), eq(auditEvents.actorLabel, "priya.nair@acme.example")));
    expect(update!.details).toMatchObject({ statusReset: true, changes: { source: { before: { registry: "npm", package: "acme-sourced" }, after: { registry: "git", package: "https://github.com/acme/sourced" } } } });
    expect((await as("sam.taylor", "PATCH", `/api/v1/skills/${skill.id}`, { notes: "IT's note" })).statusCode).toBe(403);
  });

  it("lists a bot's skills with their standing to whoever may read the bot", async () => {
    await setTools(["gh@2.63.0", "openclaw-skill-github@1.5.0", "linear-mcp@0.9.3", "acme-unknown@0.1.0", "gh@~2"]);
    const res = await as("lucas.meyer", "GET", `/api/v1/bots/${triageId}/skills`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json().items as { tool: string; state: string; skillId: string | null }[]).map((s) => [s.tool, s.state, s.skillId !== null])).toEqual([
      ["gh@2.63.0", "approved", true],
      ["openclaw-skill-github@1.5.0", "pending", true],
      ["linear-mcp@0.9.3", "approved", true],
      ["acme-unknown@0.1.0", "unregistered", false],
      ["gh@~2", "unpinned", false],
    ]);
    expect((await as("daniel.kim", "GET", `/api/v1/bots/${triageId}/skills`)).statusCode).toBe(403);
    expect((await as("ines.moreau", "GET", `/api/v1/bots/${triageId}/skills`)).statusCode).toBe(200);
  });
});
