import { describe, expect, it } from "vitest";
import { buildIdentityIndex, checkBotEmail, checkSharedIdentity, expectedBotEmail, identityKeysOf, sharedIdentityKeysOf } from "./identity.ts";
import { makeBot } from "./test-support.ts";

describe("expectedBotEmail", () => {
  it("is <name>.bot@<domain>, lowercased", () => {
    expect(expectedBotEmail("Triage-Bot", "ACME.example")).toBe("triage-bot.bot@acme.example");
  });
});

describe("checkBotEmail", () => {
  it("accepts the expected email, case-insensitively", () => {
    expect(checkBotEmail({ name: "triage-bot", email: "triage-bot.bot@acme.example" }, "acme.example")).toBeNull();
    expect(checkBotEmail({ name: "triage-bot", email: "Triage-Bot.BOT@Acme.Example" }, "acme.example")).toBeNull();
  });

  it("flags a bot without an email", () => {
    const finding = checkBotEmail({ name: "triage-bot", email: null }, "acme.example");
    expect(finding).toMatchObject({ kind: "bot_email", rule: "BR-BOT-EMAIL", severity: "medium" });
    expect(finding?.message).toBe("The bot has no bot email; it should be triage-bot.bot@acme.example.");
    expect(finding?.details).toEqual({ expected: "triage-bot.bot@acme.example", actual: null });
  });

  it("treats an empty email as missing", () => {
    expect(checkBotEmail({ name: "triage-bot", email: "" }, "acme.example")?.message).toContain("no bot email");
  });

  it("flags a non-standard email, e.g. a human's mailbox", () => {
    const finding = checkBotEmail({ name: "triage-bot", email: "alice@acme.example" }, "acme.example");
    expect(finding?.details).toEqual({ expected: "triage-bot.bot@acme.example", actual: "alice@acme.example" });
    expect(finding?.message).toBe(
      "The bot email alice@acme.example does not match the org convention; it should be triage-bot.bot@acme.example.",
    );
  });

  it("flags the right local part on the wrong domain", () => {
    expect(checkBotEmail({ name: "triage-bot", email: "triage-bot.bot@other.example" }, "acme.example")).not.toBeNull();
  });
});

describe("shared identity", () => {
  it("finds nothing when every bot has its own identities", () => {
    const a = makeBot({ serviceAccounts: [{ system: "github", account: "a-bot" }] });
    const b = makeBot({ serviceAccounts: [{ system: "github", account: "b-bot" }] });
    const index = buildIdentityIndex([a, b]);
    expect(checkSharedIdentity(a, index)).toEqual([]);
    expect(checkSharedIdentity(b, index)).toEqual([]);
  });

  it("does not treat a bot listing the same service account twice as sharing", () => {
    const a = makeBot({ serviceAccounts: [{ system: "github", account: "a-bot" }, { system: "GitHub", account: "A-BOT" }] });
    expect(checkSharedIdentity(a, buildIdentityIndex([a]))).toEqual([]);
  });

  it("flags a shared email on both bots, case-insensitively, naming the other bot", () => {
    const a = makeBot({ name: "alpha-bot", email: "shared.bot@acme.example" });
    const b = makeBot({ name: "beta-bot", email: "Shared.Bot@ACME.example" });
    const index = buildIdentityIndex([a, b]);
    const [fa] = checkSharedIdentity(a, index);
    expect(fa).toMatchObject({ kind: "shared_identity", rule: "BR-SHARED-IDENTITY", severity: "high" });
    expect(fa?.details).toEqual({
      identity: "shared.bot@acme.example",
      kind: "email",
      otherBots: [{ id: b.id, name: "beta-bot", environment: "production" }],
      otherBotCount: 1,
    });
    expect(fa?.message).toBe(
      'The bot email shared.bot@acme.example is shared with production bot "beta-bot": every bot needs its own identity.',
    );
    expect(checkSharedIdentity(b, index)[0]?.details?.otherBots).toEqual([{ id: a.id, name: "alpha-bot", environment: "production" }]);
  });

  it("says one identity per environment when the other bot runs elsewhere", () => {
    const prod = makeBot({ name: "deploy-bot", environment: "production", serviceAccounts: [{ system: "github", account: "deploy-bot" }] });
    const staging = makeBot({ name: "deploy-bot-stg", environment: "staging", serviceAccounts: [{ system: "github", account: "Deploy-Bot" }] });
    const index = buildIdentityIndex([prod, staging]);
    const findings = checkSharedIdentity(prod, index);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.details).toEqual({
      identity: "deploy-bot",
      kind: "service_account",
      system: "github",
      otherBots: [{ id: staging.id, name: "deploy-bot-stg", environment: "staging" }],
      otherBotCount: 1,
    });
    expect(findings[0]?.message).toBe(
      'The github service account deploy-bot is shared with staging bot "deploy-bot-stg": one identity per environment, never shared across environments.',
    );
  });

  it("keys service accounts by system: the same account name on two systems is not shared", () => {
    const a = makeBot({ serviceAccounts: [{ system: "github", account: "ops-bot" }] });
    const b = makeBot({ serviceAccounts: [{ system: "slack", account: "ops-bot" }] });
    expect(checkSharedIdentity(a, buildIdentityIndex([a, b]))).toEqual([]);
  });

  it("raises one finding per shared identity: email first, then service accounts by system", () => {
    const a = makeBot({
      email: "x.bot@acme.example",
      serviceAccounts: [
        { system: "slack", account: "s1" },
        { system: "github", account: "g1" },
        { system: "axiom", account: "mine" },
      ],
    });
    const b = makeBot({ email: "x.bot@acme.example", serviceAccounts: [{ system: "github", account: "g1" }] });
    const c = makeBot({ serviceAccounts: [{ system: "slack", account: "s1" }] });
    const findings = checkSharedIdentity(a, buildIdentityIndex([a, b, c]));
    expect(findings.map((f) => [f.details?.kind, f.details?.system, f.details?.identity])).toEqual([
      ["email", undefined, "x.bot@acme.example"],
      ["service_account", "github", "g1"],
      ["service_account", "slack", "s1"],
    ]);
  });

  it("lists other bots sorted by name regardless of input order, and counts them", () => {
    const bots = ["delta-bot", "alpha-bot", "charlie-bot", "bravo-bot"].map((name) => makeBot({ name, email: "pool.bot@acme.example" }));
    const index = buildIdentityIndex(bots);
    const finding = checkSharedIdentity(bots[0]!, index)[0];
    expect((finding?.details?.otherBots as { name: string }[]).map((b) => b.name)).toEqual(["alpha-bot", "bravo-bot", "charlie-bot"]);
    expect(finding?.details?.otherBotCount).toBe(3);
    expect(finding?.message).toContain('production bot "alpha-bot", production bot "bravo-bot" and production bot "charlie-bot"');
  });

  it("caps the names in the message and summarises the rest", () => {
    const bots = Array.from({ length: 8 }, (_, i) => makeBot({ name: `pool-bot-${i}`, email: "pool.bot@acme.example" }));
    const finding = checkSharedIdentity(bots[0]!, buildIdentityIndex(bots))[0];
    expect(finding?.details?.otherBotCount).toBe(7);
    expect(finding?.message).toContain("and 2 other bots:");
  });

  it("checks a bot that is not in the index (e.g. one being registered) against those that are", () => {
    const existing = makeBot({ name: "old-bot", email: "taken.bot@acme.example", serviceAccounts: [{ system: "github", account: "taken" }] });
    const index = buildIdentityIndex([existing]);
    const candidate = makeBot({ email: "taken.bot@acme.example", serviceAccounts: [{ system: "github", account: "taken" }] });
    expect(checkSharedIdentity(candidate, index).map((f) => f.details?.kind)).toEqual(["email", "service_account"]);
    expect(checkSharedIdentity(existing, index)).toEqual([]);
  });

  it("says one identity per environment when any other bot, even beyond the listed ones, runs elsewhere", () => {
    const bots = Array.from({ length: 60 }, (_, i) => makeBot({ name: `a-${String(i).padStart(2, "0")}-bot`, email: "pool.bot@acme.example" }));
    bots.push(makeBot({ name: "z-bot", environment: "test", email: "pool.bot@acme.example" }));
    const finding = checkSharedIdentity(bots[0]!, buildIdentityIndex(bots))[0];
    expect(finding?.details?.otherBotCount).toBe(60);
    expect((finding?.details?.otherBots as unknown[]).length).toBe(50);
    expect(finding?.message).toContain("one identity per environment");
  });

  it("ignores offboarded bots: their identities are revoked", () => {
    const active = makeBot({ email: "reused.bot@acme.example" });
    const gone = makeBot({ email: "reused.bot@acme.example", status: "offboarded" });
    expect(checkSharedIdentity(active, buildIdentityIndex([active, gone]))).toEqual([]);
  });

  it("ignores bots without an email", () => {
    const a = makeBot({ email: null });
    const b = makeBot({ email: null });
    expect(checkSharedIdentity(a, buildIdentityIndex([a, b]))).toEqual([]);
  });
});

describe("identity keys (what an incremental recompute looks up)", () => {
  it("keys a bot's email and service accounts the way the shared-identity check compares them", () => {
    const bot = makeBot({ email: " Triage.Bot@Acme.Example ", serviceAccounts: [{ system: "GitHub", account: " Deploy-Bot " }, { system: "linear", account: " " }] });
    expect(identityKeysOf(bot).map((k) => k.key)).toEqual(["email:triage.bot@acme.example", "sa:github\u0000deploy-bot"]);
    expect(identityKeysOf(bot).map((k) => k.value)).toEqual(["triage.bot@acme.example", "deploy-bot"]);
  });

  it("gives an offboarded bot no identity, as the index does", () => {
    expect(identityKeysOf(makeBot({ status: "offboarded", email: "x.bot@acme.example" }))).toEqual([]);
  });

  it("reads back, from a bot's shared-identity findings, the same keys its identities have", () => {
    const a = makeBot({ email: "Shared.Bot@acme.example", serviceAccounts: [{ system: "GitHub", account: "Deploy-Bot" }] });
    const b = makeBot({ email: "shared.bot@ACME.example", serviceAccounts: [{ system: "github", account: "deploy-bot" }] });
    const findings = checkSharedIdentity(a, buildIdentityIndex([a, b]));
    expect(findings).toHaveLength(2);
    expect(sharedIdentityKeysOf(findings).map((k) => k.key)).toEqual(identityKeysOf(b).map((k) => k.key));
  });
});
