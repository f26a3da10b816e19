import { describe, expect, it } from "vitest";
import { applyUserOps, expandOps, planGroupPatch, readPatchBody } from "./scim.patch.ts";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const MANAGER = "5b4c1e52-0000-4000-8000-000000000001";
const user = () => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id: "u-1",
  userName: "ada@example.com",
  name: { givenName: "Ada", familyName: "Lovelace" },
  displayName: "Ada Lovelace",
  active: true,
  emails: [{ value: "ada@example.com", type: "work", primary: true }],
  meta: { resourceType: "User" },
});
const body = (...ops: unknown[]) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: ops });
const patchUser = (...ops: unknown[]) => applyUserOps(user(), expandOps("User", readPatchBody(body(...ops)))) as Record<string, unknown>;

describe("PATCH as identity providers send it (RFC 7644 §3.5.2)", () => {
  it("accepts op names in any case and Entra ID's string booleans", () => {
    expect(patchUser({ op: "Replace", path: "active", value: "False" }).active).toBe(false);
    expect(patchUser({ op: "REPLACE", path: "Active", value: "true" }).active).toBe(true);
    expect(() => patchUser({ op: "Replace", path: "active", value: "nope" })).toThrow(expect.objectContaining({ scimType: "invalidValue" }));
  });

  it("applies a replace without path whose value is an object (Okta), keeping sub-attributes not sent", () => {
    expect(patchUser({ op: "replace", value: { active: false } }).active).toBe(false);
    const u = patchUser({ op: "replace", value: { displayName: "Ada King", "name.givenName": "Augusta", name: { familyName: "King" }, id: "ignored" } });
    expect(u).toMatchObject({ id: "u-1", displayName: "Ada King", name: { givenName: "Augusta", familyName: "King" } });
  });

  it("patches emails through value filters and adds the element when no element matches", () => {
    const u = patchUser(
      { op: "Replace", path: 'emails[type eq "work"].value', value: "ada@new.example" },
      { op: "Add", path: 'emails[type eq "home"].value', value: "ada@home.example" },
    );
    expect(u.emails).toEqual([
      { value: "ada@new.example", type: "work", primary: true },
      { type: "home", value: "ada@home.example" },
    ]);
    const removed = patchUser({ op: "remove", path: 'emails[type eq "work"]' });
    expect(removed.emails).toBeUndefined();
  });

  it("sets and removes the manager in every form Entra ID and Okta use", () => {
    const forms = [
      { op: "Add", path: "manager", value: [{ $ref: null, value: MANAGER }] },
      { op: "replace", path: `${ENT}:manager`, value: MANAGER },
      { op: "replace", path: `${ENT}:manager.value`, value: MANAGER },
      { op: "replace", value: { [`${ENT}:manager`]: { value: MANAGER } } },
      { op: "replace", value: { [ENT]: { manager: { value: MANAGER }, department: "R&D" } } },
    ];
    for (const f of forms) expect((patchUser(f)[ENT] as { manager: unknown }).manager, JSON.stringify(f)).toEqual({ value: MANAGER });
    const gone = applyUserOps({ ...user(), [ENT]: { manager: { value: MANAGER } } }, expandOps("User", readPatchBody(body({ op: "remove", path: "manager" }))));
    expect(gone[ENT]).toEqual({});
  });

  it("ignores attributes Bridle does not store and read-only ones, without failing the rest", () => {
    const u = patchUser(
      { op: "Add", path: "nickName", value: "Babs" },
      { op: "Replace", path: `${ENT}:employeeNumber`, value: "42" },
      { op: "replace", path: "urn:example:custom:2.0:User:tag", value: "x" },
      { op: "replace", path: "groups", value: [] },
      { op: "replace", path: "title", value: "Countess" },
    );
    expect(u).not.toHaveProperty("nickName");
    expect(u.title).toBe("Countess");
  });

  it("refuses malformed PatchOp messages", () => {
    expect(() => readPatchBody({ schemas: ["urn:x"], Operations: [{ op: "add", value: {} }] })).toThrow(expect.objectContaining({ scimType: "invalidSyntax" }));
    expect(() => readPatchBody(body())).toThrow(expect.objectContaining({ scimType: "invalidSyntax" }));
    expect(() => readPatchBody(body({ op: "move", path: "x" }))).toThrow(expect.objectContaining({ scimType: "invalidSyntax" }));
    expect(() => readPatchBody(body({ op: "remove" }))).toThrow(expect.objectContaining({ scimType: "noTarget" }));
    expect(() => readPatchBody(body({ op: "add", path: "title" }))).toThrow(expect.objectContaining({ scimType: "invalidValue" }));
    expect(readPatchBody({ operations: [{ OP: "Add", PATH: "title", VALUE: "x" }] })).toEqual([{ op: "add", path: "title", value: "x" }]);
  });
});

describe("Group membership PATCH", () => {
  const g = { displayName: "Sales", externalId: null, members: ["a", "b", "c"] };
  const plan = (...ops: unknown[]) => planGroupPatch(g, expandOps("Group", readPatchBody(body(...ops))));

  it("removes only the listed members (Entra ID's path: members with values) or the filtered one (Okta)", () => {
    expect(plan({ op: "Remove", path: "members", value: [{ value: "a" }, { value: "c" }] }).members).toEqual(["b"]);
    expect(plan({ op: "remove", path: 'members[value eq "b"]' }).members).toEqual(["a", "c"]);
    expect(plan({ op: "remove", path: "members" }).members).toEqual([]);
  });

  it("adds, replaces, renames; Okta's rename repeats the id", () => {
    expect(plan({ op: "Add", path: "members", value: [{ value: "d", display: "D" }, { value: "a" }] }).members).toEqual(["a", "b", "c", "d"]);
    expect(plan({ op: "replace", path: "members", value: [{ value: "z" }] }).members).toEqual(["z"]);
    expect(plan({ op: "replace", value: { id: "g-1", displayName: "Sales EMEA" } })).toMatchObject({ displayName: "Sales EMEA", members: g.members });
    expect(() => plan({ op: "remove", path: "displayName" })).toThrow(expect.objectContaining({ scimType: "invalidValue" }));
    expect(() => plan({ op: "add", path: 'members[value eq "a"]', value: [] })).toThrow(expect.objectContaining({ scimType: "invalidPath" }));
  });
});
