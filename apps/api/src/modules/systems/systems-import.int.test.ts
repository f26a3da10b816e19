import { auditEvents, connectedSystems, people } from "@bridle/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/** An import file's `systems:` block goes through the systems module, all or nothing with the bots. */
describe("importing a systems block", () => {
  let t: TestApp;
  let itToken: string;
  const importYaml = (yaml: string, dryRun: boolean, token?: string) =>
    t.app.inject({
      method: "POST",
      url: `/api/v1/inventory/import?dryRun=${dryRun}`,
      headers: { authorization: `Bearer ${token ?? "brdl_test_bootstrap_admin_token_0123456789"}`, "content-type": "application/yaml" },
      payload: yaml,
    });
  const catalog = async () =>
    (await t.database.db.select({ key: connectedSystems.key, c: connectedSystems.classification }).from(connectedSystems).orderBy(connectedSystems.key)).map(
      (s) => `${s.key}:${s.c}`,
    );
  const file = (opts: { jiraClass: string; botSystem: string; team?: string }) => `
systems:
  - { key: github, name: GitHub, classification: internal_data }
  - { key: jira, name: Jira, classification: ${opts.jiraClass}, description: Issue tracking }
bots:
  - name: triage-bot
    owner: ${ADMIN_EMAIL}
    team: ${opts.team ?? "ops"}
    purpose: Triage new issues
    environment: production
    grants:
      - { system: ${opts.botSystem}, scope: "${opts.botSystem}:issues:write", access: write }
`;

  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
    await t.database.db.insert(people).values({ email: "ivy.it@acme.example", displayName: "Ivy IT", roles: ["it"], source: "admin" });
    itToken = await tokenFor(t.database, "ivy.it@acme.example");
    expect((await t.api({ method: "POST", url: "/api/v1/teams", payload: { name: "Ops" } })).statusCode).toBe(201);
  });
  afterAll(() => t.close());

  it("plans the systems on a dry run, letting the bots use them, and writes nothing", async () => {
    const res = await importYaml(file({ jiraClass: "internal_data", botSystem: "jira" }), true);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, created: 1, systems: { created: ["github", "jira"], updated: [], unchanged: [] } });
    expect(await catalog()).toEqual([]);
  });

  it("writes nothing, systems included, when a bot of the file is invalid", async () => {
    const res = await importYaml(file({ jiraClass: "internal_data", botSystem: "jira", team: "nope" }), false);
    expect(res.statusCode).toBe(400);
    expect((res.json().error.details.rows as { field: string; message: string }[]).map((r) => [r.field, r.message])).toEqual([["team", "unknown team nope"]]);
    expect(await catalog()).toEqual([]);
  });

  it("reports problems in the block by entry, with their line", async () => {
    const res = await importYaml("systems:\n  - { key: github, name: GitHub, classification: internal_data }\n  - { key: github, name: Again, classification: sometimes }\nbots: []\n", false);
    expect(res.statusCode).toBe(400);
    expect((res.json().error.details.rows as { line: number; field: string }[]).map((r) => [r.line, r.field])).toEqual([[3, "systems.1.classification"]]);
    expect(await catalog()).toEqual([]);
  });

  it("creates the systems and the bots together, then updates a changed classification (audited, findings recomputed)", async () => {
    const res = await importYaml(file({ jiraClass: "internal_data", botSystem: "jira" }), false);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: false, created: 1, systems: { created: ["github", "jira"], updated: [], unchanged: [] } });
    expect(await catalog()).toEqual(["github:internal_data", "jira:internal_data"]);
    const bot = (await t.api({ method: "GET", url: "/api/v1/bots" })).json().items[0];
    expect(bot.findingKinds).not.toContain("golden_rule");

    // Jira becomes `both`: the bot's write grant now also talks outside, with internal data access from the same grant.
    const again = await importYaml(file({ jiraClass: "both", botSystem: "jira" }), false);
    expect(again.json()).toMatchObject({ created: 0, unchanged: 1, systems: { created: [], updated: ["jira"], unchanged: ["github"] } });
    expect(await catalog()).toEqual(["github:internal_data", "jira:both"]);
    expect((await t.api({ method: "GET", url: "/api/v1/bots" })).json().items[0].findingKinds).toContain("golden_rule");
    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.resourceType, "connected_system")).orderBy(auditEvents.seq);
    expect(events.map((e) => [e.action, (e.details as { via: string }).via])).toEqual([
      ["system.create", "upload (yaml)"],
      ["system.create", "upload (yaml)"],
      ["system.update", "upload (yaml)"],
    ]);
  });

  it("lets IT import a block that matches the catalog, but not change it", async () => {
    const same = await importYaml(file({ jiraClass: "both", botSystem: "jira" }), false, itToken);
    expect(same.statusCode).toBe(200);
    const changed = await importYaml(file({ jiraClass: "neither", botSystem: "jira" }), false, itToken);
    expect(changed.statusCode).toBe(400);
    expect(changed.json().error.details.rows).toEqual([
      { line: 3, row: 0, name: null, field: "systems", message: "only admins may add or change connected systems (jira); ask one, or leave the block out" },
    ]);
    expect(await catalog()).toEqual(["github:internal_data", "jira:both"]);
  });
});
