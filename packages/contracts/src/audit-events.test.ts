import { describe, expect, it } from "vitest";
import { auditDetailsProblem, changesBetween } from "./audit-events.ts";

describe("changesBetween", () => {
  it("lists exactly the fields whose values differ, with before and after", () => {
    expect(changesBetween({ name: "a", roles: ["it"], note: null }, { name: "a", roles: ["it", "security"], note: "x" })).toEqual({
      roles: { before: ["it"], after: ["it", "security"] },
      note: { before: null, after: "x" },
    });
  });
  it("counts an absent field as null, and compares only the fields asked for", () => {
    expect(changesBetween<Record<string, unknown>>(null, { name: "n", mode: "deny" }, ["mode"])).toEqual({ mode: { before: null, after: "deny" } });
    expect(changesBetween({ a: undefined }, { a: null })).toEqual({});
  });
});

describe("auditDetailsProblem", () => {
  it("names the event type and the field that does not fit", () => {
    expect(auditDetailsProblem("scim_token.create", "success", { name: "okta" })).toBeNull();
    expect(auditDetailsProblem("scim_token.create", "success", { name: 7 })).toMatch(/^scim_token.create: name: /);
    expect(auditDetailsProblem("policy.update", "success", { changes: {} })).toMatch(/^policy.update: version: /);
  });
  it("accepts a refusal's details for any type, but only on a denied outcome", () => {
    expect(auditDetailsProblem("policy.update", "denied", { roles: ["owner"], attempted: "change org policy" })).toBeNull();
    expect(auditDetailsProblem("policy.update", "success", { roles: ["owner"], attempted: "change org policy" })).not.toBeNull();
  });
});
