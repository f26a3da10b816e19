import { describe, expect, it } from "vitest";
import { changeOf, policyVersions } from "./diff.ts";

/** The audit event page's before/after view, from the details shapes the server writes. */
describe("changeOf", () => {
  it("reads typed changes ({ field: { before, after } }), a record field inside it field by field", () => {
    const details = {
      version: { before: 3, after: 4 },
      changes: {
        reviewIntervalDays: { before: 90, after: 45 },
        namingRule: { before: { requiredTokens: ["bot"], orgPrefix: "acme-" }, after: { requiredTokens: ["bot"], orgPrefix: "acme-corp-" } },
        channelAllowlist: { before: ["slack-internal"], after: ["slack-internal", "teams"] },
      },
      findingsChanged: 2,
    };
    expect(changeOf(details)).toEqual({
      rows: [
        { field: "reviewIntervalDays", kind: "changed", before: 90, after: 45 },
        { field: "namingRule.orgPrefix", kind: "changed", before: "acme-", after: "acme-corp-" },
        { field: "channelAllowlist", kind: "changed", before: ["slack-internal"], after: ["slack-internal", "teams"] },
      ],
      usedKeys: ["changes"],
    });
    expect(policyVersions(details)).toEqual({ before: 3, after: 4 });
    expect(changeOf({ name: "acme-triage-bot", changes: { owner: { before: null, after: "a@acme.example" } } })?.rows).toEqual([
      { field: "owner", kind: "added", before: null, after: "a@acme.example" },
    ]);
  });

  it("reads an older policy.update's before and after field by field, a changed list whole", () => {
    const before = { version: 3, reviewIntervalDays: 90, channelAllowlist: ["slack-internal"], namingRule: { requiredTokens: ["bot"], orgPrefix: "acme-" } };
    const after = { version: 4, reviewIntervalDays: 45, channelAllowlist: ["slack-internal", "teams"], namingRule: { requiredTokens: ["bot"], orgPrefix: "acme-" } };
    expect(changeOf({ before, after, changes: { reviewIntervalDays: 45 }, policyVersion: 4 })).toEqual({
      rows: [
        { field: "version", kind: "changed", before: 3, after: 4 },
        { field: "reviewIntervalDays", kind: "changed", before: 90, after: 45 },
        { field: "channelAllowlist", kind: "changed", before: ["slack-internal"], after: ["slack-internal", "teams"] },
      ],
      usedKeys: ["before", "after", "changes"],
    });
    expect(policyVersions({ before, after, policyVersion: 4 })).toEqual({ before: 3, after: 4 });
  });

  it("reads an older policy.update (before and changes) as the changed keys only", () => {
    expect(changeOf({ before: { reviewIntervalDays: 90, orgName: "Acme" }, changes: { reviewIntervalDays: 30 } })?.rows).toEqual([
      { field: "reviewIntervalDays", kind: "changed", before: 90, after: 30 },
    ]);
  });

  it("shows a creation and a removal, and new values whose old ones were not recorded", () => {
    expect(changeOf({ before: null, after: { mode: "deny" } })?.rows).toEqual([{ field: "mode", kind: "added", before: undefined, after: "deny" }]);
    expect(changeOf({ before: { key: "discord" }, findingsChanged: 2 })?.rows).toEqual([{ field: "key", kind: "removed", before: "discord", after: undefined }]);
    expect(changeOf({ changes: { ssoEnabled: true }, clientSecret: "set" })).toEqual({
      rows: [{ field: "ssoEnabled", kind: "changed", before: undefined, after: true, beforeUnknown: true }],
      usedKeys: ["changes"],
    });
  });

  it("pairs xBefore / xAfter keys, and has nothing to say about details without values", () => {
    expect(changeOf({ email: "a@acme.example", rolesBefore: ["auditor"], rolesAfter: ["auditor", "admin"] })).toEqual({
      rows: [{ field: "roles", kind: "changed", before: ["auditor"], after: ["auditor", "admin"] }],
      usedKeys: ["rolesBefore", "rolesAfter"],
    });
    expect(changeOf({ changed: ["purpose"] })).toBeNull();
    expect(changeOf({})).toBeNull();
  });
});
