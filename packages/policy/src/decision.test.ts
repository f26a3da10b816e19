import { GATED_ACTIONS, type TGatedAction, type TSystemClassification } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { decide, effectiveRule, isReadOnlyAction, overrideLoosens, type DecisionContext, type GatedActionRule } from "./decision.ts";

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
    owner: { email: "lucas.meyer@acme.example", displayName: "Lucas Meyer", status: "active" },
    leakPlaybookOpen: false,
    ...over,
  },
  channelPolicy: { channelAllowlist: ["slack-internal", "discord"], channelBlocklist: ["telegram"] },
  systems,
  rules,
  now,
  ...extra,
});

describe("decide: a bot whose owner has left (BR-ORPHANED)", () => {
  const departed = { owner: { email: "lucas.meyer@acme.example", displayName: "Lucas Meyer", status: "deactivated" as const } };
  const external = { channels: ["slack-internal", "discord"], internalDataAccess: "none" as const, grants: [] };

  it("denies every gated action, even one the org allows, naming the departed owner", () => {
    for (const action of GATED_ACTIONS) {
      const v = decide({ action, target: { system: "github" } }, ctx(departed));
      expect(v.decision, action).toBe("deny");
      expect(v.reasons).toEqual([
        {
          code: "owner_departed",
          rule: "BR-ORPHANED",
          message: `${action} refused: the bot's owner Lucas Meyer <lucas.meyer@acme.example> has left (account deactivated); until the bot is transferred to a new owner or offboarded it may only take read-only actions`,
        },
      ]);
    }
  });

  it("denies external communication, including a read on an external channel, and an ungated write", () => {
    // With an active owner the same bot may post to Discord (no internal data access: no Golden Rule problem).
    expect(decide({ action: "message.post", target: { channel: "discord" } }, ctx(external)).decision).toBe("allow");
    expect(decide({ action: "message.post", target: { channel: "discord" } }, ctx({ ...external, ...departed })).reasons[0]!.code).toBe("owner_departed");
    expect(decide({ action: "channel.read", target: { channel: "discord" } }, ctx({ ...external, ...departed })).reasons[0]!.code).toBe("owner_departed");
    expect(decide({ action: "issue.comment", target: { system: "github" } }, ctx(departed)).reasons[0]!.code).toBe("owner_departed");
  });

  it("still allows a read-only action on an internal system it holds a grant on, and still checks the grant", () => {
    expect(decide({ action: "repo.read", target: { system: "github" } }, ctx(departed))).toMatchObject({ decision: "allow", reasons: [{ code: "not_gated" }] });
    expect(decide({ action: "github:issues:read", target: {} }, ctx(departed)).decision).toBe("allow");
    expect(decide({ action: "crm.read", target: { system: "hubspot" } }, ctx(departed)).reasons[0]!.code).toBe("system_not_granted");
  });

  it("treats a bot with no owner at all the same way", () => {
    expect(decide({ action: "shell.exec", target: {} }, ctx({ owner: null })).reasons[0]).toMatchObject({ code: "owner_missing", rule: "BR-ORPHANED" });
    expect(decide({ action: "repo.read", target: { system: "github" } }, ctx({ owner: null })).decision).toBe("allow");
  });

  it("classifies read-only actions by their last part, `read`", () => {
    expect(["repo.read", "READ", "github:issues:read", " files.read "].map(isReadOnlyAction)).toEqual([true, true, true, true]);
    expect(["repo.reader", "read.write", "thread", "shell.exec", "repo.readme"].map(isReadOnlyAction)).toEqual([false, false, false, false, false]);
  });
});

describe("decide: an overdue access review (BR-REVIEW-OVERDUE)", () => {
  const overdue = { reviewOverdue: { campaign: "Q4 review", dueAt: new Date("2026-11-15T00:00:00Z") } };

  it("denies every gated action, even one the org allows, naming the review", () => {
    for (const action of GATED_ACTIONS) {
      const v = decide({ action, target: { system: "github" } }, ctx(overdue));
      expect(v, action).toMatchObject({ decision: "deny", reasons: [{ code: "review_overdue", rule: "BR-REVIEW-OVERDUE" }] });
      expect(v.reasons[0]!.message).toBe(
        `${action} refused: the access review "Q4 review" of this bot was due on 2026-11-15 and is not decided; gated actions are paused until its owner decides it`,
      );
    }
  });

  it("leaves ungated actions alone, and nothing is paused without it", () => {
    expect(decide({ action: "repo.read", target: { system: "github" } }, ctx(overdue)).decision).toBe("allow");
    expect(decide({ action: "shell.exec", target: { system: "github" } }, ctx({ reviewOverdue: null })).decision).toBe("allow");
  });
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

describe("decide: a bot with an open leak playbook (BR-LEAK-HOLD)", () => {
  const held = { leakPlaybookOpen: true };

  it("holds every gated action the org allows for one approval from security", () => {
    for (const action of GATED_ACTIONS) {
      const v = decide({ action, target: { system: "github" } }, ctx(held));
      expect(v.decision, action).toBe("require_approval");
      expect(v.reasons).toEqual([expect.objectContaining({ code: "credential_leak_suspected", rule: "BR-LEAK-HOLD" })]);
      expect(v.approval).toMatchObject({ mode: "require_approval", approverRole: "security", approvalsRequired: 1 });
    }
  });

  it("keeps dual control and a deny: the hold only ever tightens", () => {
    const strict = { ...rules, "repo.merge": { ...rule("require_approval", 2), approverRole: "admin" as const }, "data.delete": rule("deny") };
    expect(decide({ action: "repo.merge", target: {} }, ctx(held, { rules: strict })).approval).toMatchObject({ approverRole: "security", approvalsRequired: 2 });
    expect(decide({ action: "data.delete", target: {} }, ctx(held, { rules: strict })).decision).toBe("deny");
  });

  it("leaves actions that are not gated alone, and releases gated ones when the playbook closes", () => {
    expect(decide({ action: "issue.comment", target: { system: "github" } }, ctx(held)).decision).toBe("allow");
    expect(decide({ action: "shell.exec", target: {} }, ctx({ leakPlaybookOpen: false })).decision).toBe("allow");
  });
});
