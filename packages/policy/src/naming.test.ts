import { describe, expect, it } from "vitest";
import { checkNaming, checkNamingRule, describeNamingRule } from "./naming.ts";

const rule = { requiredTokens: ["bot", "agent"], orgPrefix: "acme-" };

describe("checkNaming", () => {
  it("passes a name containing a required token anywhere", () => {
    expect(checkNaming("triage-bot", rule)).toBe(true);
    expect(checkNaming("robotics", rule)).toBe(true);
    expect(checkNaming("sales-agent-eu", rule)).toBe(true);
  });

  it("passes a name starting with the org prefix", () => {
    expect(checkNaming("acme-triage", rule)).toBe(true);
  });

  it("does not accept the prefix anywhere but at the start", () => {
    expect(checkNaming("triage-acme-eu", { requiredTokens: [], orgPrefix: "acme-" })).toBe(false);
  });

  it("fails a name with neither", () => {
    expect(checkNaming("triage", rule)).toBe(false);
  });

  it("compares case-insensitively", () => {
    expect(checkNaming("Triage-BOT", rule)).toBe(true);
    expect(checkNaming("ACME-triage", rule)).toBe(true);
    expect(checkNaming("triage-bot", { requiredTokens: ["BOT"], orgPrefix: null })).toBe(true);
  });

  it("passes everything when there are no tokens and no prefix", () => {
    expect(checkNaming("anything", { requiredTokens: [], orgPrefix: null })).toBe(true);
    expect(checkNaming("anything", { requiredTokens: [], orgPrefix: "" })).toBe(true);
  });

  it("uses only the prefix when there are no tokens", () => {
    expect(checkNaming("triage-bot", { requiredTokens: [], orgPrefix: "acme-" })).toBe(false);
  });

  it("uses only the tokens when the prefix is null or empty", () => {
    expect(checkNaming("acme-triage", { requiredTokens: ["bot"], orgPrefix: null })).toBe(false);
    expect(checkNaming("acme-triage", { requiredTokens: ["bot"], orgPrefix: "" })).toBe(false);
  });

  it("does not let a blank token match every name", () => {
    expect(checkNaming("triage", { requiredTokens: ["  "], orgPrefix: "acme-" })).toBe(false);
  });
});

describe("checkNamingRule", () => {
  it("returns null for a conforming name", () => {
    expect(checkNamingRule("triage-bot", rule)).toBeNull();
  });

  it("says what the rule requires", () => {
    const finding = checkNamingRule("triage", rule);
    expect(finding).toMatchObject({ kind: "naming", rule: "BR-NAMING", severity: "medium" });
    expect(finding?.message).toBe('The bot name "triage" does not follow the naming rule: names must contain "bot" or "agent", or start with "acme-".');
    expect(finding?.details).toEqual({ name: "triage", requiredTokens: ["bot", "agent"], orgPrefix: "acme-" });
    expect(finding?.remediation).toContain("Rename the bot");
  });

  it("describes token-only and prefix-only rules", () => {
    expect(describeNamingRule({ requiredTokens: ["bot"], orgPrefix: null })).toBe('contain "bot"');
    expect(describeNamingRule({ requiredTokens: ["bot", "agent", "svc"], orgPrefix: null })).toBe('contain "bot", "agent" or "svc"');
    expect(describeNamingRule({ requiredTokens: [], orgPrefix: "acme-" })).toBe('start with "acme-"');
  });
});
