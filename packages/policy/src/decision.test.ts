import { GATED_ACTIONS, type TGatedAction, type TSystemClassification } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { decide, effectiveRule, overrideLoosens, type DecisionContext, type GatedActionRule } from "./decision.ts";

const now = new Date("2026-11-20T12:00:00Z");
const systems = new Map<string, TSystemClassification>([
  ["github", "internal_data"],
  ["slack-internal", "internal_data"],
  ["discord", "external_communication"],
  ["telegram", "external_communication"],
  ["gmail", "both"],
]);
const rule = (mode: GatedActionRule["mode"], approvalsRequired = 1): GatedActionRule => ({ mode, approverRole: "security", approvalsRequired, requestTtlMinutes: 60 });
const rules = Object.fromEntries(GATED_ACTIONS.map((a) => [a, rule("allow")])) as Record<TGatedAction, GatedActionRule>;

const ctx = (over: Partial<DecisionContext["bot"]> = {}, extra: Partial<DecisionContext> = {}): DecisionContext => ({
  bot: {
    status: "active",
    internalDataAccess: "internal",
    channels: ["slack-internal"],
    grants: [{ system: "github", scope: "github:issues:write", access: "write", expiresAt: null }],
    exception: null,
    ...over,
  },
  channelPolicy: { channelAllowlist: ["slack-internal", "discord"], channelBlocklist: ["telegram"] },
  systems,
  rules,
  now,
  ...extra,
});

describe("decide", () => {
  it("allows an ungated action on a granted system", () => {
    expect(decide({ action: "repo.read", target: { system: "github" } }, ctx()).decision).toBe("allow");
  });

  it("denies a paused bot whatever it asks", () => {
    const v = decide({ action: "repo.read", target: {} }, ctx({ status: "paused" }));
    expect(v).toMatchObject({ decision: "deny", reasons: [{ code: "bot_not_active", rule: "BR-BOT-STATUS" }] });
  });

  it("denies unknown, blocklisted, unassigned channels", () => {
    expect(decide({ action: "message.post", target: { channel: "irc" } }, ctx()).reasons[0]!.code).toBe("channel_unknown");
    expect(decide({ action: "message.post", target: { channel: "telegram" } }, ctx({ channels: ["telegram"] })).reasons[0]!.code).toBe("channel_disallowed");
    expect(decide({ action: "message.post", target: { channel: "discord" } }, ctx()).reasons[0]!.code).toBe("channel_not_assigned");
  });

  it("denies a system without an unexpired grant", () => {
    expect(decide({ action: "repo.read", target: { system: "linear" } }, ctx()).reasons[0]!.code).toBe("system_not_granted");
    const expired = ctx({ grants: [{ system: "github", scope: "github:issues:write", access: "write", expiresAt: new Date("2026-01-01") }] });
    expect(decide({ action: "repo.read", target: { system: "github" } }, expired).reasons[0]!.code).toBe("system_not_granted");
  });

  it("denies external communication by a bot that breaks the Golden Rule, unless an exception covers it", () => {
    const bot = { channels: ["slack-internal", "discord"], grants: [{ system: "github", scope: "github:issues:read", access: "read" as const, expiresAt: null }] };
    const v = decide({ action: "message.post_external", target: { channel: "discord" } }, ctx(bot));
    expect(v).toMatchObject({ decision: "deny", reasons: [{ code: "golden_rule", rule: "BR-GOLDEN-RULE" }] });
    const excepted = ctx({
      ...bot,
      exception: { status: "approved", expiresAt: new Date("2027-01-01"), allowedSystems: [], allowedChannels: ["discord"] },
    });
    expect(decide({ action: "message.post_external", target: { channel: "discord" } }, excepted).decision).toBe("allow");
  });

  it("follows the gated action's mode", () => {
    const r = { ...rules, "shell.exec": rule("require_approval", 2), "data.delete": rule("deny") };
    const approval = decide({ action: "shell.exec", target: {} }, ctx({}, { rules: r }));
    expect(approval.decision).toBe("require_approval");
    expect(approval.approval?.approvalsRequired).toBe(2);
    expect(approval.reasons[0]!.message).toMatch(/2 approvals from security/);
    expect(decide({ action: "data.delete", target: {} }, ctx({}, { rules: r })).decision).toBe("deny");
  });
});

describe("per-bot overrides only tighten", () => {
  const org = rule("require_approval", 1);
  it("flags a looser mode or fewer approvals", () => {
    expect(overrideLoosens(org, { mode: "allow" })).toMatch(/looser/);
    expect(overrideLoosens(org, { approvalsRequired: 0 })).toMatch(/fewer/);
    expect(overrideLoosens(org, { mode: "deny", approvalsRequired: 2 })).toBeNull();
  });
  it("never loosens when applied", () => {
    expect(effectiveRule(org, { mode: "allow", approvalsRequired: 0 })).toMatchObject({ mode: "require_approval", approvalsRequired: 1 });
    expect(effectiveRule(org, { mode: "deny" }).mode).toBe("deny");
    expect(effectiveRule(org, { approvalsRequired: 2 }).approvalsRequired).toBe(2);
  });
});
