import type { TSystemClassification } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { assess, type AssessInput, type BotScope } from "./approval-effect.ts";
import { looksLikeBotEmail, reviewRefusal } from "./approval-rules.ts";

const systems = new Map<string, TSystemClassification>([
  ["github", "internal_data"],
  ["discord", "external_communication"],
  ["gmail", "both"],
  ["npm-registry", "neither"],
]);
const now = new Date("2026-11-20T12:00:00Z");
const bot = (over: Partial<BotScope> = {}): BotScope => ({
  name: "acme-x-bot",
  ownerEmail: "owner@acme.example",
  internalDataAccess: "none",
  channels: [],
  grants: [],
  exception: null,
  ...over,
});
const expand = (system: string, scope: string, access: "read" | "write" = "write") =>
  ({ kind: "scope_expansion", payload: { system, scope, access } }) as const;
const codes = (a: { reasons: { code: string }[] }) => a.reasons.map((r) => r.code);

describe("assess: scope expansion", () => {
  it("names the direction that breaks the Golden Rule", () => {
    const ext = assess(bot({ internalDataAccess: "internal" }), expand("discord", "discord:webhooks:write"), { systems, now });
    expect(ext.becomesExceptionRequest).toBe(true);
    expect(ext.reasons.at(-1)!.message).toBe("This gives external communication to a bot with internal data access: the Golden Rule needs an exception covering discord");
    const int = assess(bot({ channels: ["discord"] }), expand("github", "github:issues:read", "read"), { systems, now });
    expect(int.reasons.at(-1)!.message).toMatch(/^This gives internal data access to a bot with external communication/);
    const both = assess(bot(), expand("gmail", "gmail:send"), { systems, now });
    expect(both.goldenRule).toEqual({ internalData: true, externalCommunication: true, violation: true });
    expect(both.reasons.at(-1)!.message).toMatch(/^This gives the bot both internal data access and external communication/);
  });

  it("keeps to the rule for reads of a `both` system, neither-systems, and under a covering exception", () => {
    expect(assess(bot(), expand("gmail", "gmail:inbox:read", "read"), { systems, now }).goldenRule.violation).toBe(false);
    expect(codes(assess(bot(), expand("npm-registry", "npm-registry:read", "read"), { systems, now }))).toEqual(["within_golden_rule"]);
    const covered = assess(
      bot({ internalDataAccess: "internal", exception: { status: "approved", expiresAt: null, allowedSystems: ["discord"], allowedChannels: [] } }),
      expand("discord", "discord:webhooks:write"),
      { systems, now },
    );
    expect(covered.becomesExceptionRequest).toBe(false);
    expect(codes(covered)).toContain("covered_by_exception");
  });

  it("flags a grant the bot already holds, but not an expired one", () => {
    const g = { system: "github", scope: "github:issues:write", access: "write" as const };
    expect(codes(assess(bot({ grants: [{ ...g, expiresAt: null }] }), expand("github", "github:issues:write"), { systems, now }))).toContain("grant_exists");
    expect(codes(assess(bot({ grants: [{ ...g, expiresAt: new Date("2026-01-01") }] }), expand("github", "github:issues:write"), { systems, now }))).not.toContain(
      "grant_exists",
    );
  });
});

describe("assess: Golden Rule exception", () => {
  const exception = (allowedSystems: string[], grant?: { system: string; scope: string; access: "read" | "write" }): AssessInput => ({
    kind: "golden_rule_exception",
    payload: {
      businessPurpose: "p",
      allowedSystems,
      allowedChannels: [],
      dataClassification: "internal",
      approvalRequirements: "r",
      exceptionExpiresAt: "2027-01-01T00:00:00Z",
      ...(grant ? { grant } : {}),
    },
  });
  it("checks the exception covers every external system after the grant", () => {
    const b = bot({ internalDataAccess: "internal" });
    const grant = { system: "discord", scope: "discord:webhooks:write", access: "write" as const };
    expect(codes(assess(b, exception(["discord"], grant), { systems, now }))).toEqual(["adds_external_communication", "golden_rule_exception_needed", "exception_covers"]);
    expect(assess(b, exception([], grant), { systems, now }).reasons.at(-1)!.code).toBe("exception_incomplete");
    expect(codes(assess(b, exception(["discord"]), { systems, now }))).toEqual(["exception_not_needed"]);
  });
});

describe("review rules", () => {
  const reviewer = { personId: "p1", email: "omar@acme.example", roles: ["security" as const], isBotIdentity: false };
  const request = { requesterPersonId: "p2", approverRole: "security", botOwnerId: "p3" };
  it("refuses the requester, the owner, a bot mailbox and a role mismatch; admins do not stand in", () => {
    expect(reviewRefusal(reviewer, request)).toBeNull();
    expect(reviewRefusal(reviewer, { ...request, requesterPersonId: "p1" })).toBe("own_request");
    expect(reviewRefusal(reviewer, { ...request, botOwnerId: "p1" })).toBe("own_bot");
    // the console knows the owner by email only
    expect(reviewRefusal(reviewer, { ...request, botOwnerEmail: "Omar@ACME.example" })).toBe("own_bot");
    expect(reviewRefusal({ ...reviewer, isBotIdentity: true }, request)).toBe("bot_identity");
    expect(reviewRefusal({ ...reviewer, roles: ["admin"] }, request)).toBe("wrong_role");
    expect(reviewRefusal({ ...reviewer, roles: ["admin"] }, { ...request, approverRole: "admin" })).toBeNull();
    // a gated action opened by the bot itself has no requesting person
    expect(reviewRefusal(reviewer, { ...request, requesterPersonId: null })).toBeNull();
    // the new owner of a transfer does not approve receiving the bot
    expect(reviewRefusal(reviewer, { ...request, transferToEmail: "OMAR@acme.example" })).toBe("transfer_to_self");
  });
  it("recognises bot mailboxes by convention and by record", () => {
    expect(looksLikeBotEmail("Acme-X-Bot.bot@ACME.example", "acme.example", [])).toBe(true);
    expect(looksLikeBotEmail("test.triage@acme.example", "acme.example", ["test.triage@acme.example"])).toBe(true);
    expect(looksLikeBotEmail("omar.haddad@acme.example", "acme.example", [])).toBe(false);
  });
});
