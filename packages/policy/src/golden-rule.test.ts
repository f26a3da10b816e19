import { describe, expect, it } from "vitest";
import { capabilities, checkGoldenRule, exceptionVerdict, hasBothCapabilities } from "./golden-rule.ts";
import { approvedException, daysFromNow, grant, makeBot, NOW, SYSTEMS } from "./test-support.ts";

describe("capabilities", () => {
  it("reports nothing for a bot with no data access, grants or channels", () => {
    const caps = capabilities({ internalDataAccess: "none", channels: [], grants: [] }, SYSTEMS, NOW);
    expect(caps).toEqual({
      internalData: false,
      externalCommunication: false,
      internalSources: [],
      externalSources: [],
      externalSystems: [],
    });
  });

  it("counts a data access level other than none as internal data", () => {
    const caps = capabilities({ internalDataAccess: "confidential", channels: [], grants: [] }, SYSTEMS, NOW);
    expect(caps.internalData).toBe(true);
    expect(caps.internalSources).toEqual(["data access level confidential"]);
    expect(caps.externalCommunication).toBe(false);
  });

  it("counts read and write grants on internal_data systems as internal data only", () => {
    const caps = capabilities(
      { internalDataAccess: "none", channels: [], grants: [grant("github", "read", null, "github:issues:read"), grant("axiom", "write")] },
      SYSTEMS,
      NOW,
    );
    expect(caps.internalData).toBe(true);
    expect(caps.internalSources).toEqual(["grant github:issues:read", "grant axiom:data:write"]);
    expect(caps.externalCommunication).toBe(false);
  });

  it("qualifies a scope that does not name its system", () => {
    const caps = capabilities({ internalDataAccess: "none", channels: [], grants: [grant("github", "read", null, "repo:read")] }, SYSTEMS, NOW);
    expect(caps.internalSources).toEqual(["grant github:repo:read"]);
  });

  it("counts any grant on an external_communication system as external", () => {
    const caps = capabilities({ internalDataAccess: "none", channels: [], grants: [grant("x", "read")] }, SYSTEMS, NOW);
    expect(caps.externalCommunication).toBe(true);
    expect(caps.externalSystems).toEqual(["x"]);
    expect(caps.internalData).toBe(false);
  });

  it("treats read on a `both` system as internal data only, write as both", () => {
    const read = capabilities({ internalDataAccess: "none", channels: [], grants: [grant("gmail", "read")] }, SYSTEMS, NOW);
    expect(read.internalData).toBe(true);
    expect(read.externalCommunication).toBe(false);

    const write = capabilities({ internalDataAccess: "none", channels: [], grants: [grant("gmail", "write")] }, SYSTEMS, NOW);
    expect(write.internalData).toBe(true);
    expect(write.externalCommunication).toBe(true);
    expect(write.externalSystems).toEqual(["gmail"]);
  });

  it("treats a grant on an unknown system as `both` (deny when unsure)", () => {
    const read = capabilities({ internalDataAccess: "none", channels: [], grants: [grant("mystery", "read")] }, SYSTEMS, NOW);
    expect(read.internalData).toBe(true);
    expect(read.externalCommunication).toBe(false);
    expect(read.internalSources).toEqual(["grant mystery:data:read (unclassified system)"]);

    const write = capabilities({ internalDataAccess: "none", channels: [], grants: [grant("mystery", "write")] }, SYSTEMS, NOW);
    expect(write.internalData).toBe(true);
    expect(write.externalCommunication).toBe(true);
    expect(write.externalSystems).toEqual(["mystery"]);
  });

  it("ignores grants that expired at or before now, keeps those expiring later", () => {
    const expired = capabilities(
      { internalDataAccess: "none", channels: [], grants: [grant("github", "read", daysFromNow(-1)), grant("gmail", "write", NOW)] },
      SYSTEMS,
      NOW,
    );
    expect(expired.internalData).toBe(false);
    expect(expired.externalCommunication).toBe(false);

    const live = capabilities(
      { internalDataAccess: "none", channels: [], grants: [grant("gmail", "write", new Date(NOW.getTime() + 1))] },
      SYSTEMS,
      NOW,
    );
    expect(live.internalData).toBe(true);
    expect(live.externalCommunication).toBe(true);
  });

  it("counts external_communication and `both` channels as external, internal_data and neither as not", () => {
    const caps = capabilities(
      { internalDataAccess: "none", channels: ["slack", "company-chat", "telegram", "gmail"], grants: [] },
      SYSTEMS,
      NOW,
    );
    expect(caps.externalSources).toEqual(["channel telegram", "channel gmail"]);
    expect(caps.externalSystems).toEqual(["telegram", "gmail"]);
    // A channel talks; it does not read internal data.
    expect(caps.internalData).toBe(false);
  });

  it("treats a channel missing from the system catalog as external (deny when unsure)", () => {
    const caps = capabilities({ internalDataAccess: "none", channels: ["whatsapp"], grants: [] }, SYSTEMS, NOW);
    expect(caps.externalCommunication).toBe(true);
    expect(caps.externalSources).toEqual(["channel whatsapp (unclassified)"]);
    expect(caps.externalSystems).toEqual(["whatsapp"]);
  });

  it("de-duplicates sources and systems", () => {
    const caps = capabilities(
      { internalDataAccess: "none", channels: ["gmail", "gmail"], grants: [grant("gmail", "write"), grant("gmail", "write")] },
      SYSTEMS,
      NOW,
    );
    expect(caps.externalSources).toEqual(["grant gmail:data:write", "channel gmail"]);
    expect(caps.externalSystems).toEqual(["gmail"]);
    expect(caps.internalSources).toEqual(["grant gmail:data:write"]);
  });
});

describe("hasBothCapabilities", () => {
  it("agrees with capabilities on every combination of level, grant and channel", () => {
    const levels = ["none", "internal"] as const;
    const grantSets = [
      [],
      [grant("github", "read")],
      [grant("x", "read")],
      [grant("gmail", "read")],
      [grant("gmail", "write")],
      [grant("mystery", "read")],
      [grant("mystery", "write")],
      [grant("gmail", "write", daysFromNow(-1))],
      [grant("github", "write"), grant("x", "write", NOW)],
    ];
    const channelSets = [[], ["slack"], ["company-chat"], ["telegram"], ["whatsapp"], ["gmail"]];
    let both = 0;
    for (const internalDataAccess of levels) {
      for (const grants of grantSets) {
        for (const channels of channelSets) {
          const bot = { internalDataAccess, grants, channels };
          const caps = capabilities(bot, SYSTEMS, NOW);
          const expected = caps.internalData && caps.externalCommunication;
          if (expected) both += 1;
          expect(hasBothCapabilities(bot, SYSTEMS, NOW), JSON.stringify(bot)).toBe(expected);
        }
      }
    }
    // The matrix exercises both outcomes.
    expect(both).toBeGreaterThan(0);
    expect(both).toBeLessThan(levels.length * grantSets.length * channelSets.length);
  });
});

describe("exceptionVerdict", () => {
  it("is invalid with status none when there is no exception", () => {
    expect(exceptionVerdict(null, ["telegram"], NOW)).toEqual({ valid: false, status: "none", uncovered: [] });
  });

  it.each(["pending", "denied", "revoked"] as const)("is invalid when %s", (status) => {
    const verdict = exceptionVerdict(approvedException({ status, allowedChannels: ["telegram"] }), ["telegram"], NOW);
    expect(verdict).toEqual({ valid: false, status, uncovered: [] });
  });

  it("is valid when approved, unexpired and covering every external key via systems or channels", () => {
    const exception = approvedException({ allowedSystems: ["gmail"], allowedChannels: ["telegram"], expiresAt: daysFromNow(1) });
    expect(exceptionVerdict(exception, ["gmail", "telegram"], NOW)).toEqual({ valid: true, status: "approved", uncovered: [] });
  });

  it("is valid with no expiry", () => {
    expect(exceptionVerdict(approvedException({ allowedChannels: ["telegram"] }), ["telegram"], NOW).valid).toBe(true);
  });

  it("is expired when expiresAt equals now or is in the past", () => {
    expect(exceptionVerdict(approvedException({ allowedChannels: ["telegram"], expiresAt: NOW }), ["telegram"], NOW).status).toBe("expired");
    expect(exceptionVerdict(approvedException({ allowedChannels: ["telegram"], expiresAt: daysFromNow(-3) }), ["telegram"], NOW)).toEqual({
      valid: false,
      status: "expired",
      uncovered: [],
    });
  });

  it("lists the external keys it does not cover", () => {
    const verdict = exceptionVerdict(approvedException({ allowedChannels: ["telegram"] }), ["telegram", "gmail", "x"], NOW);
    expect(verdict).toEqual({ valid: false, status: "approved", uncovered: ["gmail", "x"] });
  });
});

describe("checkGoldenRule", () => {
  const violating = { internalDataAccess: "confidential" as const, channels: ["telegram"], grants: [] };

  it("raises nothing with internal data access only", () => {
    expect(checkGoldenRule(makeBot({ internalDataAccess: "restricted", grants: [grant("github", "write")] }), SYSTEMS, NOW)).toBeNull();
  });

  it("raises nothing with external communication only", () => {
    expect(checkGoldenRule(makeBot({ channels: ["telegram"], grants: [grant("x", "write")] }), SYSTEMS, NOW)).toBeNull();
  });

  it("raises a high finding when both and no exception", () => {
    const finding = checkGoldenRule(makeBot({ ...violating, grants: [grant("github", "read", null, "github:issues:read")] }), SYSTEMS, NOW);
    expect(finding).toMatchObject({ kind: "golden_rule", rule: "BR-GOLDEN-RULE", severity: "high" });
    expect(finding?.message).toBe(
      "The bot has internal data access (data access level confidential, grant github:issues:read) and external communication (channel telegram) without a Golden Rule exception.",
    );
    expect(finding?.details).toEqual({
      internalSources: ["data access level confidential", "grant github:issues:read"],
      externalSources: ["channel telegram"],
      exceptionStatus: "none",
    });
    expect(finding?.remediation).toContain("request a Golden Rule exception covering telegram");
  });

  it("raises nothing when a grant giving external communication has expired", () => {
    const bot = makeBot({ internalDataAccess: "internal", grants: [grant("x", "write", daysFromNow(-1))] });
    expect(checkGoldenRule(bot, SYSTEMS, NOW)).toBeNull();
  });

  it("raises on a single `both` write grant", () => {
    const finding = checkGoldenRule(makeBot({ grants: [grant("gmail", "write", null, "gmail:send")] }), SYSTEMS, NOW);
    expect(finding?.details).toMatchObject({ internalSources: ["grant gmail:send"], externalSources: ["grant gmail:send"] });
  });

  it("accepts a valid approved exception", () => {
    const bot = makeBot({ ...violating, exception: approvedException({ allowedChannels: ["telegram"], expiresAt: daysFromNow(30) }) });
    expect(checkGoldenRule(bot, SYSTEMS, NOW)).toBeNull();
  });

  it("says when and that the exception expired", () => {
    const bot = makeBot({
      ...violating,
      exception: approvedException({ allowedChannels: ["telegram"], expiresAt: new Date("2025-05-31T23:00:00.000Z") }),
    });
    const finding = checkGoldenRule(bot, SYSTEMS, NOW);
    expect(finding?.message).toContain("its Golden Rule exception expired on 2025-05-31.");
    expect(finding?.details).toMatchObject({ exceptionStatus: "expired", exceptionExpiredAt: "2025-05-31" });
    expect(finding?.remediation).toContain("renewal");
  });

  it("says the exception is pending, denied or revoked", () => {
    const covering = { allowedChannels: ["telegram"] };
    const pending = checkGoldenRule(makeBot({ ...violating, exception: approvedException({ ...covering, status: "pending" }) }), SYSTEMS, NOW);
    expect(pending?.message).toContain("its Golden Rule exception is still pending approval.");
    expect(pending?.details?.exceptionStatus).toBe("pending");

    const denied = checkGoldenRule(makeBot({ ...violating, exception: approvedException({ ...covering, status: "denied" }) }), SYSTEMS, NOW);
    expect(denied?.message).toContain("its Golden Rule exception was denied.");
    expect(denied?.details?.exceptionStatus).toBe("denied");

    const revoked = checkGoldenRule(makeBot({ ...violating, exception: approvedException({ ...covering, status: "revoked" }) }), SYSTEMS, NOW);
    expect(revoked?.message).toContain("its Golden Rule exception was revoked.");
    expect(revoked?.details?.exceptionStatus).toBe("revoked");
  });

  it("names what an approved exception does not cover", () => {
    const bot = makeBot({
      ...violating,
      channels: ["telegram", "discord"],
      grants: [grant("gmail", "write")],
      exception: approvedException({ allowedChannels: ["telegram"] }),
    });
    const finding = checkGoldenRule(bot, SYSTEMS, NOW);
    expect(finding?.message).toContain("its approved Golden Rule exception does not cover gmail and discord.");
    expect(finding?.details).toMatchObject({ exceptionStatus: "approved", uncovered: ["gmail", "discord"] });
    expect(finding?.remediation).toContain("Add gmail and discord to the exception");
  });

  it("does not accept an exception that covers only an unknown channel's neighbour", () => {
    const bot = makeBot({ internalDataAccess: "internal", channels: ["whatsapp"], exception: approvedException({ allowedChannels: ["telegram"] }) });
    expect(checkGoldenRule(bot, SYSTEMS, NOW)?.details).toMatchObject({ uncovered: ["whatsapp"] });
  });
});
