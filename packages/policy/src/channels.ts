import type { TFinding } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import type { PolicyInput } from "./types.ts";
import { normalizeKey } from "./util.ts";

export type ChannelPolicy = Pick<PolicyInput, "channelAllowlist" | "channelBlocklist">;

export type ChannelVerdict = {
  allowed: boolean;
  reason: "blocklisted" | "not_allowlisted" | null;
};

type ChannelSets = { allow: ReadonlySet<string>; block: ReadonlySet<string> };

/*
 * An inventory evaluation asks about every channel of every bot against the same policy object;
 * caching its normalised sets per object keeps that linear. A WeakMap keeps the function pure in
 * effect: nothing observable is stored and the entry goes away with the policy.
 */
const setsCache = new WeakMap<ChannelPolicy, ChannelSets>();

function channelSets(policy: ChannelPolicy): ChannelSets {
  const cached = setsCache.get(policy);
  if (cached) return cached;
  const sets = {
    allow: new Set(policy.channelAllowlist.map(normalizeKey)),
    block: new Set(policy.channelBlocklist.map(normalizeKey)),
  };
  setsCache.set(policy, sets);
  return sets;
}

/** The blocklist always wins; a non-empty allowlist disallows everything not on it. */
export function channelVerdict(channel: string, policy: ChannelPolicy): ChannelVerdict {
  const key = normalizeKey(channel);
  const { allow, block } = channelSets(policy);
  if (block.has(key)) return { allowed: false, reason: "blocklisted" };
  if (allow.size > 0 && !allow.has(key)) return { allowed: false, reason: "not_allowlisted" };
  return { allowed: true, reason: null };
}

/** One finding per disallowed channel, sorted by channel key. */
export function checkChannels(channels: readonly string[], policy: ChannelPolicy): TFinding[] {
  if (channels.length === 0) return [];
  const keys = [...new Set(channels.map(normalizeKey))].sort();
  const findings: TFinding[] = [];
  for (const channel of keys) {
    const verdict = channelVerdict(channel, policy);
    if (verdict.allowed) continue;
    const message =
      verdict.reason === "blocklisted"
        ? `The bot uses the channel ${channel}, which is on the org's channel blocklist.`
        : `The bot uses the channel ${channel}, which is not on the org's channel allowlist.`;
    findings.push(
      makeFinding(
        "disallowed_channel",
        message,
        { channel, reason: verdict.reason },
        verdict.reason === "blocklisted"
          ? `Remove ${channel} from the bot's channels; blocklisted channels are never allowed.`
          : `Remove ${channel} from the bot's channels, or ask an admin to add it to the channel allowlist.`,
      ),
    );
  }
  return findings;
}
