import { auditEvents, identitySettings, people, teams } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Team = { id: string; slug: string; name: string; members: number; bots: number; managedBy: string };

/** Teams made in Bridle by admins and IT, on an organization started from empty, and SCIM's precedence. */
describe("team management", () => {
  let t: TestApp;
  let itToken: string;
  let ownerToken: string;
  const as = (token: string | null, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
    token === null
      ? t.api({ method, url, ...(payload ? { payload } : {}) })
      : t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const list = async () => (await as(null, "GET", "/api/v1/teams")).json() as { items: Team[]; scimEnabled: boolean };
  const setScim = (on: boolean) => t.database.db.update(identitySettings).set({ scimEnabled: on }).where(eq(identitySettings.id, 1));

  beforeAll(async () => {
    t = await createTestApp({ seed: "none" });
    await t.database.db.insert(people).values([
      { email: "ivy.it@acme.example", displayName: "Ivy IT", roles: ["it"], source: "admin" },
      { email: "olga.owner@acme.example", displayName: "Olga Owner", roles: [], source: "admin" },
    ]);
    itToken = await tokenFor(t.database, "ivy.it@acme.example");
    ownerToken = await tokenFor(t.database, "olga.owner@acme.example");
  });
  afterAll(() => t.close());

  it("lets IT and admins create teams, with a slug made from the name unless given", async () => {
    expect(await list()).toEqual({ items: [], scimEnabled: false });
    const a = await as(itToken, "POST", "/api/v1/teams", { name: "Platform Engineering" });
    expect(a.statusCode).toBe(201);
    expect(a.json()).toMatchObject({ slug: "platform-engineering", name: "Platform Engineering", source: "admin", managedBy: "bridle", members: [], bots: 0 });
    const b = await as(null, "POST", "/api/v1/teams", { name: "Data", slug: "data-team" });
    expect(b.json()).toMatchObject({ slug: "data-team", name: "Data" });
    const c = await as(null, "POST", "/api/v1/teams", { name: "Platform engineering (EU)" });
    expect(c.json().slug).toBe("platform-engineering-eu");
    expect((await list()).items.map((x) => [x.slug, x.managedBy])).toEqual([
      ["data-team", "bridle"],
      ["platform-engineering", "bridle"],
      ["platform-engineering-eu", "bridle"],
    ]);
    const events = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, "team.create"), eq(auditEvents.outcome, "success"))).orderBy(auditEvents.seq);
    expect(events.map((e) => [e.actorLabel, (e.details as { slug: string }).slug])).toEqual([
      ["ivy.it@acme.example", "platform-engineering"],
      [ADMIN_EMAIL, "data-team"],
      [ADMIN_EMAIL, "platform-engineering-eu"],
    ]);
  });

  it("refuses a name or slug in use, and people without people.manage (audited)", async () => {
    const dupName = await as(null, "POST", "/api/v1/teams", { name: "data" });
    expect(dupName.statusCode).toBe(409);
    expect(dupName.json().error.message).toBe("A team named Data already exists");
    const dupSlug = await as(null, "POST", "/api/v1/teams", { name: "Analytics", slug: "data-team" });
    expect(dupSlug.statusCode).toBe(409);
    expect(dupSlug.json().error.message).toBe("The slug data-team is used by the team Data");
    const denied = await as(ownerToken, "POST", "/api/v1/teams", { name: "Mine" });
    expect(denied.statusCode).toBe(403);
    const [team] = (await list()).items;
    expect((await as(ownerToken, "DELETE", `/api/v1/teams/${team!.id}`)).statusCode).toBe(403);
    const events = await t.database.db.select().from(auditEvents).where(eq(auditEvents.outcome, "denied")).orderBy(auditEvents.seq);
    expect(events.map((e) => [e.action, e.actorLabel, e.resourceId])).toEqual([
      ["team.create", "olga.owner@acme.example", null],
      ["team.delete", "olga.owner@acme.example", team!.id],
    ]);
    expect((await list()).items).toHaveLength(3);
  });

  it("renames a team (keeping its slug) and deletes only an empty one", async () => {
    const [data, platform] = (await list()).items;
    const renamed = await as(itToken, "PATCH", `/api/v1/teams/${data!.id}`, { name: "Data & Analytics" });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ slug: "data-team", name: "Data & Analytics" });
    expect((await as(null, "PATCH", `/api/v1/teams/${data!.id}`, { name: "platform engineering" })).statusCode).toBe(409);

    const bot = await as(null, "POST", "/api/v1/bots", {
      name: "deploy-bot",
      owner: ADMIN_EMAIL,
      team: platform!.slug,
      purpose: "Deploys",
      environment: "staging",
      runtimeProfile: {},
    });
    expect(bot.statusCode).toBe(201);
    const busy = await as(null, "DELETE", `/api/v1/teams/${platform!.id}`);
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error.message).toBe("Platform Engineering still has 1 bot; move them to another team first");
    expect((await as(itToken, "DELETE", `/api/v1/teams/${data!.id}`)).statusCode).toBe(204);
    expect((await list()).items.map((x) => x.slug)).toEqual(["platform-engineering", "platform-engineering-eu"]);
    expect((await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "team.delete")).orderBy(auditEvents.seq)).map((e) => [e.outcome, e.resourceId])).toEqual([
      ["denied", expect.any(String)],
      ["success", data!.id],
    ]);
  });

  it("while SCIM provisioning is on, every team is the identity provider's: read-only, with a reason", async () => {
    await setScim(true);
    try {
      expect((await list()).scimEnabled).toBe(true);
      expect((await list()).items.map((x) => x.managedBy)).toEqual(["identity_provider", "identity_provider"]);
      const [platform] = (await list()).items;
      const tries = [
        await as(null, "POST", "/api/v1/teams", { name: "New" }),
        await as(itToken, "PATCH", `/api/v1/teams/${platform!.id}`, { name: "Renamed" }),
        await as(null, "DELETE", `/api/v1/teams/${platform!.id}`),
      ];
      expect(tries.map((r) => r.statusCode)).toEqual([409, 409, 409]);
      for (const r of tries)
        expect(r.json().error.message).toBe(
          "Teams are managed by your identity provider while SCIM provisioning is on; change them there (or turn SCIM provisioning off in Settings)",
        );
      expect((await list()).items.map((x) => x.name)).toEqual(["Platform Engineering", "Platform engineering (EU)"]);
    } finally {
      await setScim(false);
    }
  });

  it("a team SCIM provisioned stays read-only after SCIM is turned off", async () => {
    const [scimTeam] = await t.database.db.insert(teams).values({ slug: "sre", name: "SRE", externalId: "okta-123", source: "scim" }).returning();
    expect((await list()).items.find((x) => x.slug === "sre")!.managedBy).toBe("identity_provider");
    const rename = await as(null, "PATCH", `/api/v1/teams/${scimTeam!.id}`, { name: "Site Reliability" });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.message).toBe("This team was provisioned by your identity provider over SCIM; change it there");
    expect((await as(null, "DELETE", `/api/v1/teams/${scimTeam!.id}`)).statusCode).toBe(409);
    expect((await as(null, "GET", `/api/v1/teams/${scimTeam!.id}`)).json()).toMatchObject({ name: "SRE", managedBy: "identity_provider" });
  });

  it("refuses a secret as a team name, never echoing it", async () => {
    const token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    const res = await as(itToken, "POST", "/api/v1/teams", { name: `Team ${token}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toEqual([{ path: ["name"], code: "looks_like_secret", message: expect.any(String) }]);
    expect(res.body).not.toContain(token);
    expect((await list()).items.filter((team) => team.name.includes("ghp_"))).toEqual([]);
  });
});
