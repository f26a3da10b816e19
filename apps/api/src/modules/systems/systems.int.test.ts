import { auditEvents, people } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type System = { id: string; key: string; name: string; classification: string; description: string | null; usage: Record<string, number> };

/** The connected system catalog on an organization started from empty (BRIDLE_SEED=none). */
describe("connected systems", () => {
  let t: TestApp;
  let itToken: string;
  let securityToken: string;
  const admin = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    t.api({ method, url, ...(payload ? { payload } : {}) });
  const as = (token: string, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const audit = (action: string, outcome: string) =>
    t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, action), eq(auditEvents.outcome, outcome))).orderBy(auditEvents.seq);
  const system = async (key: string) => ((await admin("GET", "/api/v1/systems")).json().items as System[]).find((s) => s.key === key)!;
  const botFindings = async (id: string) => ((await admin("GET", `/api/v1/bots/${id}`)).json().findings as { kind: string }[]).map((f) => f.kind).sort();

  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
    await t.database.db.insert(people).values([
      { email: "ivy.it@acme.example", displayName: "Ivy IT", roles: ["it"], source: "admin" },
      { email: "sean.sec@acme.example", displayName: "Sean Security", roles: ["security"], source: "admin" },
    ]);
    itToken = await tokenFor(t.database, "ivy.it@acme.example");
    securityToken = await tokenFor(t.database, "sean.sec@acme.example");
  });
  afterAll(() => t.close());

  it("starts empty, and admins add systems (audited) that everyone signed in can list", async () => {
    expect((await admin("GET", "/api/v1/systems")).json()).toEqual({ items: [] });
    const res = await admin("POST", "/api/v1/systems", { key: "GitHub", name: "GitHub", classification: "internal_data", description: "Source code" });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({
      id: expect.any(String),
      key: "github",
      name: "GitHub",
      classification: "internal_data",
      description: "Source code",
      usage: { grants: 0, serviceAccounts: 0, credentialReferences: 0 },
      recomputed: 0,
    });
    expect((await admin("POST", "/api/v1/systems", { key: "notes", name: "Team notes", classification: "neither" })).statusCode).toBe(201);
    const list = await as(securityToken, "GET", "/api/v1/systems");
    expect(list.statusCode).toBe(200);
    expect((list.json().items as System[]).map((s) => [s.key, s.classification])).toEqual([
      ["github", "internal_data"],
      ["notes", "neither"],
    ]);
    const events = await audit("system.create", "success");
    expect(events.map((e) => [e.resourceId, e.actorLabel])).toEqual([
      [created.id, ADMIN_EMAIL],
      [(await system("notes")).id, ADMIN_EMAIL],
    ]);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/systems" })).statusCode).toBe(401);
  });

  it("refuses people without systems.manage, and audits each refusal", async () => {
    const github = await system("github");
    const tries = [
      await as(itToken, "POST", "/api/v1/systems", { key: "jira", name: "Jira", classification: "internal_data" }),
      await as(securityToken, "PATCH", `/api/v1/systems/${github.id}`, { classification: "both" }),
      await as(itToken, "DELETE", `/api/v1/systems/${github.id}`),
    ];
    expect(tries.map((r) => r.statusCode)).toEqual([403, 403, 403]);
    expect(tries[0]!.json().error.message).toBe("You do not have permission to add connected systems");
    const denied = [...(await audit("system.create", "denied")), ...(await audit("system.update", "denied")), ...(await audit("system.delete", "denied"))];
    expect(denied.map((e) => [e.action, e.actorLabel, e.resourceId])).toEqual([
      ["system.create", "ivy.it@acme.example", null],
      ["system.update", "sean.sec@acme.example", github.id],
      ["system.delete", "ivy.it@acme.example", github.id],
    ]);
    expect((await system("github")).classification).toBe("internal_data");
    expect((await admin("GET", "/api/v1/systems")).json().items).toHaveLength(2);
  });

  it("validates keys, names and classifications, and refuses a key in use", async () => {
    const bad = await admin("POST", "/api/v1/systems", { key: "Git Hub!", name: "", classification: "secret" });
    expect(bad.statusCode).toBe(400);
    expect(new Set((bad.json().error.details.fields as { path: string[] }[]).map((i) => i.path.join(".")))).toEqual(new Set(["key", "name", "classification"]));
    const dup = await admin("POST", "/api/v1/systems", { key: "github", name: "Another GitHub", classification: "neither" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toBe("A connected system with the key github already exists");
    const keyChange = await admin("PATCH", `/api/v1/systems/${(await system("github")).id}`, { key: "gh" });
    expect(keyChange.statusCode).toBe(400);
    expect((await admin("PATCH", "/api/v1/systems/00000000-0000-4000-8000-000000000000", { name: "x" })).statusCode).toBe(404);
  });

  it("recomputes findings in the same write when a classification changes", async () => {
    expect((await admin("POST", "/api/v1/teams", { name: "Platform" })).statusCode).toBe(201);
    const bot = await admin("POST", "/api/v1/bots", {
      name: "notes-sync-bot",
      owner: ADMIN_EMAIL,
      team: "platform",
      purpose: "Copies issue summaries into team notes",
      environment: "production",
      channels: ["notes"],
      grants: [{ system: "github", scope: "github:issues:read", access: "read" }],
      runtimeProfile: {},
    });
    expect(bot.statusCode).toBe(201);
    const botId = bot.json().id as string;
    expect(await botFindings(botId)).not.toContain("golden_rule");

    const notes = await system("notes");
    const res = await admin("PATCH", `/api/v1/systems/${notes.id}`, { classification: "external_communication" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ key: "notes", classification: "external_communication", recomputed: 1 });
    expect(await botFindings(botId)).toContain("golden_rule");
    const [update] = await audit("system.update", "success");
    expect(update!.details).toEqual({ key: "notes", changes: { classification: { before: "neither", after: "external_communication" } }, findingsChanged: 1 });

    // A rename alone changes no finding.
    const renamed = await admin("PATCH", `/api/v1/systems/${notes.id}`, { name: "Notes" });
    expect(renamed.json()).toMatchObject({ name: "Notes", recomputed: 0 });

    const back = await admin("PATCH", `/api/v1/systems/${notes.id}`, { classification: "internal_data" });
    expect(back.json().recomputed).toBe(1);
    expect(await botFindings(botId)).not.toContain("golden_rule");
  });

  it("refuses to remove a system in use, naming the count, and removes one nothing uses", async () => {
    const github = await system("github");
    expect(github.usage).toEqual({ grants: 1, serviceAccounts: 0, credentialReferences: 0 });
    const inUse = await admin("DELETE", `/api/v1/systems/${github.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.message).toBe("GitHub is still used by 1 grant; remove them from their bots before removing the system");
    expect(inUse.json().error.details).toEqual({ usage: { grants: 1, serviceAccounts: 0, credentialReferences: 0 } });

    expect((await admin("POST", "/api/v1/systems", { key: "jira", name: "Jira", classification: "internal_data" })).statusCode).toBe(201);
    const jira = await system("jira");
    const del = await admin("DELETE", `/api/v1/systems/${jira.id}`);
    expect(del.statusCode).toBe(200);
    expect(((await admin("GET", "/api/v1/systems")).json().items as System[]).map((s) => s.key)).toEqual(["github", "notes"]);
    expect((await audit("system.delete", "success")).map((e) => e.resourceId)).toEqual([jira.id]);
  });

  it("removing a system a channel names makes the channel unknown, hence external (findings follow)", async () => {
    const bots = (await admin("GET", "/api/v1/bots")).json().items as { id: string }[];
    expect(bots).toHaveLength(1);
    const notes = await system("notes");
    expect((await admin("DELETE", `/api/v1/systems/${notes.id}`)).json()).toEqual({ recomputed: 1 });
    expect(await botFindings(bots[0]!.id)).toContain("golden_rule");
  });

  it("refuses a secret in a system's name or description, naming the field, never the value, and stores nothing", async () => {
    const token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    const res = await admin("POST", "/api/v1/systems", { key: "wiki", name: "Wiki", classification: "internal_data", description: `token ${token}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toEqual([{ path: ["description"], code: "looks_like_secret", message: expect.any(String) }]);
    expect(res.body).not.toContain(token);
    expect(await system("wiki")).toBeUndefined();
    const github = await system("github");
    const edit = await admin("PATCH", `/api/v1/systems/${github.id}`, { name: token });
    expect(edit.statusCode).toBe(400);
    expect(edit.json().error.details.fields.map((f: { path: string[] }) => f.path)).toEqual([["name"]]);
    expect((await system("github")).name).toBe(github.name);
  });
});
