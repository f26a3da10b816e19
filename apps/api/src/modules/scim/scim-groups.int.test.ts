import { bots, teams } from "@bridle/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GROUP_URN, USER_URN, expectScimError, patchOp, scimKit, teamIdBySlug, type ScimKit } from "./scim.testkit.ts";

type Group = { id: string; displayName: string; externalId?: string; members?: { value: string; display: string; $ref: string; type: string }[]; meta: { resourceType: string; location: string } };
type List = { totalResults: number; itemsPerPage: number; Resources: Group[] };

describe("SCIM Groups (Bridle teams)", () => {
  let k: ScimKit;
  let ada: string; // a SCIM User with no team
  let bea: string; // another
  const team = async (id: string) => (await k.t.database.db.select().from(teams).where(eq(teams.id, id)))[0];
  const list = async (url: string) => {
    const res = await k.scim({ method: "GET", url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as List;
  };
  const q = (filter: string, more = "") => `/Groups?filter=${encodeURIComponent(filter)}${more}`;
  const memberIds = async (id: string) => (((await k.scim({ method: "GET", url: `/Groups/${id}` })).json() as Group).members ?? []).map((m) => m.value).sort();
  const createUser = async (userName: string) => {
    const res = await k.scim({ method: "POST", url: "/Users", body: { schemas: [USER_URN], userName, emails: [{ value: userName, primary: true }] } });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };
  beforeAll(async () => {
    k = await scimKit("entra");
    ada = await createUser("ada@acme.example");
    bea = await createUser("bea@acme.example");
  });
  afterAll(() => k.t.close());

  it("serves teams as Groups with their members, and leaves members out when asked", async () => {
    const all = await list("/Groups");
    expect(all.totalResults).toBe(5);
    const platform = all.Resources.find((g) => g.displayName === "Platform Engineering")!;
    const daniel = await k.personByEmail("daniel.kim@acme.example");
    expect(platform).toMatchObject({ schemas: [GROUP_URN], id: await teamIdBySlug(k.t, "platform"), meta: { resourceType: "Group" } });
    expect(platform.members).toContainEqual({ value: daniel.id, display: "Daniel Kim", type: "User", $ref: `http://localhost:80/scim/v2/Users/${daniel.id}` });
    const bare = await k.scim({ method: "GET", url: `/Groups/${platform.id}?excludedAttributes=members` });
    expect(bare.json()).not.toHaveProperty("members");
    const withoutMembers = (await list("/Groups?excludedAttributes=members")).Resources;
    expect(withoutMembers).toHaveLength(5);
    expect(withoutMembers.filter((g) => g.members !== undefined)).toEqual([]);
    expectScimError(await k.scim({ method: "GET", url: "/Groups/4b0ef7a4-0000-4000-8000-000000000000" }), 404);
  });

  it("filters by displayName (case-insensitively), externalId and members", async () => {
    expect((await list(q('displayName eq "platform ENGINEERING"', "&excludedAttributes=members"))).Resources.map((g) => g.displayName)).toEqual(["Platform Engineering"]);
    const daniel = await k.personByEmail("daniel.kim@acme.example");
    expect((await list(q(`members[value eq "${daniel.id}"]`))).Resources.map((g) => g.displayName)).toEqual(["Platform Engineering"]);
    expect((await list(q(`members eq "${daniel.id}"`, "&attributes=displayName"))).Resources).toEqual([
      { schemas: [GROUP_URN], id: await teamIdBySlug(k.t, "platform"), displayName: "Platform Engineering" },
    ]);
    expect((await list(q('displayName eq "Nobody"'))).totalResults).toBe(0);
    expect((await list(q('displayName sw "s"'))).Resources.map((g) => g.displayName).sort()).toEqual(["Sales"]);
  });

  it("creates a Group as a team with a unique slug from its displayName, members joined, and a primary team for those without one", async () => {
    const res = await k.scim({
      method: "POST",
      url: "/Groups",
      body: { schemas: [GROUP_URN], externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", displayName: "Équipe Données & IA", members: [{ value: ada }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const g = res.json() as Group;
    expect(res.headers.location).toBe(g.meta.location);
    expect(g).toMatchObject({ displayName: "Équipe Données & IA", externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", members: [{ value: ada, display: "ada@acme.example" }] });
    expect(await team(g.id)).toMatchObject({ slug: "equipe-donnees-ia", source: "scim", externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159" });
    expect((await k.personByEmail("ada@acme.example")).teamId).toBe(g.id);
    expect((await k.audit("team.create", g.id))[0]).toMatchObject({ actorLabel: "scim:entra", details: { slug: "equipe-donnees-ia", members: 1 } });

    const other = await k.scim({ method: "POST", url: "/Groups", body: { schemas: [GROUP_URN], displayName: "Équipe données IA" } });
    expect(other.statusCode).toBe(201);
    expect((await team((other.json() as Group).id))!.slug).toBe("equipe-donnees-ia-2");
  });

  it("refuses a duplicate displayName (409 uniqueness), a missing one, and unknown members (400), writing nothing", async () => {
    expectScimError(await k.scim({ method: "POST", url: "/Groups", body: { schemas: [GROUP_URN], displayName: "SALES" } }), 409, "uniqueness");
    expectScimError(await k.scim({ method: "POST", url: "/Groups", body: { schemas: [GROUP_URN], members: [] } }), 400, "invalidValue");
    expectScimError(
      await k.scim({ method: "POST", url: "/Groups", body: { schemas: [GROUP_URN], displayName: "Ghosts", members: [{ value: "2819c223-7f76-453a-919d-413861904646" }] } }),
      400,
      "invalidValue",
    );
    expect((await list(q('displayName eq "Ghosts"'))).totalResults).toBe(0);
  });

  it("patches membership: add, remove by filter (Okta), remove listed values (Entra ID), replace; answers 204", async () => {
    const id = (await list(q('displayName eq "Équipe Données & IA"'))).Resources[0]!.id;
    const daniel = (await k.personByEmail("daniel.kim@acme.example")).id;
    const add = await k.scim({ method: "PATCH", url: `/Groups/${id}`, body: patchOp({ op: "Add", path: "members", value: [{ $ref: null, value: bea }, { value: daniel }] }) });
    expect(add.statusCode, add.body).toBe(204);
    expect(add.body).toBe("");
    expect(await memberIds(id)).toEqual([ada, bea, daniel].sort());
    // daniel keeps Platform as his primary team; bea had none and gets this one.
    expect((await k.personByEmail("daniel.kim@acme.example")).teamId).toBe(await teamIdBySlug(k.t, "platform"));
    expect((await k.personByEmail("bea@acme.example")).teamId).toBe(id);

    expect((await k.scim({ method: "PATCH", url: `/Groups/${id}`, body: patchOp({ op: "remove", path: `members[value eq "${daniel}"]` }) })).statusCode).toBe(204);
    expect(await memberIds(id)).toEqual([ada, bea].sort());
    expect(await k.teamIdsOf(daniel)).toEqual([await teamIdBySlug(k.t, "platform")]);

    expect((await k.scim({ method: "PATCH", url: `/Groups/${id}`, body: patchOp({ op: "Remove", path: "members", value: [{ value: ada }] }) })).statusCode).toBe(204);
    expect(await memberIds(id)).toEqual([bea]);
    expect((await k.personByEmail("ada@acme.example")).teamId).toBeNull();

    expect((await k.scim({ method: "PATCH", url: `/Groups/${id}`, body: patchOp({ op: "replace", path: "members", value: [{ value: ada }, { value: daniel }] }) })).statusCode).toBe(204);
    expect(await memberIds(id)).toEqual([ada, daniel].sort());
    expect((await k.personByEmail("bea@acme.example")).teamId).toBeNull();

    const updates = await k.audit("team.update", id);
    expect(updates).toHaveLength(4);
    expect(updates.at(-1)!.details).toMatchObject({ membersAdded: [ada, daniel], membersRemoved: [bea] });
    expectScimError(await k.scim({ method: "PATCH", url: `/Groups/${id}`, body: patchOp({ op: "add", path: "members", value: [{ value: "nobody" }] }) }), 400, "invalidValue");
    expect(await memberIds(id)).toEqual([ada, daniel].sort());
  });

  it("renames a Group (the slug stays), refusing a name that is taken; answers the Group when attributes are asked for", async () => {
    const id = (await list(q('displayName eq "Équipe Données & IA"'))).Resources[0]!.id;
    const res = await k.scim({ method: "PATCH", url: `/Groups/${id}?excludedAttributes=members`, body: patchOp({ op: "replace", value: { id, displayName: "Data & AI" } }) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, displayName: "Data & AI" });
    expect(res.json()).not.toHaveProperty("members");
    expect(await team(id)).toMatchObject({ name: "Data & AI", slug: "equipe-donnees-ia" });
    expectScimError(await k.scim({ method: "PATCH", url: `/Groups/${id}`, body: patchOp({ op: "Replace", path: "displayName", value: "sales" }) }), 409, "uniqueness");
    expectScimError(await k.scim({ method: "PATCH", url: "/Groups/4b0ef7a4-0000-4000-8000-000000000000", body: patchOp({ op: "Replace", path: "displayName", value: "x" }) }), 404);
  });

  it("replaces a Group with PUT", async () => {
    const id = (await list(q('displayName eq "Data & AI"'))).Resources[0]!.id;
    const res = await k.scim({ method: "PUT", url: `/Groups/${id}`, body: { schemas: [GROUP_URN], displayName: "Data and AI", externalId: "ext-2", members: [{ value: bea }] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ displayName: "Data and AI", externalId: "ext-2", members: [{ value: bea }] });
    const kept = await k.scim({ method: "PUT", url: `/Groups/${id}`, body: { schemas: [GROUP_URN], displayName: "Data and AI" } });
    expect((kept.json() as Group).members!.map((m) => m.value)).toEqual([bea]);
    expect(kept.json()).not.toHaveProperty("externalId");
  });

  it("deletes a team without bots; a team with bots is emptied and hidden, and comes back when created again", async () => {
    const id = (await list(q('displayName eq "Data and AI"'))).Resources[0]!.id;
    expect((await k.scim({ method: "DELETE", url: `/Groups/${id}` })).statusCode).toBe(204);
    expectScimError(await k.scim({ method: "GET", url: `/Groups/${id}` }), 404);
    expect(await team(id)).toBeUndefined();
    expect((await k.personByEmail("bea@acme.example")).teamId).toBeNull();

    const support = await teamIdBySlug(k.t, "support");
    const supportBots = await k.t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.teamId, support));
    expect(supportBots.length).toBeGreaterThan(0);
    expect((await k.scim({ method: "DELETE", url: `/Groups/${support}` })).statusCode).toBe(204);
    expectScimError(await k.scim({ method: "GET", url: `/Groups/${support}` }), 404);
    expectScimError(await k.scim({ method: "DELETE", url: `/Groups/${support}` }), 404);
    expect(await team(support)).toMatchObject({ source: "scim-deleted" });
    expect(await k.t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.teamId, support))).toEqual(supportBots);
    expect(await k.teamIdsOf((await k.personByEmail("carmen.diaz@acme.example")).id)).toEqual([]);
    expect((await k.audit("team.delete", support))[0]!.details).toMatchObject({ kept: "bots still belong to the team" });

    const back = await k.scim({ method: "POST", url: "/Groups", body: { schemas: [GROUP_URN], displayName: "Customer Support", members: [] } });
    expect(back.statusCode, back.body).toBe(201);
    expect((back.json() as Group).id).toBe(support);
    expect(await team(support)).toMatchObject({ source: "scim", slug: "support" });
  });
});
