import { describe, expect, it } from "vitest";
import { evaluateBot } from "./evaluate.ts";
import { buildIdentityIndex } from "./identity.ts";
import { checkCredentialRotation, rotationDueAt, rotationState, type CredentialRotationFacts } from "./rotation.ts";
import { CTX, makeBot } from "./test-support.ts";

const now = new Date("2026-11-20T12:00:00Z");
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const ref = (over: Partial<CredentialRotationFacts> = {}): CredentialRotationFacts => ({
  id: "00000000-0000-4000-8000-0000000000c1",
  system: "github",
  reference: "op://bots-prod/triage-bot/github-token",
  status: "active",
  rotationIntervalDays: 90,
  lastRotatedAt: day("2026-10-01"),
  createdAt: day("2025-01-01"),
  rotationDueSince: null,
  rotationDueReason: null,
  ...over,
});

describe("rotation state of a credential reference", () => {
  it("is ok before its interval passes, due from the day it passes, overdue 7 days later", () => {
    expect(rotationState(ref(), now)).toBe("ok");
    expect(rotationDueAt(ref())?.toISOString()).toBe("2026-12-30T12:00:00.000Z");
    expect(rotationState(ref({ lastRotatedAt: day("2026-08-22") }), now)).toBe("due"); // due 2026-11-20
    expect(rotationState(ref({ lastRotatedAt: day("2026-08-14") }), now)).toBe("overdue"); // due 2026-11-12
  });

  it("counts from creation when never rotated, and has no due date without an interval unless marked", () => {
    expect(rotationDueAt(ref({ lastRotatedAt: null }))?.toISOString()).toBe("2025-04-01T12:00:00.000Z");
    expect(rotationState(ref({ rotationIntervalDays: null }), now)).toBe("no_interval");
    expect(rotationState(ref({ rotationIntervalDays: null, status: "rotation_due", rotationDueSince: day("2026-11-19"), rotationDueReason: "owner_changed" }), now)).toBe("due");
  });

  it("takes the earlier of the date it was marked due and its interval; a revoked one is never due", () => {
    const marked = ref({ status: "rotation_due", rotationDueSince: day("2026-11-01"), rotationDueReason: "scope_changed" });
    expect(rotationDueAt(marked)?.toISOString()).toBe("2026-11-01T12:00:00.000Z");
    expect(rotationState(marked, now)).toBe("overdue");
    expect(rotationState(ref({ status: "revoked", lastRotatedAt: day("2020-01-01") }), now)).toBe("revoked");
  });
});

describe("BR-CREDENTIAL-ROTATION findings", () => {
  it("raises one finding per due or overdue reference, naming the system, reference and why", () => {
    const bot = makeBot({
      credentialReferences: [
        ref(),
        ref({ id: "00000000-0000-4000-8000-0000000000c2", system: "linear", reference: "op://bots-prod/triage-bot/linear", lastRotatedAt: day("2026-08-14") }),
        ref({ id: "00000000-0000-4000-8000-0000000000c3", system: "slack", reference: "op://bots-prod/triage-bot/slack", status: "rotation_due", rotationDueSince: day("2026-11-20"), rotationDueReason: "owner_changed" }),
      ],
    });
    const findings = checkCredentialRotation(bot, now);
    expect(findings.map((f) => [f.details?.system, f.details?.state, f.details?.reason])).toEqual([
      ["linear", "overdue", "interval"],
      ["slack", "due", "owner_changed"],
    ]);
    expect(findings[0]!.message).toContain("rotated every 90 days and was last rotated on 2026-08-14");
    expect(findings[1]!.message).toContain("its bot changed owner");
    expect(findings.every((f) => f.rule === "BR-CREDENTIAL-ROTATION" && f.kind === "credential_rotation_due")).toBe(true);
  });

  it("is part of the bot's findings, and skips offboarded and proposed bots", () => {
    const due = [ref({ lastRotatedAt: day("2026-01-01") })];
    const ctx = { ...CTX, now };
    expect(evaluateBot(makeBot({ credentialReferences: due }), ctx, buildIdentityIndex([])).map((f) => f.kind)).toContain("credential_rotation_due");
    expect(checkCredentialRotation(makeBot({ status: "proposed", credentialReferences: due }), now)).toEqual([]);
    expect(checkCredentialRotation(makeBot({ status: "offboarded", credentialReferences: due }), now)).toEqual([]);
  });
});
