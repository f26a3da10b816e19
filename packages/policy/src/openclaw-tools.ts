/**
 * OpenClaw's built-in tools and the Bridle action each is decided as: the one table behind the
 * OpenClaw plugin's per-call mapping (`packages/openclaw-plugin/src/mapping.ts`, its README's
 * "OpenClaw tool -> Bridle action" table) and the static floor Bridle generates per bot
 * (`openclaw-floor.ts`). Tool names are OpenClaw's (checked against openclaw@2026.9.6, docs
 * "Configuration - tool policy"). No imports: the plugin bundles this file on its own
 * (`@bridle/policy/openclaw-tools`).
 */
export type OpenClawToolFamily = {
  /** The Bridle action a call of any of these tools is decided as. */
  action: string;
  /** OpenClaw tool ids, lowercase. */
  tools: readonly string[];
  /** Reads nothing but reads: the only calls the plugin's `open_read_only` fail mode lets through. */
  readOnly: boolean;
};

export const OPENCLAW_TOOL_FAMILIES = [
  { action: "shell.exec", tools: ["exec", "bash", "process", "code_execution", "terminal"], readOnly: false },
  { action: "message.post", tools: ["message"], readOnly: false },
  { action: "file.write", tools: ["write", "edit", "apply_patch"], readOnly: false },
  { action: "file.read", tools: ["read"], readOnly: true },
  { action: "web.read", tools: ["web_fetch", "web_search", "x_search"], readOnly: true },
  { action: "browser.act", tools: ["browser"], readOnly: false },
  { action: "cron.schedule", tools: ["cron"], readOnly: false },
  {
    action: "agent.spawn",
    tools: ["sessions_spawn", "subagents", "sessions_send", "conversations_send", "conversations_turn", "agent_send"],
    readOnly: false,
  },
  {
    action: "memory.read",
    tools: ["memory_search", "memory_get", "sessions_list", "sessions_history", "sessions_search", "session_status"],
    readOnly: true,
  },
  { action: "openclaw.gateway.admin", tools: ["gateway"], readOnly: false },
  { action: "device.control", tools: ["nodes", "computer", "screen"], readOnly: false },
] as const satisfies readonly OpenClawToolFamily[];

export type OpenClawMappedAction = (typeof OPENCLAW_TOOL_FAMILIES)[number]["action"];

const FAMILY_OF_TOOL: ReadonlyMap<string, OpenClawToolFamily> = new Map(
  OPENCLAW_TOOL_FAMILIES.flatMap((f) => f.tools.map((t) => [t, f] as const)),
);

/** The family of an OpenClaw tool id (case-insensitive), or undefined for a tool outside the table. */
export const openClawToolFamily = (toolName: string): OpenClawToolFamily | undefined => FAMILY_OF_TOOL.get(toolName.trim().toLowerCase());

/** The Bridle action a tool outside the table is decided as: `openclaw.tool.<name>` (at most 100 characters). */
export const otherToolAction = (toolName: string): string =>
  `openclaw.tool.${toolName.trim().toLowerCase().replace(/[^a-z0-9._:-]/g, "_")}`.slice(0, 100);

/** Tool-search bridges: the inner call re-enters before_tool_call under its real name and is decided there. */
export const OPENCLAW_BRIDGE_TOOLS = ["tool_search", "tool_describe", "tool_call", "tool_search_code"] as const;
