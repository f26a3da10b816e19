import { GATED_ACTIONS, type TGatedAction } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { decide, type DecisionContext, type GatedActionRule } from "./decision.ts";
import { haltingSwitch, switchCovers, type EngagedSwitch } from "./kill-switch.ts";

const bot = { id: "6f1c0e38-1111-4000-8000-000000000001", teamId: "6f1c0e38-2222-4000-8000-000000000002", channels: ["Slack-Internal"], allowedTools: ["web-search@1.2.0", "gh@2.63.0"] };
const sw = (over: Partial<EngagedSwitch>): EngagedSwitch => ({
  id: "sw-1",
  scopeKind: "all",
  subject: null,
  label: "every bot",
  mode: "pause",
  reason: "suspected prompt injection",
  engagedBy: "omar.haddad@acme.example",
  engagedAt: new Date("2026-11-30T10:00:00Z"),
  ...over,
});

describe("switchCovers", () => {
  it("matches each scope kind against the bot, and nothing else", () => {
    expect(switchCovers(sw({ scopeKind: "all" }), bot)).toBe(true);
    expect(switchCovers(sw({ scopeKind: "bot", subject: bot.id.toUpperCase() }), bot)).toBe(true);
    expect(switchCovers(sw({ scopeKind: "bot", subject: "6f1c0e38-1111-4000-8000-000000000009" }), bot)).toBe(false);
    expect(switchCovers(sw({ scopeKind: "team", subject: bot.teamId }), bot)).toBe(true);
    expect(switchCovers(sw({ scopeKind: "team", subject: bot.teamId }), { ...bot, teamId: null })).toBe(false);
    expect(switchCovers(sw({ scopeKind: "channel", subject: "slack-internal" }), bot)).toBe(true);
    expect(switchCovers(sw({ scopeKind: "channel", subject: "discord" }), bot)).toBe(false);
    expect(switchCovers(sw({ scopeKind: "skill", subject: "web-search" }), bot)).toBe(true);
    expect(switchCovers(sw({ scopeKind: "skill", subject: "web" }), bot)).toBe(false);
  });

  it("picks a pause over a read-only switch, then the earliest engaged", () => {
    const ro = sw({ id: "ro", mode: "read_only", engagedAt: new Date("2026-11-30T09:00:00Z") });
    const late = sw({ id: "late", engagedAt: new Date("2026-11-30T11:00:00Z") });
    const early = sw({ id: "early", scopeKind: "team", subject: bot.teamId, engagedAt: new Date("2026-11-30T10:00:00Z") });
    expect(haltingSwitch(bot, [ro, late, early])?.id).toBe("early");
    expect(haltingSwitch(bot, [ro])?.id).toBe("ro");
    expect(haltingSwitch(bot, [sw({ scopeKind: "channel", subject: "discord" })])).toBeNull();
  });
});

describe("decide: a bot halted by a kill switch (BR-KILL-SWITCH)", () => {
  const rules = Object.fromEntries(GATED_ACTIONS.map((a) => [a, { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 }])) as Record<TGatedAction, GatedActionRule>;
  const ctx = (halt: EngagedSwitch | null): DecisionContext => ({
    bot: {
      status: "active",
      internalDataAccess: "internal",
      channels: ["slack-internal"],
      grants: [{ system: "github", scope: "github:repo:read", access: "read", expiresAt: null }],
      exception: null,
      owner: { email: "lucas.meyer@acme.example", displayName: "Lucas Meyer", status: "active" },
      leakPlaybookOpen: false,
      halt,
    },
    channelPolicy: { channelAllowlist: ["slack-internal"], channelBlocklist: [] },
    systems: new Map([["github", "internal_data"], ["slack-internal", "internal_data"]]),
    rules,
    now: new Date("2026-11-30T12:00:00Z"),
  });

  it("pause denies every action, reads too, naming the switch, who engaged it and why", () => {
    for (const action of ["repo.read", "issue.comment", ...GATED_ACTIONS]) {
      const v = decide({ action, target: { system: "github" } }, ctx(sw({})));
      expect(v.decision).toBe("deny");
      expect(v.reasons).toHaveLength(1);
      expect(v.reasons[0]).toMatchObject({ code: "kill_switch", rule: "BR-KILL-SWITCH" });
      expect(v.reasons[0]!.message).toContain("sw-1");
      expect(v.reasons[0]!.message).toContain("omar.haddad@acme.example");
      expect(v.reasons[0]!.message).toContain("suspected prompt injection");
    }
  });

  it("read-only mode lets read-only actions through and denies every write-type action", () => {
    const ro = ctx(sw({ mode: "read_only" }));
    expect(decide({ action: "repo.read", target: { system: "github" } }, ro).decision).toBe("allow");
    expect(decide({ action: "github:issues:read", target: { channel: "slack-internal" } }, ro).decision).toBe("allow");
    for (const action of ["issue.comment", "message.post", ...GATED_ACTIONS]) expect(decide({ action, target: { system: "github" } }, ro).reasons[0]!.code).toBe("kill_switch");
  });

  it("changes nothing without a switch", () => {
    expect(decide({ action: "repo.read", target: { system: "github" } }, ctx(null)).decision).toBe("allow");
  });
});
