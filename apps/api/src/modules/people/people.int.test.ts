import { auditEvents } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Person = { id: string; email: string; status: string; roles: string[]; botsOwned: number; manager: { email: string } | null };

describe("people and teams", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  it("lists people with status, roles, team, manager and bots owned, filtered", async () => {
    const all = (await t.api({ method: "GET", url: "/api/v1/people?limit=200" })).json().items as Person[];
    expect(all.length).toBe(31); // 30 demo people + the bootstrap admin
    const daniel = all.find((p) => p.email === "daniel.kim@acme.example")!;
    expect(daniel.manager?.email).toBe("maya.chen@acme.example");
    expect(daniel.botsOwned).toBeGreaterThan(0);
    const left = (await t.api({ method: "GET", url: "/api/v1/people?status=deactivated" })).json().items as Person[];
    expect(left.map((p) => p.email).sort()).toEqual(["marcus.johnson@acme.example", "tomas.silva@acme.example"]);
    const security = (await t.api({ method: "GET", url: "/api/v1/people?role=security" })).json().items as Person[];
    expect(security.map((p) => p.email).sort()).toEqual(["omar.haddad@acme.example", "priya.nair@acme.example"]);
    expect(security.filter((p) => !p.roles.includes("security"))).toEqual([]);
    const support = (await t.api({ method: "GET", url: "/api/v1/people?team=support&limit=100" })).json().items as Person[];
    expect(support.length).toBe(6);
  });

  it("shows a person's teams and bots, and a team's members", async () => {
    const daniel = ((await t.api({ method: "GET", url: "/api/v1/people?q=daniel.kim" })).json().items as Person[])[0]!;
    const detail = (await t.api({ method: "GET", url: `/api/v1/people/${daniel.id}` })).json();
    expect(detail.teams.map((x: { slug: string }) => x.slug)).toEqual(["platform"]);
    expect(detail.bots.map((b: { name: string }) => b.name)).toContain("acme-changelog-bot");
    const teamId = detail.teams[0].id;
    const team = (await t.api({ method: "GET", url: `/api/v1/teams/${teamId}` })).json();
    expect(team.members.map((m: { email: string }) => m.email)).toContain("daniel.kim@acme.example");
    expect((await t.api({ method: "GET", url: "/api/v1/people/00000000-0000-4000-8000-000000000000" })).statusCode).toBe(404);
  });

  it("gives people without people.read_all the directory only, and only their own details", async () => {
    const owner = await tokenFor(t.database, "daniel.kim@acme.example");
    const as = { authorization: `Bearer ${owner}` };
    const list = (await t.app.inject({ method: "GET", url: "/api/v1/people?q=omar", headers: as })).json().items as Person[];
    expect(list[0]).toMatchObject({ email: "omar.haddad@acme.example", roles: [], manager: null, botsOwned: 0 });
    const me = ((await t.app.inject({ method: "GET", url: "/api/v1/people?q=daniel.kim", headers: as })).json().items as Person[])[0]!;
    expect((await t.app.inject({ method: "GET", url: `/api/v1/people/${me.id}`, headers: as })).statusCode).toBe(200);
    const omarId = ((await t.api({ method: "GET", url: "/api/v1/people?q=omar" })).json().items as Person[])[0]!.id;
    const other = await t.app.inject({ method: "GET", url: `/api/v1/people/${omarId}`, headers: as });
    expect(other.statusCode).toBe(403);
    const full = (await t.api({ method: "GET", url: `/api/v1/people?q=omar` })).json().items as Person[];
    expect(full[0]!.roles).toEqual(["security"]);
  });

  it("lets an admin change roles, refuses others (audited), and keeps the bootstrap admin an admin", async () => {
    const daniel = ((await t.api({ method: "GET", url: "/api/v1/people?q=daniel.kim" })).json().items as Person[])[0]!;
    const ok = await t.api({ method: "PATCH", url: `/api/v1/people/${daniel.id}`, payload: { roles: ["auditor"] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().roles).toEqual(["auditor"]);
    const danielToken = await tokenFor(t.database, "daniel.kim@acme.example");
    const me = (await t.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${danielToken}` } })).json();
    expect(me.permissions).toContain("bots.read_all");
    const it_ = await tokenFor(t.database, "sam.taylor@acme.example");
    const denied = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${daniel.id}`,
      headers: { authorization: `Bearer ${it_}` },
      payload: { roles: ["admin"] },
    });
    expect(denied.statusCode).toBe(403);
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "person.update"), eq(auditEvents.outcome, "denied")));
    expect(audit).toHaveLength(1);
    const admin = ((await t.api({ method: "GET", url: "/api/v1/people?q=admin@acme" })).json().items as Person[])[0]!;
    expect((await t.api({ method: "PATCH", url: `/api/v1/people/${admin.id}`, payload: { roles: [] } })).statusCode).toBe(400);
  });
});
