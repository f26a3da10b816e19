import type { TGatedActionRule } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { effectiveFor } from "./gated-actions.rules.ts";

const org: TGatedActionRule = { action: "shell.exec", mode: "require_approval", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 };
const override = (o: Partial<{ mode: "allow" | "deny" | "require_approval"; approvalsRequired: number; approverRole: "admin" }>) => ({
  action: "shell.exec" as const,
  mode: o.mode ?? null,
  approverRole: o.approverRole ?? null,
  approvalsRequired: o.approvalsRequired ?? null,
  requestTtlMinutes: null,
});

describe("effectiveFor", () => {
  it("is the org rule without an override", () => {
    expect(effectiveFor(org, null, false)).toEqual(org);
  });
  it("applies tightening", () => {
    expect(effectiveFor(org, override({ mode: "deny" }), false).mode).toBe("deny");
    expect(effectiveFor(org, override({ approvalsRequired: 2, approverRole: "admin" }), false)).toMatchObject({ approvalsRequired: 2, approverRole: "admin" });
  });
  it("ignores loosening unless the bot has a valid exception", () => {
    expect(effectiveFor(org, override({ mode: "allow" }), false).mode).toBe("require_approval");
    expect(effectiveFor(org, override({ mode: "allow" }), true).mode).toBe("allow");
  });
});
