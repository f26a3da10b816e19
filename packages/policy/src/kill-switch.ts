import type { TKillSwitchMode, TKillSwitchScopeKind } from "@bridle/contracts";
import { normalizeKey } from "./util.ts";

/** An engaged kill switch as decisions and the console read it. */
export type EngagedSwitch = {
  id: string;
  scopeKind: TKillSwitchScopeKind;
  /** bot id, team id, channel key, skill name; null for `all` */
  subject: string | null;
  label: string;
  mode: TKillSwitchMode;
  reason: string;
  engagedBy: string;
  engagedAt: Date;
};

/** What a switch's scope is matched against: the bot's id, team, channels and allowed tools (`name@version`). */
export type SwitchScopeFacts = { id: string; teamId: string | null; channels: readonly string[]; allowedTools: readonly string[] };

/** The skill name of an allowed tool entry (`web-search@1.2.0` -> `web-search`). */
export const skillNameOf = (tool: string): string => normalizeKey(tool.split("@")[0] ?? tool);

/** Whether a switch covers a bot now (a bot that joined the scope after the switch was engaged is covered too). */
export function switchCovers(sw: Pick<EngagedSwitch, "scopeKind" | "subject">, bot: SwitchScopeFacts): boolean {
  switch (sw.scopeKind) {
    case "all":
      return true;
    case "bot":
      return sw.subject !== null && sw.subject.toLowerCase() === bot.id.toLowerCase();
    case "team":
      return sw.subject !== null && bot.teamId !== null && sw.subject.toLowerCase() === bot.teamId.toLowerCase();
    case "channel":
      return sw.subject !== null && bot.channels.some((c) => normalizeKey(c) === sw.subject);
    case "skill":
      return sw.subject !== null && bot.allowedTools.some((t) => skillNameOf(t) === sw.subject);
    default:
      return false;
  }
}

/**
 * The switch that halts a bot, or null: of those covering it, a `pause` before a `read_only`
 * (the stricter one decides), then the earliest engaged.
 */
export function haltingSwitch<S extends Pick<EngagedSwitch, "scopeKind" | "subject" | "mode" | "engagedAt">>(bot: SwitchScopeFacts, switches: readonly S[]): S | null {
  let best: S | null = null;
  for (const sw of switches) {
    if (!switchCovers(sw, bot)) continue;
    if (!best || (sw.mode === "pause" && best.mode !== "pause") || (sw.mode === best.mode && sw.engagedAt.getTime() < best.engagedAt.getTime())) best = sw;
  }
  return best;
}
