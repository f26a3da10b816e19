import { describe, expect, it } from "vitest";
import { eqLookup, parseFilter, parsePaging, parseProjection, project } from "./scim.filter.ts";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ada = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
  id: "0b3c5a52-4c1e-4d0e-9b55-1f0f7f3c1a01",
  externalId: "Ext-1",
  userName: "Ada.Lovelace@Example.com",
  name: { givenName: "Ada", familyName: "Lovelace" },
  displayName: "Ada Lovelace",
  title: "Engineer",
  active: true,
  emails: [
    { value: "ada@work.example", type: "work", primary: true },
    { value: "ada@home.example", type: "home" },
  ],
  groups: [{ value: "g-1", display: "Platform" }],
  [ENT]: { department: "R&D", manager: { value: "m-1" } },
  meta: { resourceType: "User", created: "2024-03-01T10:00:00.000Z", lastModified: "2024-06-01T10:00:00.000Z" },
};
const bob = { ...ada, id: "b0b", externalId: "ext-1", userName: "bob@example.com", active: false, emails: [{ value: "bob@example.com", type: "other" }], [ENT]: {} };

const matches = (f: string) => [ada, bob].filter((r) => parseFilter("User", f).test(r)).map((r) => r.userName);

describe("SCIM filters (RFC 7644 §3.4.2.2) over scim2-parse-filter", () => {
  it("compares caseExact=false attributes case-insensitively, caseExact ones exactly", () => {
    expect(matches('userName eq "ada.lovelace@example.com"')).toEqual([ada.userName]);
    expect(matches('USERNAME Eq "ADA.LOVELACE@EXAMPLE.COM"')).toEqual([ada.userName]);
    expect(matches('externalId eq "ext-1"')).toEqual([bob.userName]);
    expect(matches('id eq "B0B"')).toEqual([]);
  });

  it("supports every operator, and/or/not and grouping", () => {
    expect(matches('userName sw "ADA"')).toEqual([ada.userName]);
    expect(matches('userName ew "example.com"')).toHaveLength(2);
    expect(matches('displayName co "love"')).toHaveLength(2);
    expect(matches('userName ne "bob@example.com"')).toEqual([ada.userName]);
    expect(matches("title pr")).toHaveLength(2);
    expect(matches('meta.created gt "2024-01-01T00:00:00Z"')).toHaveLength(2);
    expect(matches('meta.lastModified lt "2024-06-01T10:00:00Z"')).toEqual([]);
    expect(matches('meta.lastModified le "2024-06-01T10:00:00Z"')).toHaveLength(2);
    expect(matches('meta.lastModified ge "2024-06-01T10:00:01Z"')).toEqual([]);
    expect(matches('active eq true and (userName sw "bob" or emails.type eq "WORK")')).toEqual([ada.userName]);
    expect(matches("not (active eq true)")).toEqual([bob.userName]);
  });

  it("filters complex and multi-valued attributes, with or without a value path", () => {
    expect(matches('emails[type eq "work" and value co "@WORK"]')).toEqual([ada.userName]);
    expect(matches('emails[type eq "home"].value eq "ada@home.example"')).toEqual([ada.userName]);
    expect(matches('emails co "bob@"')).toEqual([bob.userName]);
    expect(matches('groups eq "g-1"')).toHaveLength(2);
    expect(matches(`${ENT}:department eq "r&d"`)).toHaveLength(1);
    expect(matches(`${ENT}:manager eq "m-1"`)).toHaveLength(1);
    expect(matches('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob@example.com"')).toEqual([bob.userName]);
    expect(matches('nickName eq "x"')).toEqual([]);
  });

  it("rejects what is not a filter with invalidFilter", () => {
    for (const bad of ["userName", 'userName zz "x"', 'userName eq "x" and', "(userName pr", 'meta.created gt "yesterday"', "active gt true"])
      expect(() => parseFilter("User", bad), bad).toThrow(expect.objectContaining({ status: 400, scimType: "invalidFilter" }));
  });

  it("finds the database lookup in a filter that has one", () => {
    expect(eqLookup(parseFilter("User", 'userName eq "Ada@X"'))).toEqual({ attr: "userName", value: "ada@x" });
    expect(eqLookup(parseFilter("User", 'active eq true and externalId eq "E-1"'))).toEqual({ attr: "externalId", value: "E-1" });
    expect(eqLookup(parseFilter("Group", 'DisplayName eq "Sales"'))).toEqual({ attr: "displayName", value: "sales" });
    expect(eqLookup(parseFilter("User", 'userName eq "a" or userName eq "b"'))).toBeNull();
    expect(eqLookup(parseFilter("User", 'userName co "a"'))).toBeNull();
  });
});

describe("paging and projection", () => {
  it("reads startIndex and count as the RFC says (RFC 7644 §3.4.2.4)", () => {
    expect(parsePaging({})).toEqual({ startIndex: 1, count: 100 });
    expect(parsePaging({ startIndex: "0", count: "-5" })).toEqual({ startIndex: 1, count: 0 });
    expect(parsePaging({ startIndex: "3", count: "5000" })).toEqual({ startIndex: 3, count: 200 });
    expect(() => parsePaging({ count: "ten" })).toThrow(expect.objectContaining({ status: 400, scimType: "invalidValue" }));
  });

  it("returns only the attributes asked for, always with id and schemas (RFC 7644 §3.4.2.5)", () => {
    const only = project(ada, parseProjection("User", { attributes: `userName,name.givenName,emails.value,${ENT}:department` }));
    expect(only).toEqual({
      schemas: ada.schemas,
      id: ada.id,
      userName: ada.userName,
      name: { givenName: "Ada" },
      emails: [{ value: "ada@work.example" }, { value: "ada@home.example" }],
      [ENT]: { department: "R&D" },
    });
    const without = project(ada, parseProjection("User", { excludedAttributes: "emails,name.familyName,id,meta" }));
    expect(without).not.toHaveProperty("emails");
    expect(without).not.toHaveProperty("meta");
    expect(without).toHaveProperty("id");
    expect(without.name).toEqual({ givenName: "Ada" });
  });
});
