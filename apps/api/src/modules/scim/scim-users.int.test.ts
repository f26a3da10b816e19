import { auditEvents, bots, people, sessions } from "@bridle/db";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenFor } from "../../../test/harness.ts";
import { hashToken } from "../../lib/crypto.ts";
import { ENTERPRISE_URN, LIST_URN, USER_URN, expectScimError, patchOp, scimKit, type ScimKit } from "./scim.testkit.ts";

type User = Record<string, unknown> & { id: string; userName: string; active: boolean; emails: { value: string; type?: string; primary?: boolean }[] };
type List = { schemas: string[]; totalResults: number; startIndex: number; itemsPerPage: number; Resources: User[] };

const newUser = (over: Record<string, unknown> = {}) => ({
  schemas: [USER_URN, ENTERPRISE_URN],
  userName: "ada.lovelace@acme.example",
  externalId: "00u-ada",
  name: { givenName: "Ada", familyName: "Lovelace" },
  displayName: "Ada Lovelace",
  title: "Analyst",
  active: true,
  emails: [
    { value: "Ada.Lovelace@acme.example", type: "work", primary: true },
    { value: "ada@home.example", type: "home" },
  ],
  ...over,
});

describe("SCIM Users", () => {
  let k: ScimKit;
  const q = (filter: string, more = "") => `/Users?filter=${encodeURIComponent(filter)}${more}`;
  const list = async (url: string) => {
    const res = await k.scim({ method: "GET", url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as List;
  };
  beforeAll(async () => {
    k = await scimKit("okta");
  });
  afterAll(() => k.t.close());

  it("serves a person as a SCIM User with groups, manager and meta (absolute location from the request's host)", async () => {
    const daniel = await k.personByEmail("daniel.kim@acme.example");
    const maya = await k.personByEmail("maya.chen@acme.example");
    const res = await k.scim({ method: "GET", url: `/Users/${daniel.id}`, headers: { host: "bridle.acme.example" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/scim+json; charset=utf-8");
    const u = res.json() as User;
    expect(u).toMatchObject({
      schemas: [USER_URN, ENTERPRISE_URN],
      id: daniel.id,
      userName: "daniel.kim@acme.example",
      name: { givenName: "Daniel", familyName: "Kim", formatted: "Daniel Kim" },
      displayName: "Daniel Kim",
      active: true,
      emails: [{ value: "daniel.kim@acme.example", type: "work", primary: true }],
      groups: [{ value: daniel.teamId, display: "Platform Engineering", type: "direct" }],
      [ENTERPRISE_URN]: { manager: { value: maya.id, displayName: "Maya Chen", $ref: `http://bridle.acme.example/scim/v2/Users/${maya.id}` } },
      meta: { resourceType: "User", location: `http://bridle.acme.example/scim/v2/Users/${daniel.id}` },
    });
    const meta = u.meta as { created: string; lastModified: string; version: string };
    expect(Date.parse(meta.created)).not.toBeNaN();
    expect(Date.parse(meta.lastModified)).not.toBeNaN();
    expect(u).not.toHaveProperty("externalId");
    // Deactivated people are still Users (active: false), as Entra ID expects.
    const tomas = await k.personByEmail("tomas.silva@acme.example");
    expect(((await k.scim({ method: "GET", url: `/Users/${tomas.id}` })).json() as User).active).toBe(false);
  });

  it("answers 404 in the SCIM error shape for unknown ids, and hides the local bootstrap admin", async () => {
    expectScimError(await k.scim({ method: "GET", url: "/Users/2819c223-7f76-453a-919d-413861904646" }), 404);
    expectScimError(await k.scim({ method: "GET", url: "/Users/not-a-uuid" }), 404);
    const admin = await k.personByEmail("admin@acme.example");
    expectScimError(await k.scim({ method: "GET", url: `/Users/${admin.id}` }), 404);
    expect((await list(q('userName eq "admin@acme.example"'))).totalResults).toBe(0);
    expectScimError(await k.scim({ method: "PATCH", url: "/Users/2819c223-7f76-453a-919d-413861904646", body: patchOp({ op: "replace", path: "title", value: "x" }) }), 404);
    expectScimError(await k.scim({ method: "PUT", url: "/Users/2819c223-7f76-453a-919d-413861904646", body: newUser() }), 404);
    expectScimError(await k.scim({ method: "DELETE", url: "/Users/2819c223-7f76-453a-919d-413861904646" }), 404);
  });

  it("creates a User that round-trips its attributes, with source scim, in one audited transaction", async () => {
    const maya = await k.personByEmail("maya.chen@acme.example");
    const res = await k.scim({ method: "POST", url: "/Users", body: newUser({ [ENTERPRISE_URN]: { department: "Research", manager: { value: maya.id } } }) });
    expect(res.statusCode, res.body).toBe(201);
    const u = res.json() as User;
    expect(res.headers.location).toBe(`http://localhost:80/scim/v2/Users/${u.id}`);
    expect(u).toMatchObject({
      userName: "ada.lovelace@acme.example",
      externalId: "00u-ada",
      name: { givenName: "Ada", familyName: "Lovelace" },
      displayName: "Ada Lovelace",
      title: "Analyst",
      active: true,
      emails: newUser().emails,
      groups: [],
      [ENTERPRISE_URN]: { department: "Research", manager: { value: maya.id } },
    });
    expect((await k.scim({ method: "GET", url: `/Users/${u.id}` })).json()).toEqual(u);
    const row = await k.personByEmail("ada.lovelace@acme.example");
    expect(row).toMatchObject({ id: u.id, source: "scim", status: "active", email: "ada.lovelace@acme.example", managerId: maya.id, department: "Research", roles: [] });
    const audit = await k.audit("person.create", u.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "token", actorId: k.tokenId, actorLabel: "scim:okta", outcome: "success" });
  });

  it("answers 409 uniqueness for a taken userName (case-insensitively) or email, creating nothing", async () => {
    const before = await k.t.database.db.select({ id: people.id }).from(people);
    const dup = expectScimError(await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "ADA.LOVELACE@ACME.EXAMPLE" }) }), 409, "uniqueness");
    expect(dup.detail).toMatch(/userName/);
    const seeded = await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "Daniel.Kim@acme.example", emails: [] }) });
    expectScimError(seeded, 409, "uniqueness");
    const email = expectScimError(
      await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "dkim", emails: [{ value: "daniel.kim@ACME.example", primary: true }] }) }),
      409,
      "uniqueness",
    );
    expect(email.detail).toMatch(/email/);
    expect(await k.t.database.db.select({ id: people.id }).from(people)).toHaveLength(before.length);
  });

  it("refuses invalid Users with 400 in the SCIM error shape", async () => {
    expectScimError(await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: undefined }) }), 400, "invalidValue");
    expectScimError(await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: 42 }) }), 400, "invalidValue");
    expectScimError(await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "grace", emails: [] }) }), 400, "invalidValue");
    expectScimError(await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "x@acme.example", emails: [{ value: "not an email" }] }) }), 400, "invalidValue");
    expectScimError(await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "y@acme.example", active: "maybe" }) }), 400, "invalidValue");
    expectScimError(
      await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "z@acme.example", [ENTERPRISE_URN]: { manager: { value: "2819c223-7f76-453a-919d-413861904646" } } }) }),
      400,
      "invalidValue",
    );
    const badJson = await k.t.app.inject({ method: "POST", url: "/scim/v2/Users", payload: "{", headers: { authorization: `Bearer ${k.token}`, "content-type": "application/scim+json" } });
    expectScimError(badJson, 400, "invalidSyntax");
    const text = await k.t.app.inject({ method: "POST", url: "/scim/v2/Users", payload: "x", headers: { authorization: `Bearer ${k.token}`, "content-type": "text/plain" } });
    expectScimError(text, 415);
    expectScimError(await k.scim({ method: "GET", url: "/Nope" }), 404);
    expectScimError(await k.scim({ method: "DELETE", url: "/ServiceProviderConfig" }), 404);
  });

  it("accepts application/json as well, and attribute names in any case", async () => {
    const res = await k.t.app.inject({
      method: "POST",
      url: "/scim/v2/Users",
      headers: { authorization: `Bearer ${k.token}`, "content-type": "application/json; charset=utf-8" },
      payload: { SCHEMAS: [USER_URN], USERNAME: "grace.hopper@acme.example", Name: { GivenName: "Grace", FamilyName: "Hopper" }, Active: "True" },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ userName: "grace.hopper@acme.example", displayName: "Grace Hopper", active: true, name: { givenName: "Grace" } });
  });

  it("filters with every operator, case-insensitively where the schema says so, and answers an empty list when nothing matches", async () => {
    const names = async (filter: string) => (await list(q(filter, "&count=200"))).Resources.map((u) => u.userName).sort();
    expect(await names('userName eq "DANIEL.KIM@ACME.EXAMPLE"')).toEqual(["daniel.kim@acme.example"]);
    expect(await names('UserName Eq "daniel.kim@acme.example"')).toEqual(["daniel.kim@acme.example"]);
    expect(await names('externalId eq "00u-ada"')).toEqual(["ada.lovelace@acme.example"]);
    expect(await names('externalId eq "00U-ADA"')).toEqual([]);
    expect(await names('userName sw "da"')).toEqual(["daniel.kim@acme.example"]);
    expect(await names('displayName co "lovelace" or userName ew "hopper@acme.example"')).toEqual(["ada.lovelace@acme.example", "grace.hopper@acme.example"]);
    expect(await names('title pr and active eq true')).toEqual(["ada.lovelace@acme.example"]);
    expect(await names('emails[type eq "home" and value co "HOME.example"]')).toEqual(["ada.lovelace@acme.example"]);
    expect(await names('emails[type eq "work"].value eq "Ada.Lovelace@acme.example"')).toEqual(["ada.lovelace@acme.example"]);
    expect(await names(`${ENTERPRISE_URN}:department eq "research"`)).toEqual(["ada.lovelace@acme.example"]);
    expect(await names('active eq false')).toEqual(["marcus.johnson@acme.example", "tomas.silva@acme.example"]);
    expect(await names('not (active eq true) and userName sw "t"')).toEqual(["tomas.silva@acme.example"]);
    const ada = await k.personByEmail("ada.lovelace@acme.example");
    expect(await names(`meta.created ge "${new Date(ada.createdAt.getTime() - 1).toISOString()}" and meta.created lt "2999-01-01T00:00:00Z"`)).toEqual([
      "ada.lovelace@acme.example",
      "grace.hopper@acme.example",
    ]);
    const none = await list(q('userName eq "nobody@acme.example"'));
    expect(none).toEqual({ schemas: [LIST_URN], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    expectScimError(await k.scim({ method: "GET", url: q('userName eq "x" and') }), 400, "invalidFilter");
    expectScimError(await k.scim({ method: "GET", url: q("userName xx 1") }), 400, "invalidFilter");
  });

  it("pages with startIndex and count as numbers, in a stable order; count=0 answers the total only", async () => {
    const all = await list("/Users?count=200");
    expect(all.totalResults).toBe(32); // 30 demo people + Ada + Grace; not the bootstrap admin
    const seen: string[] = [];
    for (let start = 1; start <= all.totalResults; start += 7) {
      const page = await list(`/Users?startIndex=${start}&count=7`);
      expect(page).toMatchObject({ totalResults: 32, startIndex: start });
      expect(page.itemsPerPage).toBe(page.Resources.length);
      seen.push(...page.Resources.map((u) => u.id));
    }
    expect(seen).toEqual(all.Resources.map((u) => u.id));
    expect(await list("/Users?count=0")).toEqual({ schemas: [LIST_URN], totalResults: 32, startIndex: 1, itemsPerPage: 0, Resources: [] });
    expect((await list(q("active eq true", "&count=0"))).totalResults).toBe(30);
    expect((await list(q("active eq true", "&startIndex=29&count=5"))).Resources).toHaveLength(2);
    expect((await list("/Users?startIndex=0&count=-1")).itemsPerPage).toBe(0);
    expect((await list("/Users?count=1000")).itemsPerPage).toBe(32);
    expectScimError(await k.scim({ method: "GET", url: "/Users?count=lots" }), 400, "invalidValue");
  });

  it("returns only the attributes asked for, or all but the excluded ones", async () => {
    const some = await list(q('userName eq "ada.lovelace@acme.example"', `&attributes=userName,name.familyName,${ENTERPRISE_URN}:department`));
    expect(Object.keys(some.Resources[0]!).sort()).toEqual(["id", "name", "schemas", "userName", ENTERPRISE_URN].sort());
    expect(some.Resources[0]).toMatchObject({ name: { familyName: "Lovelace" }, [ENTERPRISE_URN]: { department: "Research" } });
    const ada = await k.personByEmail("ada.lovelace@acme.example");
    const res = await k.scim({ method: "GET", url: `/Users/${ada.id}?excludedAttributes=emails,groups,meta,id` });
    const u = res.json() as User;
    expect(u.id).toBe(ada.id);
    expect(u).not.toHaveProperty("emails");
    expect(u).not.toHaveProperty("groups");
    expect(u).not.toHaveProperty("meta");
    expect(u.userName).toBe("ada.lovelace@acme.example");
  });

  it("replaces a User with PUT: attributes sent replace, null clears, omitted ones are kept", async () => {
    const ada = await k.personByEmail("ada.lovelace@acme.example");
    const res = await k.scim({
      method: "PUT",
      url: `/Users/${ada.id}`,
      body: { schemas: [USER_URN], id: ada.id, userName: "ada.king@acme.example", name: { givenName: "Ada", familyName: "King" }, title: null, emails: [{ value: "ada.king@acme.example", primary: true, type: "work" }], groups: [], password: "ignored" },
    });
    expect(res.statusCode, res.body).toBe(200);
    const u = res.json() as User;
    expect(u).toMatchObject({ id: ada.id, userName: "ada.king@acme.example", name: { familyName: "King" }, displayName: "Ada Lovelace", externalId: "00u-ada", [ENTERPRISE_URN]: { department: "Research" } });
    expect(u).not.toHaveProperty("title");
    const row = await k.personByEmail("ada.king@acme.example");
    expect(row).toMatchObject({ id: ada.id, userName: "ada.king@acme.example", title: null, passwordHash: null });
    const update = (await k.audit("person.update", ada.id))[0]!.details as { changes: Record<string, { before: unknown; after: unknown }> };
    expect(Object.keys(update.changes)).toEqual(expect.arrayContaining(["userName", "email", "familyName", "title", "emails"]));
    expect(update.changes.userName).toEqual({ before: "ada.lovelace@acme.example", after: "ada.king@acme.example" });
    expectScimError(await k.scim({ method: "PUT", url: `/Users/${ada.id}`, body: { schemas: [USER_URN], userName: "daniel.kim@acme.example" } }), 409, "uniqueness");
    expectScimError(await k.scim({ method: "PUT", url: `/Users/${ada.id}`, body: { schemas: [USER_URN], name: { givenName: "A" } } }), 400, "invalidValue");
  });

  it("patches a User and ignores attributes Bridle does not store; a failing PATCH changes nothing", async () => {
    const ada = await k.personByEmail("ada.king@acme.example");
    const lucas = await k.personByEmail("lucas.meyer@acme.example");
    const res = await k.scim({
      method: "PATCH",
      url: `/Users/${ada.id}`,
      body: patchOp(
        { op: "Replace", path: "title", value: "Countess" },
        { op: "Add", path: "nickName", value: "Babs" },
        { op: "add", path: "phoneNumbers", value: [{ value: "555", type: "work" }] },
        { op: "Replace", path: `${ENTERPRISE_URN}:employeeNumber`, value: "1815" },
        { op: "replace", path: `${ENTERPRISE_URN}:manager`, value: lucas.id },
        { op: "remove", path: `${ENTERPRISE_URN}:department` },
      ),
    });
    expect(res.statusCode, res.body).toBe(200);
    const u = res.json() as User;
    expect(u).toMatchObject({ title: "Countess", [ENTERPRISE_URN]: { manager: { value: lucas.id, displayName: "Lucas Meyer" } } });
    expect(u).not.toHaveProperty("nickName");
    expect(u).not.toHaveProperty("phoneNumbers");
    expect(await k.personByEmail("ada.king@acme.example")).toMatchObject({ title: "Countess", managerId: lucas.id, department: null });

    const failing = await k.scim({
      method: "PATCH",
      url: `/Users/${ada.id}`,
      body: patchOp({ op: "replace", path: "title", value: "Never" }, { op: "replace", path: "manager", value: "2819c223-7f76-453a-919d-413861904646" }),
    });
    expectScimError(failing, 400, "invalidValue");
    expectScimError(await k.scim({ method: "PATCH", url: `/Users/${ada.id}`, body: patchOp({ op: "replace", path: "manager", value: ada.id }) }), 400, "invalidValue");
    expectScimError(await k.scim({ method: "PATCH", url: `/Users/${ada.id}`, body: patchOp({ op: "replace", path: "userName", value: "DANIEL.kim@acme.example" }) }), 409, "uniqueness");
    expectScimError(await k.scim({ method: "PATCH", url: `/Users/${ada.id}`, body: patchOp({ op: "remove", path: "userName" }) }), 400, "invalidValue");
    expectScimError(await k.scim({ method: "PATCH", url: `/Users/${ada.id}`, body: { Operations: "nope" } }), 400, "invalidSyntax");
    expect((await k.personByEmail("ada.king@acme.example")).title).toBe("Countess");
  });

  it("deprovisions on active=false: sessions end, API tokens stop working, each owned bot gets an owner_deprovisioned event; nothing about the bots is deleted", async () => {
    const daniel = await k.personByEmail("daniel.kim@acme.example");
    const apiToken = await tokenFor(k.t.database, "daniel.kim@acme.example");
    const as = { authorization: `Bearer ${apiToken}` };
    expect((await k.t.app.inject({ method: "GET", url: "/api/v1/me", headers: as })).statusCode).toBe(200);
    const [session] = await k.t.database.db
      .insert(sessions)
      .values({ tokenHash: hashToken("daniel-session"), personId: daniel.id, csrfToken: "c", expiresAt: new Date(Date.now() + 3_600_000) })
      .returning();
    const owned = await k.t.database.db.select({ id: bots.id, status: bots.status }).from(bots).where(eq(bots.ownerId, daniel.id));
    const live = owned.filter((b) => b.status !== "offboarded").map((b) => b.id);
    expect(live.length).toBeGreaterThan(0);

    const res = await k.scim({ method: "PATCH", url: `/Users/${daniel.id}`, body: patchOp({ op: "replace", value: { active: false } }) });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as User).active).toBe(false);

    expect((await k.personByEmail("daniel.kim@acme.example")).status).toBe("deactivated");
    expect((await k.t.app.inject({ method: "GET", url: "/api/v1/me", headers: as })).statusCode).toBe(401);
    expect((await k.t.database.db.select().from(sessions).where(eq(sessions.id, session!.id)))[0]!.revokedAt).not.toBeNull();
    expect(await k.deprovisionedBots(daniel.id)).toEqual([...live].sort());
    const after = await k.t.database.db.select({ id: bots.id, ownerId: bots.ownerId, findingKinds: bots.findingKinds }).from(bots).where(inArray(bots.id, live));
    expect(after).toHaveLength(live.length);
    for (const b of after) {
      expect(b.ownerId).toBe(daniel.id);
      expect(b.findingKinds).toContain("orphaned");
    }
    const audit = await k.audit("person.deactivate", daniel.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: "token", actorId: k.tokenId, actorLabel: "scim:okta" });

    // Deactivating again is a no-op; active=true reactivates.
    expect((await k.scim({ method: "PATCH", url: `/Users/${daniel.id}`, body: patchOp({ op: "replace", path: "active", value: false }) })).statusCode).toBe(200);
    expect(await k.audit("person.deactivate", daniel.id)).toHaveLength(1);
    const back = await k.scim({ method: "PATCH", url: `/Users/${daniel.id}`, body: patchOp({ op: "replace", path: "active", value: true }) });
    expect((back.json() as User).active).toBe(true);
    expect((await k.personByEmail("daniel.kim@acme.example")).status).toBe("active");
    expect(await k.audit("person.reactivate", daniel.id)).toHaveLength(1);
    const healed = await k.t.database.db.select({ findingKinds: bots.findingKinds }).from(bots).where(inArray(bots.id, live));
    for (const b of healed) expect(b.findingKinds).not.toContain("orphaned");
  });

  it("deletes a User: deprovisioned, kept as the owner of record, 404 from then on; creating it again revives the person", async () => {
    const hana = await k.personByEmail("hana.sato@acme.example");
    const owned = await k.botIdsOwnedBy(hana.id);
    expect(owned.length).toBeGreaterThan(0);
    const res = await k.scim({ method: "DELETE", url: `/Users/${hana.id}`, headers: { "content-type": "application/scim+json" } });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe("");
    expectScimError(await k.scim({ method: "GET", url: `/Users/${hana.id}` }), 404);
    expectScimError(await k.scim({ method: "DELETE", url: `/Users/${hana.id}` }), 404);
    expectScimError(await k.scim({ method: "PATCH", url: `/Users/${hana.id}`, body: patchOp({ op: "replace", path: "active", value: true }) }), 404);
    expect((await list(q('userName eq "hana.sato@acme.example"'))).totalResults).toBe(0);
    const row = await k.personByEmail("hana.sato@acme.example");
    expect(row.status).toBe("deactivated");
    expect(await k.botIdsOwnedBy(hana.id)).toEqual(owned);
    expect(await k.teamIdsOf(hana.id)).toEqual([]);
    expect((await k.deprovisionedBots(hana.id)).length).toBeGreaterThan(0);
    expect(await k.audit("person.delete", hana.id)).toHaveLength(1);
    expect(await k.audit("person.deactivate", hana.id)).toHaveLength(1);

    const again = await k.scim({ method: "POST", url: "/Users", body: newUser({ userName: "hana.sato@acme.example", externalId: "00u-hana", emails: [], name: { givenName: "Hana", familyName: "Sato" } }) });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ id: hana.id, userName: "hana.sato@acme.example", active: true, externalId: "00u-hana" });
    expect((await k.audit("person.create", hana.id))[0]!.details).toMatchObject({ revived: true });
    expect(await k.botIdsOwnedBy(hana.id)).toEqual(owned);
  });

  it("writes one audit event per change, never for a no-op", async () => {
    const events = async (id: string) => k.t.database.db.select().from(auditEvents).where(eq(auditEvents.resourceId, id));
    for (const email of ["grace.hopper@acme.example", "ada.king@acme.example"]) {
      const p = await k.personByEmail(email);
      const before = await events(p.id);
      const same = await k.scim({ method: "PATCH", url: `/Users/${p.id}`, body: patchOp({ op: "replace", value: { displayName: p.displayName, active: true } }) });
      expect(same.statusCode).toBe(200);
      const current = (await k.scim({ method: "GET", url: `/Users/${p.id}` })).json() as User;
      expect((await k.scim({ method: "PUT", url: `/Users/${p.id}`, body: current })).statusCode).toBe(200);
      expect(await events(p.id), email).toHaveLength(before.length);
    }
    const grace = await k.personByEmail("grace.hopper@acme.example");
    await k.scim({ method: "PATCH", url: `/Users/${grace.id}`, body: patchOp({ op: "add", path: "title", value: "Rear Admiral" }) });
    expect(await k.audit("person.update", grace.id)).toHaveLength(1);
  });
});
