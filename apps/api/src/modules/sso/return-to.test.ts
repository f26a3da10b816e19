import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./return-to.ts";

describe("safeReturnTo", () => {
  it("keeps local paths with their query and fragment", () => {
    expect(safeReturnTo("/bots")).toBe("/bots");
    expect(safeReturnTo("/bots?finding=golden_rule#top")).toBe("/bots?finding=golden_rule#top");
    expect(safeReturnTo("/")).toBe("/");
  });

  it.each([
    ["//evil.example", "protocol-relative"],
    ["///evil.example", "three slashes"],
    ["https://evil.example", "absolute URL"],
    ["javascript:alert(1)", "a scheme"],
    ["/\\evil.example", "slash-backslash"],
    ["\\\\evil.example", "backslashes"],
    ["/\t/evil.example", "a tab browsers drop"],
    ["/\n/evil.example", "a newline browsers drop"],
    ["evil.example", "no leading slash"],
    ["", "empty"],
    [undefined, "missing"],
    [["/a", "/b"], "repeated parameter"],
  ] as [unknown, string][])("falls back to / for %j (%s)", (input) => {
    expect(safeReturnTo(input)).toBe("/");
  });

  it("normalizes dot segments without leaving the origin", () => {
    expect(safeReturnTo("/../../evil")).toBe("/evil");
    expect(safeReturnTo("/a/./b")).toBe("/a/b");
  });
});
