import { describe, expect, it } from "vitest";
import { checkOwner } from "./ownership.ts";

describe("checkOwner", () => {
  it("accepts an active owner", () => {
    expect(checkOwner({ email: "alice@acme.example", status: "active" })).toBeNull();
  });

  it("flags a bot with no owner", () => {
    const finding = checkOwner(null);
    expect(finding).toMatchObject({ kind: "orphaned", rule: "BR-ORPHANED", severity: "high", message: "The bot has no owner." });
  });

  it("flags a bot whose owner has left", () => {
    const finding = checkOwner({ email: "bob@acme.example", status: "deactivated" });
    expect(finding?.message).toBe("The bot's owner bob@acme.example has left the organisation (account deactivated).");
    expect(finding?.details).toEqual({ owner: "bob@acme.example", ownerStatus: "deactivated" });
    expect(finding?.remediation).toContain("Transfer the bot to an active owner");
  });
});
