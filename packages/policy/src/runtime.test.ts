import { describe, expect, it } from "vitest";
import { checkEnforcementGap, checkRuntimeSilent } from "./runtime.ts";
import { makeBot } from "./test-support.ts";

const now = new Date("2026-11-30T12:00:00Z");
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

describe("checkRuntimeSilent", () => {
  it("flags an active bot whose heartbeats stopped for 15 minutes or more", () => {
    const f = checkRuntimeSilent(makeBot({ runtime: { lastSeenAt: ago(16), gaps: [] } }), now);
    expect(f?.kind).toBe("runtime_silent");
    expect(f?.message).toContain("16 minutes");
  });
  it("stays quiet for a recent heartbeat, a bot that never reported, and a paused bot", () => {
    expect(checkRuntimeSilent(makeBot({ runtime: { lastSeenAt: ago(14), gaps: [] } }), now)).toBeNull();
    expect(checkRuntimeSilent(makeBot(), now)).toBeNull();
    expect(checkRuntimeSilent(makeBot({ status: "paused", runtime: { lastSeenAt: ago(600), gaps: [] } }), now)).toBeNull();
  });
});

describe("checkEnforcementGap", () => {
  const gap = (minutes: number, sessionId = "s1") => ({ sessionId, kind: "undecided_call" as const, tool: "exec", message: "exec ran", at: ago(minutes) });
  it("names the latest gap and counts the sessions within the window", () => {
    const f = checkEnforcementGap(makeBot({ runtime: { lastSeenAt: null, gaps: [gap(60, "s1"), gap(5, "s2")] } }), now);
    expect(f?.kind).toBe("enforcement_gap");
    expect(f?.message).toContain("2 sessions");
    expect(f?.message).toContain("session s2");
  });
  it("forgets gaps older than the window", () => {
    expect(checkEnforcementGap(makeBot({ runtime: { lastSeenAt: null, gaps: [gap(8 * 1440)] } }), now)).toBeNull();
  });
});
