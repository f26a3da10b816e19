import { people } from "@bridle/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tokenFor } from "../../../test/harness.ts";
import { ENTERPRISE_URN, ERROR_URN, GROUP_URN, LIST_URN, PATCH_URN, USER_URN, scimKit, type ScimKit } from "./scim.testkit.ts";

/**
 * Replays the requests Okta sends, in order, then reads the resulting state.
 *  1. Okta's SCIM 2.0 spec test (the Runscope suite of the OIN submission, Okta-SCIM-20-SPEC-Test.json).
 *  2. The request sequence of Okta's "SCIM 2.0 Protocol Reference" (developer.okta.com/docs/reference/scim/scim-20):
 *     match or create a User, import, update with PUT, deactivate with PATCH, push a Group,
 *     rename it, change its members, unlink it.
 * Okta sends `User-Agent: Okta SCIM Client 1.0.0` and `application/json` bodies.
 */

type Json = Record<string, unknown> & { id: string };
const OKTA = { "user-agent": "Okta SCIM Client 1.0.0" };

describe("Okta", () => {
  let k: ScimKit;
  const okta = async (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", url: string, body?: unknown) => {
    const res = await k.t.app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: { ...OKTA, authorization: `Bearer ${k.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: res.body ? (res.json() as Json) : null, headers: res.headers };
  };
  beforeAll(async () => {
    k = await scimKit("okta");
  });
  afterAll(() => k.t.close());

  it("passes the OIN SCIM 2.0 spec test (Runscope) in order", async () => {
    // Required Test: Test Users endpoint
    const first = await okta("GET", "/Users?count=1&startIndex=1");
    expect(first.status).toBe(200);
    const page = first.body as unknown as { schemas: string[]; Resources: Json[]; itemsPerPage: unknown; startIndex: unknown; totalResults: unknown };
    expect(page.schemas).toContain(LIST_URN);
    expect(page.Resources).toHaveLength(1);
    for (const n of [page.itemsPerPage, page.startIndex, page.totalResults]) expect(typeof n).toBe("number");
    const entity = page.Resources[0]!;
    const assertUser = (u: Json) => {
      expect(u.id).toBeTruthy();
      expect((u.name as { familyName: string }).familyName).toBeTruthy();
      expect((u.name as { givenName: string }).givenName).toBeTruthy();
      expect(u.userName).toBeTruthy();
      expect(typeof u.active).toBe("boolean");
      expect((u.emails as { value: string }[])[0]!.value).toBeTruthy();
    };
    assertUser(entity);

    // Required Test: Get Users/{{id}}
    const byId = await okta("GET", `/Users/${entity.id}`);
    expect(byId.status).toBe(200);
    assertUser(byId.body!);
    expect(byId.body!.id).toBe(entity.id);

    // Required Test: Test invalid User by username
    const invalidName = await okta("GET", `/Users?filter=${encodeURIComponent('userName eq "Runscope0Xqbz7@atko.com"')}`);
    expect(invalidName.status).toBe(200);
    expect(invalidName.body).toMatchObject({ schemas: [LIST_URN], totalResults: 0 });

    // Required Test: Test invalid User by ID
    const invalidId = await okta("GET", "/Users/010b5f40-7b6c-4f0e-9c9a-2e8d3a1e2f10");
    expect(invalidId.status).toBe(404);
    expect(invalidId.body!.detail).toBeTruthy();
    expect(invalidId.body!.schemas).toContain(ERROR_URN);

    // Required Test: Make sure random user doesn't exist
    const random = await okta("GET", `/Users?filter=${encodeURIComponent('userName eq "Runscope1Fhpq00@atko.com"')}`);
    expect(random.status).toBe(200);
    expect(random.body).toMatchObject({ schemas: [LIST_URN], totalResults: 0 });

    // Required Test: Create Okta user with realistic values
    const user = {
      schemas: [USER_URN],
      userName: "Runscope1Fhpq00@atko.com",
      name: { givenName: "Runscope310", familyName: "Fuhpfuwaw" },
      emails: [{ primary: true, value: "Runscope310Fuhpfuwaw@atko.com", type: "work" }],
      displayName: "Runscope310 Fuhpfuwaw",
      active: true,
    };
    const created = await okta("POST", "/Users", user);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ active: true, name: user.name, userName: user.userName });
    expect(created.body!.schemas).toContain(USER_URN);
    expect(created.body!.id).toBeTruthy();

    // Required Test: Verify that user was created
    const verify = await okta("GET", `/Users/${created.body!.id}`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ userName: user.userName, name: user.name });

    // Required Test: Expect failure when recreating user with same values
    const again = await okta("POST", "/Users", user);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: [ERROR_URN], status: "409", scimType: "uniqueness" });

    // Required Test: Username Case Sensitivity Check (userName is caseExact=false: the same User)
    const upper = await okta("GET", `/Users?filter=${encodeURIComponent(`userName eq "${user.userName.toUpperCase()}"`)}`);
    expect(upper.status).toBe(200);
    expect(upper.body).toMatchObject({ totalResults: 1, Resources: [{ id: created.body!.id }] });

    // Optional Test: Verify Groups endpoint
    const started = Date.now();
    expect((await okta("GET", "/Groups")).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it("replays the SCIM 2.0 Protocol Reference: match or create, import, PUT, deactivate, reactivate", async () => {
    // Determine if the User already exists: no.
    const lookup = await okta("GET", `/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}&startIndex=1&count=100`);
    expect(lookup).toMatchObject({ status: 200, body: { schemas: [LIST_URN], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] } });
    // Create the User (Okta sends a password, locale and an empty groups list).
    const created = await okta("POST", "/Users", {
      schemas: [USER_URN],
      userName: "test.user@okta.local",
      name: { givenName: "Test", familyName: "User" },
      emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
      displayName: "Test User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      password: "1mz050nq",
      active: true,
    });
    expect(created.status).toBe(201);
    const id = created.body!.id;
    expect(created.body).toMatchObject({ userName: "test.user@okta.local", externalId: "00ujl29u0le5T6Aj10h7", active: true, displayName: "Test User" });
    expect(JSON.stringify(created.body)).not.toContain("1mz050nq");
    const [row] = await k.t.database.db.select().from(people).where(eq(people.id, id));
    expect(row).toMatchObject({ source: "scim", passwordHash: null, email: "test.user@okta.local" });

    // Import: Okta pages with startIndex and count=100.
    const imported = await okta("GET", "/Users?startIndex=1&count=100");
    expect((imported.body!.Resources as Json[]).map((u) => u.id)).toContain(id);

    // Update the User: GET, then PUT the whole profile back.
    const maya = await k.personByEmail("maya.chen@acme.example");
    const current = (await okta("GET", `/Users/${id}`)).body!;
    const put = await okta("PUT", `/Users/${id}`, {
      ...current,
      name: { givenName: "Another", middleName: "Excited", familyName: "User" },
      emails: [{ primary: true, value: "test.user@okta.local", type: "work", display: "test.user@okta.local" }],
      [ENTERPRISE_URN]: { department: "Sales", manager: { value: maya.id } },
      groups: [],
      meta: { resourceType: "User" },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, name: { givenName: "Another", familyName: "User" }, active: true, [ENTERPRISE_URN]: { department: "Sales", manager: { value: maya.id } } });
    expect((await k.personByEmail("test.user@okta.local")).managerId).toBe(maya.id);

    // Deactivate, then reactivate, as Okta does: replace without a path.
    const off = await okta("PATCH", `/Users/${id}`, { schemas: [PATCH_URN], Operations: [{ op: "replace", value: { active: false } }] });
    expect(off).toMatchObject({ status: 200, body: { id, active: false } });
    expect((await k.personByEmail("test.user@okta.local")).status).toBe("deactivated");
    const on = await okta("PATCH", `/Users/${id}`, { schemas: [PATCH_URN], Operations: [{ op: "replace", value: { active: true } }] });
    expect(on).toMatchObject({ status: 200, body: { id, active: true } });
    expect((await k.personByEmail("test.user@okta.local")).status).toBe("active");
  });

  it("matches an existing person by userName and deprovisions them when Okta deactivates them", async () => {
    const daniel = await k.personByEmail("daniel.kim@acme.example");
    const apiToken = await tokenFor(k.t.database, "daniel.kim@acme.example");
    const found = await okta("GET", `/Users?filter=${encodeURIComponent('userName eq "daniel.kim@acme.example"')}&startIndex=1&count=100`);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: daniel.id }] });
    const off = await okta("PATCH", `/Users/${daniel.id}`, { schemas: [PATCH_URN], Operations: [{ op: "replace", value: { active: false } }] });
    expect(off).toMatchObject({ status: 200, body: { active: false } });
    expect((await k.t.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Bearer ${apiToken}` } })).statusCode).toBe(401);
    // one audit event per bot daniel.kim owns in the demo: acme-changelog-bot, acme-sandbox-bot, acme-terraform-plan-bot
    expect(await k.deprovisionedBots(daniel.id)).toHaveLength(3);
    // The bots stay, and the inventory shows them orphaned.
    const bots = (await k.t.api({ method: "GET", url: "/api/v1/bots?owner=daniel.kim@acme.example&limit=200" })).json() as { items: { name: string; findingKinds: string[]; status: string }[] };
    const live = bots.items.filter((b) => b.status !== "offboarded");
    expect(live.map((b) => b.name).sort()).toEqual(["acme-changelog-bot", "acme-sandbox-bot", "acme-terraform-plan-bot"]);
    expect(live.filter((b) => !b.findingKinds.includes("orphaned"))).toEqual([]);
  });

  it("replays Group Push: create, read, import, rename (id in the value), membership changes, full push, unlink", async () => {
    const user = (await okta("GET", `/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}`)).body!.Resources as Json[];
    const userId = user[0]!.id;
    const other = (await k.personByEmail("lucas.meyer@acme.example")).id;

    const created = await okta("POST", "/Groups", { schemas: [GROUP_URN], displayName: "Test SCIMv2", members: [] });
    expect(created).toMatchObject({ status: 201, body: { schemas: [GROUP_URN], displayName: "Test SCIMv2", members: [], meta: { resourceType: "Group" } } });
    const id = created.body!.id;
    expect((await okta("GET", `/Groups/${id}`)).body).toMatchObject({ id, displayName: "Test SCIMv2" });
    expect(((await okta("GET", "/Groups?startIndex=1&count=100")).body!.Resources as Json[]).map((g) => g.id)).toContain(id);

    const rename = await okta("PATCH", `/Groups/${id}`, { schemas: [PATCH_URN], Operations: [{ op: "replace", value: { id, displayName: "Test SCIMv20" } }] });
    expect(rename.status).toBe(204);
    const membership = await okta("PATCH", `/Groups/${id}`, {
      schemas: [PATCH_URN],
      Operations: [
        { op: "remove", path: `members[value eq "${other}"]` },
        { op: "add", path: "members", value: [{ value: userId, display: "test.user@okta.local" }] },
      ],
    });
    expect(membership.status).toBe(204);
    let group = (await okta("GET", `/Groups/${id}`)).body!;
    expect(group.displayName).toBe("Test SCIMv20");
    expect((group.members as Json[]).map((m) => m.value)).toEqual([userId]);
    expect(await k.teamIdsOf(userId)).toEqual([id]);
    expect((await k.personByEmail("test.user@okta.local")).teamId).toBe(id);

    const push = await okta("PATCH", `/Groups/${id}`, {
      schemas: [PATCH_URN],
      Operations: [{ op: "replace", path: "members", value: [{ value: userId, display: "test.user@okta.local" }, { value: other, display: "lucas.meyer@acme.example" }] }],
    });
    expect(push.status).toBe(204);
    group = (await okta("GET", `/Groups/${id}`)).body!;
    expect((group.members as Json[]).map((m) => m.value).sort()).toEqual([userId, other].sort());
    // lucas keeps Platform as his primary team.
    expect((await k.personByEmail("lucas.meyer@acme.example")).teamId).not.toBe(id);

    const unlink = await okta("DELETE", `/Groups/${id}`);
    expect(unlink.status).toBe(204);
    expect((await okta("GET", `/Groups/${id}`)).status).toBe(404);
    expect((await k.personByEmail("test.user@okta.local")).teamId).toBeNull();
    expect(await k.audit("team.delete", id)).toHaveLength(1);
  });

  it("answers endpoint names in any case and with a trailing slash, as some clients send them", async () => {
    const maya = await k.personByEmail("maya.chen@acme.example");
    const byFilter = await okta("GET", `/Users/?filter=${encodeURIComponent('userName eq "maya.chen@acme.example"')}`);
    expect(byFilter).toMatchObject({ status: 200, body: { schemas: [LIST_URN], totalResults: 1, Resources: [{ id: maya.id }] } });
    const lower = await okta("GET", `/users?filter=${encodeURIComponent('userName eq "maya.chen@acme.example"')}`);
    expect(lower).toMatchObject({ status: 200, body: { totalResults: 1, Resources: [{ id: maya.id }] } });
    expect(await okta("GET", `/users/${maya.id}/`)).toMatchObject({ status: 200, body: { id: maya.id, userName: "maya.chen@acme.example" } });
    const schemas = await okta("GET", "/SCHEMAS");
    expect(schemas).toMatchObject({ status: 200, body: { schemas: [LIST_URN], totalResults: 3 } });
    expect(await okta("GET", `/schemas/${USER_URN}/`)).toMatchObject({ status: 200, body: { id: USER_URN } });
    expect(await okta("GET", "/resourcetypes/")).toMatchObject({ status: 200, body: { totalResults: 2 } });
    expect(await okta("GET", "/serviceproviderconfig")).toMatchObject({ status: 200 });
    const created = await okta("POST", "/users/", { schemas: [USER_URN], userName: "lower.case@okta.local", emails: [{ value: "lower.case@okta.local", primary: true }], active: true });
    expect(created).toMatchObject({ status: 201, body: { userName: "lower.case@okta.local" } });
    expect((await okta("GET", "/groups/?count=1")).status).toBe(200);
    // the whole prefix too, and an unknown endpoint stays a SCIM 404
    const upper = await k.t.app.inject({ method: "GET", url: "/SCIM/V2/USERS?count=1", headers: { authorization: `Bearer ${k.token}` } });
    expect(upper.statusCode).toBe(200);
    expect(await okta("GET", "/bulk/")).toMatchObject({ status: 404, body: { schemas: [ERROR_URN] } });
  });
});
