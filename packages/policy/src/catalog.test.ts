import { FINDING_KINDS } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { makeFinding, RULES } from "./catalog.ts";

describe("RULES", () => {
  it("has one entry per finding kind with the agreed rule ids", () => {
    expect(Object.keys(RULES)).toEqual([...FINDING_KINDS]);
    expect(Object.fromEntries(FINDING_KINDS.map((kind) => [kind, RULES[kind].rule]))).toEqual({
      golden_rule: "BR-GOLDEN-RULE",
      orphaned: "BR-ORPHANED",
      disallowed_channel: "BR-CHANNEL",
      naming: "BR-NAMING",
      bot_email: "BR-BOT-EMAIL",
      shared_identity: "BR-SHARED-IDENTITY",
      review_overdue: "BR-REVIEW-OVERDUE",
      runtime_profile_incomplete: "BR-RUNTIME-PROFILE",
      unapproved_skill: "BR-SKILL-REGISTRY",
      credential_rotation_due: "BR-CREDENTIAL-ROTATION",
      offboarding_incomplete: "BR-OFFBOARDING",
      runtime_silent: "BR-RUNTIME-HEARTBEAT",
      enforcement_gap: "BR-ENFORCEMENT-GAP",
    });
  });

  it("gives every rule a title, description and remediation", () => {
    for (const kind of FINDING_KINDS) {
      const info = RULES[kind];
      expect(info.title.length).toBeGreaterThan(0);
      expect(info.description.length).toBeGreaterThan(0);
      expect(info.remediation.length).toBeGreaterThan(0);
    }
  });

  it("rates Golden Rule, ownership, channels and shared identity high; runtime profile low", () => {
    expect(RULES.golden_rule.severity).toBe("high");
    expect(RULES.orphaned.severity).toBe("high");
    expect(RULES.disallowed_channel.severity).toBe("high");
    expect(RULES.shared_identity.severity).toBe("high");
    expect(RULES.naming.severity).toBe("medium");
    expect(RULES.bot_email.severity).toBe("medium");
    expect(RULES.review_overdue.severity).toBe("medium");
    expect(RULES.runtime_profile_incomplete.severity).toBe("low");
  });
});

describe("makeFinding", () => {
  it("fills rule, severity and the default remediation, and omits absent details", () => {
    expect(makeFinding("naming", "msg")).toEqual({
      kind: "naming",
      rule: "BR-NAMING",
      severity: "medium",
      message: "msg",
      remediation: RULES.naming.remediation,
    });
  });

  it("takes a specific remediation and details", () => {
    expect(makeFinding("naming", "msg", { a: 1 }, "fix it")).toMatchObject({ details: { a: 1 }, remediation: "fix it" });
  });
});
