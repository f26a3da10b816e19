import type { TBot, TOpenClawConfig } from "@bridle/contracts";
import { OPENCLAW_TOOL_FAMILIES, type OpenClawMappedAction } from "./openclaw-tools.ts";

type ExecMode = TOpenClawConfig["execMode"];
export type FloorBot = Pick<TBot, "id" | "name" | "status" | "channels" | "gatedActions"> & {
  runtimeProfile: Pick<TBot["runtimeProfile"], "shellExecutionPolicy" | "allowedTools" | "networkAccessPolicy">;
};
type Verdict = { allowed: boolean; reason: string };

/** `gh@2.63.0` -> `gh`; lowercase. */
const toolName = (entry: string) => entry.split("@")[0]!.trim().toLowerCase();

/** The gateway environment variable that holds an agent's Bridle bot token: `BRIDLE_BOT_TOKEN_<AGENT ID>`. */
export const openClawTokenEnv = (agentId: string) => `BRIDLE_BOT_TOKEN_${agentId.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;

/**
 * Whether a bot's record grants the Bridle action an OpenClaw tool is decided as. Bridle has no
 * grant on "a tool", so each action reads the field of the bot that stands for it:
 * - `shell.exec`: `shell.exec` is among the bot's gated actions and its runtime profile's shell
 *   execution policy is not `deny`;
 * - `message.post`: the bot has at least one channel (Bridle still decides each channel per call);
 * - `file.read`, `memory.read`: always (the agent's own workspace and memory);
 * - `web.read`: the runtime profile has an egress allowlist (network access policy), or its
 *   allowed tools name the tool or `web.read`;
 * - anything else (`file.write`, `browser.act`, `cron.schedule`, `agent.spawn`, gateway admin,
 *   device control): the runtime profile's allowed tools name the OpenClaw tool (`browser`,
 *   `browser@<version>`) or the action (`file.write`).
 * A bot that is not active is granted nothing.
 */
function grantOf(bot: FloorBot, action: OpenClawMappedAction, tool: string, listed: ReadonlySet<string>): Verdict {
  if (bot.status !== "active") return { allowed: false, reason: `the bot is ${bot.status}` };
  const named = listed.has(tool) || listed.has(action);
  switch (action) {
    case "shell.exec":
      if (!bot.gatedActions.includes("shell.exec")) return { allowed: false, reason: "shell.exec is not among the bot's gated actions" };
      if (bot.runtimeProfile.shellExecutionPolicy === "deny") return { allowed: false, reason: "the runtime profile's shell execution policy is deny" };
      return { allowed: true, reason: "shell.exec is among the bot's gated actions (each command is still decided by Bridle)" };
    case "message.post":
      return bot.channels.length > 0
        ? { allowed: true, reason: `the bot has channels (${bot.channels.join(", ")}); Bridle decides each channel per call` }
        : { allowed: false, reason: "the bot has no channels" };
    case "file.read":
    case "memory.read":
      return { allowed: true, reason: "read-only, within the agent's own workspace and memory" };
    case "web.read":
      if ((bot.runtimeProfile.networkAccessPolicy ?? []).length > 0) return { allowed: true, reason: "the runtime profile has an egress allowlist" };
      return named ? { allowed: true, reason: "named in the runtime profile's allowed tools" } : { allowed: false, reason: "the runtime profile has no egress allowlist" };
    default:
      return named
        ? { allowed: true, reason: "named in the runtime profile's allowed tools" }
        : { allowed: false, reason: `neither ${tool} nor ${action} is in the runtime profile's allowed tools` };
  }
}

/** The exec mode for the agent: `deny` without a shell.exec grant, else the profile's policy (default `allowlist`). */
function execModeOf(bot: FloorBot, shellAllowed: boolean): ExecMode {
  if (!shellAllowed) return "deny";
  return bot.runtimeProfile.shellExecutionPolicy ?? "allowlist";
}

/**
 * OpenClaw's static configuration for one bot (issue 10, "Static floor"): what OpenClaw itself
 * enforces on paths where plugins do not run. Keys are OpenClaw's (openclaw@2026.9.6, accepted by
 * `openclaw config validate`):
 * - `agents.entries.<agentId>.tools`: `allow` (the granted tools of Bridle's table, and tools the
 *   runtime profile names that are not in it), `deny` (every other tool of the table: deny wins at
 *   every layer), `exec.mode`;
 * - with scope `gateway`, the same `deny` and `exec.mode` under the gateway-wide `tools`;
 * - `plugins.allow` and `plugins.entries.bridle` with the Bridle URL, fail-closed, and the bot
 *   token as `${BRIDLE_BOT_TOKEN_<AGENT>}`: OpenClaw substitutes it from the gateway's
 *   environment, so the token never sits in the file (or in this response).
 * Pure: the same bot gives the same output.
 */
export function openClawFloor(bot: FloorBot, opts: { agentId: string; bridleUrl: string; scope: "gateway" | "agent" }): TOpenClawConfig {
  const listed = new Set((bot.runtimeProfile.allowedTools ?? []).map(toolName).filter(Boolean));
  const tools = OPENCLAW_TOOL_FAMILIES.flatMap((f) => f.tools.map((tool) => ({ tool, action: f.action, ...grantOf(bot, f.action, tool, listed) })));
  const known: ReadonlySet<string> = new Set(tools.map((t) => t.tool));
  const active = bot.status === "active";
  const allow = active ? [...tools.filter((t) => t.allowed).map((t) => t.tool), ...[...listed].filter((n) => !known.has(n) && !n.includes("."))] : [];
  const deny = active ? tools.filter((t) => !t.allowed).map((t) => t.tool) : ["*"];
  const execMode = execModeOf(bot, tools.some((t) => t.action === "shell.exec" && t.allowed));
  const tokenEnv = openClawTokenEnv(opts.agentId);

  const config: Record<string, unknown> = {
    ...(opts.scope === "gateway" ? { tools: { deny, exec: { mode: execMode } } } : {}),
    agents: { entries: { [opts.agentId]: { tools: { allow, deny, exec: { mode: execMode } } } } },
    plugins: {
      allow: ["bridle"],
      entries: {
        bridle: {
          enabled: true,
          hooks: { allowConversationAccess: true },
          config: { bridleUrl: opts.bridleUrl, botTokens: { [opts.agentId]: `\${${tokenEnv}}` }, failMode: "closed" },
        },
      },
    },
  };
  return {
    botId: bot.id,
    botName: bot.name,
    agentId: opts.agentId,
    scope: opts.scope,
    execMode,
    tools,
    tokenEnv,
    config,
    snippet: snippetOf({ bot, agentId: opts.agentId, scope: opts.scope, config, tokenEnv }),
  };
}

/** The config as JSON5 to paste into openclaw.json: the JSON (valid JSON5) with comments saying where it came from and where the token goes. */
function snippetOf(p: { bot: FloorBot; agentId: string; scope: "gateway" | "agent"; config: Record<string, unknown>; tokenEnv: string }): string {
  const header = [
    `// Bridle static floor for bot ${p.bot.name} (OpenClaw agent "${p.agentId}"), generated from its record in Bridle.`,
    "// Merge into openclaw.json. What OpenClaw enforces here holds even on paths where plugins do not run;",
    "// every call that does reach the Bridle plugin is still decided by Bridle.",
    p.scope === "gateway"
      ? "// `tools` is gateway-wide: use it on a gateway that runs only this bot (scope=agent leaves it out)."
      : "// Only this agent's entry: the gateway-wide `tools` block is left as it is.",
    `// The bot's runtime token goes in the gateway's environment as ${p.tokenEnv} (create it on the bot's page in`,
    "// Bridle, Runtime tokens); OpenClaw substitutes ${...} when it loads the file. Never paste the token here.",
  ];
  return `${header.join("\n")}\n${JSON.stringify(p.config, null, 2)}\n`;
}
