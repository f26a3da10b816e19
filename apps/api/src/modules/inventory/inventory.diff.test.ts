import { ZBotInput, type TBotInputParsed } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { fieldChanges, mergeOverStored, scopeRemovals, withoutFileApproval } from "./inventory.diff.ts";

const bot = (over: Record<string, unknown> = {}): TBotInputParsed =>
  ZBotInput.parse({
    name: "a-bot",
    owner: "ana@acme.example",
    team: "platform",
    purpose: "Triage",
    environment: "test",
    channels: ["slack-internal"],
    grants: [{ system: "github", scope: "github:issues:write", access: "write" }],
    serviceAccounts: [{ system: "github", account: "a-bot" }],
    credentialReferences: [{ system: "github", reference: "op://bots/a/github" }],
    runtimeProfile: { dataRetention: "7 days", runtimeOwner: "ana@acme.example" },
    ...over,
  });

describe("an import's plan", () => {
  it("lays a record over the stored bot: missing keys kept, runtime profile merged by key, the stored exception not carried", () => {
    const stored = bot({
      exception: {
        status: "approved",
        businessPurpose: "p",
        allowedSystems: [],
        allowedChannels: [],
        dataClassification: "internal",
        approvalRequirements: "r",
      },
    });
    const merged = mergeOverStored({ name: "a-bot", purpose: "New", runtimeProfile: { dataRetention: null } }, stored) as Record<string, unknown>;
    expect(merged).toEqual({ ...stored, exception: undefined, purpose: "New", runtimeProfile: { dataRetention: null, runtimeOwner: "ana@acme.example" } });
    expect("exception" in merged).toBe(false);
    expect(mergeOverStored({ name: "b-bot" }, undefined)).toEqual({ name: "b-bot" });
    expect(mergeOverStored("not an object", stored)).toBe("not an object");
  });

  it("lists removed grants, channels, references and accounts; a grant whose expiry changes is a change, not a removal", () => {
    const before = bot();
    const after = bot({
      channels: [],
      grants: [{ system: "github", scope: "github:issues:write", access: "write", expiresAt: "2027-01-31" }],
      serviceAccounts: [{ system: "github", account: "A-BOT" }],
      credentialReferences: [],
    });
    expect(scopeRemovals(before, after)).toEqual([
      { kind: "channel", value: "slack-internal" },
      { kind: "credentialReference", value: "github=op://bots/a/github" },
    ]);
    expect(fieldChanges({ before, after, changedKeys: ["grants"], domain: "acme.example", fieldName: (p) => p })).toEqual([
      { field: "grants", before: "github:issues:write", after: "github:issues:write@2027-01-31" },
    ]);
    expect(scopeRemovals(before, before)).toEqual([]);
  });

  it("drops a file's claim of who approved an exception and when, and nothing else", () => {
    const exception = { status: "approved", businessPurpose: "p", approvedBy: "the CISO", approvedAt: "2020-01-01", expiresAt: "2027-01-01" };
    expect(withoutFileApproval({ name: "a-bot", exception })).toEqual({
      name: "a-bot",
      exception: { status: "approved", businessPurpose: "p", expiresAt: "2027-01-01" },
    });
    expect(withoutFileApproval({ name: "a-bot", exception: null })).toEqual({ name: "a-bot", exception: null });
    expect(withoutFileApproval({ name: "a-bot" })).toEqual({ name: "a-bot" });
  });
});
