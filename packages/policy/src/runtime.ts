import { ENFORCEMENT_GAP_WINDOW_DAYS, RUNTIME_SILENT_AFTER_MINUTES, type TFinding } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { BotFacts } from "./types.ts";
import { DAY_MS } from "./util.ts";

const MINUTE_MS = 60_000;

/**
 * BR-RUNTIME-HEARTBEAT: an active bot whose runtime has sent heartbeats and sent none for
 * RUNTIME_SILENT_AFTER_MINUTES (by `now`). A bot that never reported has no finding (it may not
 * run yet); a paused or offboarded bot is not expected to run. Null otherwise.
 */
export function checkRuntimeSilent(bot: Pick<BotFacts, "status" | "runtime">, now: Date): TFinding | null {
  const seen = bot.runtime.lastSeenAt;
  if (bot.status !== "active" || !seen) return null;
  const silentMs = now.getTime() - seen.getTime();
  if (silentMs < RUNTIME_SILENT_AFTER_MINUTES * MINUTE_MS) return null;
  const minutes = Math.floor(silentMs / MINUTE_MS);
  const since = minutes < 120 ? `${minutes} minutes` : minutes < 2880 ? `${Math.floor(minutes / 60)} hours` : `${Math.floor(minutes / 1440)} days`;
  return makeFinding("runtime_silent", `The bot's runtime has not reported for ${since} (last heartbeat ${seen.toISOString()}).`, {
    lastSeenAt: seen.toISOString(),
    silentAfterMinutes: RUNTIME_SILENT_AFTER_MINUTES,
  });
}

/**
 * BR-ENFORCEMENT-GAP: the bot's runtime ran a tool without a matching allow decision in its
 * session, or reported a path it cannot gate, within ENFORCEMENT_GAP_WINDOW_DAYS of `now`. One
 * finding naming the latest gap and how many sessions had one; null when none.
 */
export function checkEnforcementGap(bot: Pick<BotFacts, "status" | "runtime">, now: Date): TFinding | null {
  const since = now.getTime() - ENFORCEMENT_GAP_WINDOW_DAYS * DAY_MS;
  const gaps = bot.runtime.gaps.filter((g) => g.at.getTime() >= since);
  if (!gaps.length) return null;
  const latest = gaps.reduce((a, b) => (b.at > a.at ? b : a));
  const sessions = new Set(gaps.map((g) => g.sessionId)).size;
  const what = latest.kind === "undecided_call" ? `${latest.tool ?? "a tool"} ran without a matching Bridle decision` : latest.message;
  return makeFinding(
    "enforcement_gap",
    `Enforcement gap in ${sessions === 1 ? "1 session" : `${sessions} sessions`} of the last ${ENFORCEMENT_GAP_WINDOW_DAYS} days; latest: ${what} (session ${latest.sessionId}).`,
    { sessions, latest: { sessionId: latest.sessionId, kind: latest.kind, tool: latest.tool, message: latest.message, at: latest.at.toISOString() } },
  );
}
