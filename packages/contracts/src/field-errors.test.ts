import { describe, expect, it } from "vitest";
import { ZBotInput } from "./bots.ts";
import { ZEngageKillSwitchRequest } from "./kill-switch.ts";
import { fieldErrorsSummary, fieldLabel, toFieldErrors } from "./index.ts";

describe("field errors", () => {
  it("labels fields as the console does, numbering list rows from 1", () => {
    expect(fieldLabel(["team"])).toBe("Team");
    expect(fieldLabel(["grants", "1", "scope"])).toBe("Grant scope (row 2)");
    expect(fieldLabel(["runtimeProfile", "dataRetention"])).toBe("Data retention");
    expect(fieldLabel(["someNewField"])).toBe("Some new field");
    expect(fieldLabel(["search"], "query")).toBe("Parameter search");
  });

  it("turns a bot's zod issues into sentences about the fields a person sees, without quoting the input", () => {
    const secret = "ghp_R8nq1Vw2xYz3AbCdEfGhIjKlMnOpQrStUv4W";
    const parsed = ZBotInput.safeParse({ name: "", owner: "", team: "", purpose: secret, environment: "prod", extra: 1, channels: "slack" });
    expect(parsed.success).toBe(false);
    const fields = toFieldErrors(parsed.error!.issues);
    expect(fields).toEqual([
      { path: ["name"], code: "required", message: "Name is required" },
      { path: ["owner"], code: "required", message: "Owner: choose the owner" },
      { path: ["team"], code: "required", message: "Team: choose a team" },
      { path: ["environment"], code: "invalid_choice", message: "Environment: choose one of production, staging, test" },
      { path: ["channels"], code: "invalid_type", message: "Channels: must be a list" },
      { path: ["extra"], code: "unknown_field", message: "Unknown field extra: Bridle does not accept it here" },
    ]);
    expect(JSON.stringify(fields)).not.toContain(secret);
    expect(fieldErrorsSummary(fields)).toBe("Name is required (and 5 more problems)");
  });

  it("names an unknown query parameter and what the endpoint accepts", () => {
    const fields = toFieldErrors([{ code: "unrecognized_keys", path: [], keys: ["search"], message: "" }], { in: "query", acceptedKeys: ["limit", "q"] });
    expect(fields).toEqual([{ path: ["search"], code: "unknown_parameter", in: "query", message: "Unknown parameter search: this endpoint accepts limit, q" }]);
  });

  it("names the accepted kinds when a tagged choice matches none (the kill switch's scope), and labels a money field", () => {
    const parsed = ZEngageKillSwitchRequest.safeParse({ scope: { kind: "planet", subject: "x" }, mode: "pause", reason: "containing a leak" });
    expect(parsed.success).toBe(false);
    expect(toFieldErrors(parsed.error!.issues)).toEqual([
      { path: ["scope", "kind"], code: "invalid", message: "Scope: choose one of bot, team, channel, skill, all" },
    ]);
    expect(fieldLabel(["capUsd"])).toBe("Cap (USD)");
  });
});
