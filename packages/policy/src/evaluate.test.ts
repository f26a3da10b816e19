import { FINDING_KINDS, ZFinding } from "@bridle/contracts";
import type { TFindingKind } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { evaluateBot, evaluateInventory } from "./evaluate.ts";
import { buildIdentityIndex } from "./identity.ts";
import { CTX, ctxWith, daysFromNow, grant, makeBot } from "./test-support.ts";
import type { BotFacts } from "./types.ts";

const kinds = (findings: readonly { kind: TFindingKind }[]) => findings.map((f) => f.kind);

/** A bot that breaks every rule once (and the channel and identity rules twice). */
function worstBot(): [BotFacts, BotFacts] {
  const bot = makeBot({
    runtime: {
      lastSeenAt: daysFromNow(-1),
      gaps: [{ sessionId: "s1", kind: "undecided_call", tool: "exec", message: "exec ran without a decision", at: daysFromNow(-1) }],
    },
    name: "scraper",
    email: null,
    owner: { email: "bob@acme.example", status: "deactivated" },
    internalDataAccess: "restricted",
    channels: ["telegram", "discord"],
    grants: [grant("github", "read")],
    serviceAccounts: [{ system: "github", account: "shared-sa" }],
    lastReviewedAt: daysFromNow(-200),
    runtimeProfile: { allowedTools: ["curl@latest"] },
    credentialReferences: [
      {
        id: "00000000-0000-4000-8000-0000000000c1",
        system: "github",
        reference: "op://bots/scraper/github",
        status: "active",
        rotationIntervalDays: 30,
        lastRotatedAt: daysFromNow(-40),
        createdAt: daysFromNow(-400),
        rotationDueSince: null,
        rotationDueReason: null,
      },
    ],
  });
  const twin = makeBot({ environment: "staging", serviceAccounts: [{ system: "github", account: "shared-sa" }] });
  return [bot, twin];
}

describe("evaluateBot", () => {
  it("raises nothing for a well-governed bot", () => {
    const bot = makeBot();
    expect(evaluateBot(bot, CTX, buildIdentityIndex([bot]))).toEqual([]);
  });

  it("raises every kind, ordered by FINDING_KINDS, each a valid Finding", () => {
    const [bot, twin] = worstBot();
    const findings = evaluateBot(bot, CTX, buildIdentityIndex([bot, twin]));
    expect(kinds(findings)).toEqual([
      "golden_rule",
      "orphaned",
      "disallowed_channel",
      "disallowed_channel",
      "naming",
      "bot_email",
      "shared_identity",
      "review_overdue",
      "runtime_profile_incomplete",
      "unapproved_skill",
      "credential_rotation_due",
      "runtime_silent",
      "enforcement_gap",
    ]);
    // offboarding_incomplete is an offboarded bot's only rule (below): never beside the others.
    expect(new Set(kinds(findings))).toEqual(new Set(FINDING_KINDS.filter((k) => k !== "offboarding_incomplete")));
    for (const finding of findings) expect(ZFinding.safeParse(finding).success).toBe(true);
    // Within a kind, channels come out sorted.
    expect(findings.filter((f) => f.kind === "disallowed_channel").map((f) => f.details?.channel)).toEqual(["discord", "telegram"]);
  });

  it("raises only offboarding_incomplete for an offboarded bot that still holds something, and nothing once it holds nothing", () => {
    const [bot, twin] = worstBot();
    const offboarded = { ...bot, status: "offboarded" as const, liveTokens: 2 };
    const findings = evaluateBot(offboarded, CTX, buildIdentityIndex([offboarded, twin]));
    expect(kinds(findings)).toEqual(["offboarding_incomplete"]);
    expect(findings[0]!.message).toContain("2 live runtime tokens");
    expect(ZFinding.safeParse(findings[0]).success).toBe(true);
    const clean = { ...offboarded, grants: [], liveTokens: 0, credentialReferences: offboarded.credentialReferences.map((r) => ({ ...r, status: "revoked" as const })) };
    expect(evaluateBot(clean, CTX, buildIdentityIndex([clean, twin]))).toEqual([]);
  });

  it("still evaluates proposed and offboarding bots, but skips their review", () => {
    for (const status of ["proposed", "offboarding"] as const) {
      const [bot, twin] = worstBot();
      const findings = evaluateBot({ ...bot, status }, CTX, buildIdentityIndex([{ ...bot, status }, twin]));
      expect(kinds(findings)).not.toContain("review_overdue");
      expect(kinds(findings)).toContain("golden_rule");
      expect(kinds(findings)).toContain("orphaned");
    }
  });

  it("applies the context's policy and clock", () => {
    const bot = makeBot({ name: "triage", channels: ["whatsapp"] });
    const index = buildIdentityIndex([bot]);
    expect(kinds(evaluateBot(bot, CTX, index))).toEqual(["naming"]);
    const strict = ctxWith({ channelAllowlist: ["slack"], namingRule: { requiredTokens: [], orgPrefix: null } });
    expect(kinds(evaluateBot(bot, strict, index))).toEqual(["disallowed_channel"]);
    const later = { ...CTX, now: daysFromNow(200) };
    expect(kinds(evaluateBot(bot, later, index))).toEqual(["naming", "review_overdue"]);
  });
});

describe("evaluateInventory", () => {
  it("returns an entry per bot and finds identities shared across the inventory", () => {
    const [bot, twin] = worstBot();
    const clean = makeBot();
    const result = evaluateInventory([bot, twin, clean], CTX);
    expect([...result.keys()]).toEqual([bot.id, twin.id, clean.id]);
    expect(result.get(clean.id)).toEqual([]);
    expect(kinds(result.get(twin.id) ?? [])).toEqual(["shared_identity"]);
    expect(result.get(twin.id)?.[0]?.message).toContain('production bot "scraper": one identity per environment');
  });

  it("handles an empty inventory", () => {
    expect(evaluateInventory([], CTX).size).toBe(0);
  });

  it("evaluates 10,000 bots with 5 grants each", () => {
    const bots: BotFacts[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      const violating = i % 10 === 0;
      bots.push(
        makeBot({
          name: `load-bot-${i}`,
          internalDataAccess: i % 2 === 0 ? "internal" : "none",
          channels: violating ? ["slack", "telegram"] : ["slack"],
          grants: [
            grant("github", "read"),
            grant("axiom", "read"),
            grant("slack", "write"),
            grant("gmail", "read"),
            grant("github", "write", daysFromNow(i % 3 === 0 ? -1 : 1)),
          ],
          serviceAccounts: [{ system: "github", account: i % 1000 === 1 ? "shared-loader" : `load-bot-${i}` }],
        }),
      );
    }
    const result = evaluateInventory(bots, CTX);
    expect(result.size).toBe(10_000);
    const count = (kind: TFindingKind) => [...result.values()].filter((fs) => fs.some((f) => f.kind === kind)).length;
    // Every 10th bot is even, so it has internal data and talks on blocklisted telegram.
    expect(count("golden_rule")).toBe(1_000);
    expect(count("disallowed_channel")).toBe(1_000);
    // Bots 1, 1001, ..., 9001 share one GitHub service account.
    expect(count("shared_identity")).toBe(10);
    const total = [...result.values()].reduce((sum, fs) => sum + fs.length, 0);
    expect(total).toBe(2_010);
  });
});
