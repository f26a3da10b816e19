import { RUNTIME_PROFILE_FIELDS } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { checkRuntimeProfile, missingRuntimeProfileFields } from "./runtime-profile.ts";
import { FULL_PROFILE } from "./test-support.ts";

describe("missingRuntimeProfileFields", () => {
  it("finds nothing missing in a complete profile", () => {
    expect(missingRuntimeProfileFields(FULL_PROFILE)).toEqual([]);
  });

  it("treats null, undefined, blank strings and empty arrays as missing, in field order", () => {
    const missing = missingRuntimeProfileFields({
      ...FULL_PROFILE,
      runtimeOwner: null,
      hostingEnvironment: "",
      workspacePersistence: "   ",
      networkAccessPolicy: [],
      allowedTools: null,
      shellExecutionPolicy: undefined,
    });
    expect(missing).toEqual([
      "runtimeOwner",
      "hostingEnvironment",
      "workspacePersistence",
      "networkAccessPolicy",
      "allowedTools",
      "shellExecutionPolicy",
    ]);
  });

  it("reports every field for an empty profile", () => {
    expect(missingRuntimeProfileFields({})).toEqual([...RUNTIME_PROFILE_FIELDS]);
  });
});

describe("checkRuntimeProfile", () => {
  it("returns null for a complete profile", () => {
    expect(checkRuntimeProfile(FULL_PROFILE)).toBeNull();
  });

  it("lists the missing fields", () => {
    const finding = checkRuntimeProfile({ ...FULL_PROFILE, dataRetention: null, incidentResponseOwner: "" });
    expect(finding).toMatchObject({ kind: "runtime_profile_incomplete", rule: "BR-RUNTIME-PROFILE", severity: "low" });
    expect(finding?.details).toEqual({ missing: ["dataRetention", "incidentResponseOwner"] });
    expect(finding?.message).toBe("The bot's runtime profile does not document its data retention period and incident response owner.");
  });
});
