import { describe, expect, it } from "vitest";
import { channelVerdict, checkChannels } from "./channels.ts";

const none = { channelAllowlist: [], channelBlocklist: [] };

describe("channelVerdict", () => {
  it("allows everything when both lists are empty", () => {
    expect(channelVerdict("telegram", none)).toEqual({ allowed: true, reason: null });
  });

  it("disallows blocklisted channels when the allowlist is empty", () => {
    expect(channelVerdict("telegram", { channelAllowlist: [], channelBlocklist: ["telegram"] })).toEqual({
      allowed: false,
      reason: "blocklisted",
    });
    expect(channelVerdict("slack", { channelAllowlist: [], channelBlocklist: ["telegram"] })).toEqual({ allowed: true, reason: null });
  });

  it("disallows anything not on a non-empty allowlist", () => {
    const policy = { channelAllowlist: ["slack", "company-chat"], channelBlocklist: [] };
    expect(channelVerdict("slack", policy)).toEqual({ allowed: true, reason: null });
    expect(channelVerdict("whatsapp", policy)).toEqual({ allowed: false, reason: "not_allowlisted" });
  });

  it("lets the blocklist win over the allowlist", () => {
    const policy = { channelAllowlist: ["slack", "telegram"], channelBlocklist: ["telegram"] };
    expect(channelVerdict("telegram", policy)).toEqual({ allowed: false, reason: "blocklisted" });
  });

  it("matches keys case-insensitively so a mis-cased key cannot dodge the blocklist", () => {
    expect(channelVerdict(" Telegram ", { channelAllowlist: [], channelBlocklist: ["telegram"] }).reason).toBe("blocklisted");
    expect(channelVerdict("slack", { channelAllowlist: ["Slack"], channelBlocklist: [] }).allowed).toBe(true);
  });

  it("reflects a changed policy object (no stale cache)", () => {
    const a = { channelAllowlist: [], channelBlocklist: ["telegram"] };
    const b = { channelAllowlist: [], channelBlocklist: [] };
    expect(channelVerdict("telegram", a).allowed).toBe(false);
    expect(channelVerdict("telegram", b).allowed).toBe(true);
  });
});

describe("checkChannels", () => {
  const policy = { channelAllowlist: ["slack", "telegram"], channelBlocklist: ["telegram", "discord"] };

  it("returns nothing when every channel is allowed", () => {
    expect(checkChannels(["slack"], policy)).toEqual([]);
    expect(checkChannels([], policy)).toEqual([]);
  });

  it("raises one finding per disallowed channel, sorted and de-duplicated", () => {
    const findings = checkChannels(["whatsapp", "slack", "telegram", "telegram", "discord"], policy);
    expect(findings.map((f) => f.details)).toEqual([
      { channel: "discord", reason: "blocklisted" },
      { channel: "telegram", reason: "blocklisted" },
      { channel: "whatsapp", reason: "not_allowlisted" },
    ]);
    expect(findings.map((f) => [f.kind, f.rule, f.severity])).toEqual(Array(3).fill(["disallowed_channel", "BR-CHANNEL", "high"]));
    expect(findings[1]?.message).toBe("The bot uses the channel telegram, which is on the org's channel blocklist.");
    expect(findings[2]?.message).toBe("The bot uses the channel whatsapp, which is not on the org's channel allowlist.");
    expect(findings[2]?.remediation).toContain("add it to the channel allowlist");
  });
});
