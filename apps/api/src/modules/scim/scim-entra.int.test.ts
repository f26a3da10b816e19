import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenFor } from "../../../test/harness.ts";
import { ENTERPRISE_URN, ERROR_URN, GROUP_URN, LIST_URN, PATCH_URN, USER_URN, scimKit, type ScimKit } from "./scim.testkit.ts";

/**
 * Replays the requests Microsoft Entra ID sends, in order, then reads the resulting state:
 *  - "Tutorial: Develop and plan provisioning for a SCIM endpoint" (learn.microsoft.com,
 *    use-scim-to-provision-users-and-groups): its User and Group operations and schema discovery;
 *  - "Known issues and resolutions with SCIM 2.0 protocol compliance" (application-provisioning-
 *    config-problem-scim-compatibility): the PATCH bodies sent by default and with the
 *    `aadOptscim062020` flag (string booleans, `Add`, replace without path, member removal).
 * Entra ID sends `application/scim+json` and operation names capitalized.
 */

type Json = Record<string, unknown> & { id: string };
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_URN], Operations });

describe("Microsoft Entra ID", () => {
  let k: ScimKit;
  const entra = async (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, body?: unknown) => {
    const res = await k.scim({ method, url, ...(body === undefined ? {} : { body }) });
    return { status: res.statusCode, body: res.body ? (res.json() as Json) : null, type: res.headers["content-type"] };
  };
  const filter = (f: string) => encodeURIComponent(f);
  beforeAll(async () => {
    k = await scimKit("entra id");
  });
  afterAll(() => k.t.close());

  it("passes Test Connection: a random matching value finds nothing, a random id is a 404", async () => {
    const byName = await entra("GET", `/Users?filter=${filter('userName eq "7c3b6c1e-45e1-4d86-8d6e-6a5a3f7c7b43"')}`);
    expect(byName).toMatchObject({ status: 200, body: { schemas: [LIST_URN], totalResults: 0, Resources: [] } });
    expect(byName.type).toMatch(/^application\/scim\+json/);
    const byId = await entra("GET", "/Users/5171a35d82074e068ce2");
    expect(byId).toMatchObject({ status: 404, body: { schemas: [ERROR_URN], status: "404" } });
    const group = await entra("GET", `/Groups?excludedAttributes=members&filter=${filter('displayName eq "c9b1d6a0-5d5e-4ab4-9f3e-0b8a3b3bb2f4"')}`);
    expect(group).toMatchObject({ status: 200, body: { totalResults: 0 } });
  });

  it("replays the User operations: create, get, query, update multi- and single-valued, disable, delete", async () => {
    // Create User
    const created = await entra("POST", "/Users", {
      schemas: [USER_URN, ENTERPRISE_URN],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      active: true,
      emails: [{ primary: true, type: "work", value: "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com" }],
      meta: { resourceType: "User" },
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      roles: [],
    });
    expect(created.status).toBe(201);
    const id = created.body!.id;
    expect(created.body).toMatchObject({
      schemas: [USER_URN],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      active: true,
      emails: [{ value: "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com", type: "work", primary: true }],
      meta: { resourceType: "User" },
    });
    // Get User
    expect((await entra("GET", `/Users/${id}`)).body).toMatchObject({ id, userName: "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee" });
    // Get User by query, and by query with zero results
    const query = await entra("GET", `/Users?filter=${filter('userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"')}`);
    expect(query.body).toMatchObject({ schemas: [LIST_URN], totalResults: 1, startIndex: 1, Resources: [{ id }] });
    expect((await entra("GET", `/Users?filter=${filter('userName eq "non-existent user"')}`)).body).toMatchObject({ totalResults: 0, Resources: [] });
    // Entra ID also matches on the work email and on externalId.
    expect((await entra("GET", `/Users?filter=${filter('emails[type eq "work"].value eq "test_user_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"')}`)).body).toMatchObject({ totalResults: 1 });
    expect((await entra("GET", `/Users?filter=${filter('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`)).body).toMatchObject({ totalResults: 1 });

    // Update User [Multi-valued properties]
    const multi = await entra("PATCH", `/Users/${id}`, patch(
      { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
      { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
    ));
    expect(multi.status).toBe(200);
    expect(multi.body).toMatchObject({
      name: { formatted: "givenName updatedFamilyName", familyName: "updatedFamilyName", givenName: "givenName" },
      emails: [{ value: "updatedEmail@microsoft.com", type: "work", primary: true }],
    });
    expect((await k.personByEmail("updatedemail@microsoft.com")).id).toBe(id);

    // Update User [Single-valued properties]
    const single = await entra("PATCH", `/Users/${id}`, patch({ op: "Replace", path: "userName", value: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" }));
    expect(single.body).toMatchObject({ id, userName: "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", emails: [{ value: "updatedEmail@microsoft.com" }] });

    // Disable User, then Delete User
    const disabled = await entra("PATCH", `/Users/${id}`, { Operations: [{ op: "Replace", path: "active", value: false }], schemas: [PATCH_URN] });
    expect(disabled.body).toMatchObject({ id, active: false });
    expect((await entra("GET", `/Users/${id}`)).body).toMatchObject({ active: false });
    expect((await entra("DELETE", `/Users/${id}`)).status).toBe(204);
    expect((await entra("GET", `/Users/${id}`)).status).toBe(404);
    expect((await k.personByEmail("updatedemail@microsoft.com")).status).toBe("deactivated");
  });

  it("sets the manager the way Entra ID sends it (path `manager`, a list of references)", async () => {
    const lucas = await k.personByEmail("lucas.meyer@acme.example");
    const raj = await k.personByEmail("raj.patel@acme.example");
    const res = await entra("PATCH", `/Users/${raj.id}`, patch({ op: "Add", path: "manager", value: [{ $ref: `http://localhost/scim/v2/Users/${lucas.id}`, value: lucas.id }] }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ [ENTERPRISE_URN]: { manager: { value: lucas.id, displayName: "Lucas Meyer" } } });
    expect((await k.personByEmail("raj.patel@acme.example")).managerId).toBe(lucas.id);
    // Entra ID checks a reference before updating it.
    const check = await entra("GET", `/Users?filter=${filter(`id eq "${raj.id}" and manager eq "${lucas.id}"`)}&attributes=id`);
    expect(check.body).toMatchObject({ totalResults: 1, Resources: [{ id: raj.id }] });
    const cleared = await entra("PATCH", `/Users/${raj.id}`, patch({ op: "Remove", path: `${ENTERPRISE_URN}:manager` }));
    expect(cleared.body).not.toHaveProperty(ENTERPRISE_URN);
    expect((await k.personByEmail("raj.patel@acme.example")).managerId).toBeNull();
  });

  it("understands the default PATCH dialect (no feature flag): string booleans, Add of a single value, capitalized ops", async () => {
    const lucas = await k.personByEmail("lucas.meyer@acme.example");
    const apiToken = await tokenFor(k.t.database, "lucas.meyer@acme.example");
    const owned = (await k.botIdsOwnedBy(lucas.id)).length;
    expect(owned).toBeGreaterThan(0);
    // Requests to add a single-value string attribute (nickName is not stored: ignored)
    expect((await entra("PATCH", `/Users/${lucas.id}`, patch({ op: "Add", path: "nickName", value: "Babs" }))).status).toBe(200);
    // Requests to replace multiple attributes
    const multi = await entra("PATCH", `/Users/${lucas.id}`, patch(
      { op: "Replace", path: "displayName", value: "Pvlo" },
      { op: "Replace", path: 'emails[type eq "work"].value', value: "TestBcwqnm@test.microsoft.com" },
      { op: "Replace", path: "name.givenName", value: "Gtfd" },
      { op: "Replace", path: "name.familyName", value: "Pkqf" },
      { op: "Replace", path: "externalId", value: "Eqpj" },
      { op: "Replace", path: `${ENTERPRISE_URN}:employeeNumber`, value: "Eqpj" },
    ));
    expect(multi.body).toMatchObject({ displayName: "Pvlo", externalId: "Eqpj", name: { givenName: "Gtfd", familyName: "Pkqf" }, emails: [{ value: "TestBcwqnm@test.microsoft.com", type: "work" }] });
    // Requests made to disable users: "False" as a string.
    const off = await entra("PATCH", `/Users/${lucas.id}`, patch({ op: "Replace", path: "active", value: "False" }));
    expect(off.body).toMatchObject({ active: false });
    expect((await k.personByEmail("testbcwqnm@test.microsoft.com")).status).toBe("deactivated");
    expect((await k.t.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${apiToken}` } })).statusCode).toBe(401);
    expect((await k.deprovisionedBots(lucas.id)).length).toBeGreaterThan(0);
    expect(await k.botIdsOwnedBy(lucas.id)).toHaveLength(owned);
    const on = await entra("PATCH", `/Users/${lucas.id}`, patch({ op: "Replace", path: "active", value: "True" }));
    expect(on.body).toMatchObject({ active: true });
  });

  it("understands the aadOptscim062020 dialect: lowercase ops, replace without path with dotted keys", async () => {
    const sofia = await k.personByEmail("sofia.rossi@acme.example");
    const res = await entra("PATCH", `/Users/${sofia.id}`, patch(
      { op: "replace", path: 'emails[type eq "work"].value', value: "TestMhvaes@test.microsoft.com" },
      { op: "replace", value: { displayName: "Bjfe", "name.givenName": "Kkom", "name.familyName": "Unua", [`${ENTERPRISE_URN}:employeeNumber`]: "Aklq", [`${ENTERPRISE_URN}:department`]: "Finance" } },
    ));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ displayName: "Bjfe", name: { givenName: "Kkom", familyName: "Unua" }, [ENTERPRISE_URN]: { department: "Finance" } });
    expect(await k.personByEmail("testmhvaes@test.microsoft.com")).toMatchObject({ id: sofia.id, department: "Finance", givenName: "Kkom" });
    const off = await entra("PATCH", `/Users/${sofia.id}`, patch({ op: "replace", path: "active", value: false }));
    expect(off.body).toMatchObject({ active: false });
  });

  it("replays the Group operations: create, get without members, query by displayName, rename, add and remove members, delete", async () => {
    const a = (await k.personByEmail("ethan.brooks@acme.example")).id;
    const b = (await k.personByEmail("grace.okafor@acme.example")).id;
    const c = (await k.personByEmail("noah.williams@acme.example")).id;
    // Create Group (Groups are created with an empty members list)
    const created = await entra("POST", "/Groups", {
      schemas: [GROUP_URN, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "displayName",
      meta: { resourceType: "Group" },
    });
    expect(created).toMatchObject({ status: 201, body: { schemas: [GROUP_URN], externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", displayName: "displayName", members: [] } });
    const id = created.body!.id;
    // Get Group, Get Group by displayName (members excluded)
    const got = await entra("GET", `/Groups/${id}?excludedAttributes=members`);
    expect(got.body).toMatchObject({ id, displayName: "displayName" });
    expect(got.body).not.toHaveProperty("members");
    const byName = await entra("GET", `/Groups?excludedAttributes=members&filter=${filter('displayName eq "displayName"')}`);
    expect(byName.body).toMatchObject({ totalResults: 1, Resources: [{ id, displayName: "displayName" }] });
    // Update Group [Non-member attributes]: 204
    expect((await entra("PATCH", `/Groups/${id}`, patch({ op: "Replace", path: "displayName", value: "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName" }))).status).toBe(204);
    // Update Group [Add Members]: 204
    const add = await entra("PATCH", `/Groups/${id}`, patch({ op: "Add", path: "members", value: [{ $ref: null, value: a }, { $ref: null, value: b }, { $ref: null, value: c }] }));
    expect(add.status).toBe(204);
    // Update Group [Remove Members], default dialect: path "members" with the values to remove; only those go.
    expect((await entra("PATCH", `/Groups/${id}`, patch({ op: "Remove", path: "members", value: [{ $ref: null, value: a }] }))).status).toBe(204);
    // ...and with the flag: a value filter.
    expect((await entra("PATCH", `/Groups/${id}`, patch({ op: "remove", path: `members[value eq "${b}"]` }))).status).toBe(204);
    const after = (await entra("GET", `/Groups/${id}`)).body!;
    expect(after.displayName).toBe("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName");
    expect((after.members as Json[]).map((m) => m.value)).toEqual([c]);
    expect(await k.teamIdsOf(c)).toContain(id);
    expect(await k.teamIdsOf(a)).not.toContain(id);
    // Delete Group
    expect((await entra("DELETE", `/Groups/${id}`)).status).toBe(204);
    expect((await entra("GET", `/Groups/${id}`)).status).toBe(404);
    expect(await k.teamIdsOf(c)).not.toContain(id);
  });

  it("serves schema discovery: /Schemas, /ResourceTypes, /ServiceProviderConfig", async () => {
    const schemas = await entra("GET", "/Schemas");
    expect(schemas.status).toBe(200);
    const resources = schemas.body!.Resources as { id: string; attributes: { name: string; caseExact: boolean; mutability: string; returned: string; uniqueness: string }[] }[];
    expect(schemas.body).toMatchObject({ schemas: [LIST_URN], totalResults: 3 });
    expect(resources.map((r) => r.id)).toEqual([USER_URN, GROUP_URN, ENTERPRISE_URN]);
    expect(resources[0]!.attributes.find((a) => a.name === "userName")).toMatchObject({ caseExact: false, mutability: "readWrite", returned: "default", uniqueness: "server" });
    const emails = resources[0]!.attributes.find((a) => a.name === "emails") as unknown as { subAttributes: { name: string; uniqueness: string }[] };
    expect(emails.subAttributes.map((a) => [a.name, a.uniqueness])).toEqual([
      ["value", "server"],
      ["display", "none"],
      ["type", "none"],
      ["primary", "none"],
    ]);
    expect(resources[2]!.attributes.map((a) => a.name)).toEqual(["department", "manager"]);
    expect((await entra("GET", `/Schemas/${ENTERPRISE_URN}`)).body).toMatchObject({ id: ENTERPRISE_URN, name: "EnterpriseUser" });
    expect((await entra("GET", "/Schemas/urn:nope")).status).toBe(404);
    const types = await entra("GET", "/ResourceTypes");
    expect(types.body).toMatchObject({ totalResults: 2, Resources: [{ id: "User", endpoint: "/Users", schemaExtensions: [{ schema: ENTERPRISE_URN, required: false }] }, { id: "Group", endpoint: "/Groups" }] });
    expect((await entra("GET", "/ResourceTypes/Group")).body).toMatchObject({ schema: GROUP_URN });
    const spc = await entra("GET", "/ServiceProviderConfig");
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [{ type: "oauthbearertoken", primary: true }],
    });
  });
});
