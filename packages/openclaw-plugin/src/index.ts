import { hostname } from "node:os";
import { startHeartbeats } from "@bridle/sdk";
import { ZPluginConfig } from "./config.ts";
import { createEnforcer } from "./enforcer.ts";
import type { OpenClawPluginApi } from "./openclaw-types.ts";

export const PLUGIN_ID = "bridle";
export const POLICY_ID = "bridle-decisions";
/** Runs after every other before_tool_call hook (OpenClaw runs higher priorities first). */
const GUARD_PRIORITY = -1_000_000;
const ENFORCING_MODES: ReadonlySet<string> = new Set(["full", "discovery"]);

/**
 * The OpenClaw entry (what `definePluginEntry` from `openclaw/plugin-sdk/plugin-entry` returns,
 * written out so the bundle does not import OpenClaw). `register` runs several times per process.
 * Hooks are registered in `full` and in `discovery` mode: with openclaw@2026.9.6, `openclaw agent
 * --local` dispatches tool hooks from the registry its `discovery` pass built (a plugin that
 * registered only in `full` mode was never called there, and the command ran: seen in the
 * end-to-end tests). Registering opens nothing: the SDK connects on the first decision.
 */
const entry = {
  id: PLUGIN_ID,
  name: "Bridle",
  description: "Asks Bridle before every tool call: allow, deny (the model gets the reason) or hold for a human's approval",
  configSchema: {
    safeParse(value: unknown) {
      const r = ZPluginConfig.safeParse(value ?? {});
      return r.success
        ? { success: true, data: r.data }
        : { success: false, error: { issues: r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)), message: i.message })) } };
    },
  },
  register(api: OpenClawPluginApi) {
    if (!ENFORCING_MODES.has(api.registrationMode)) return;
    const config = ZPluginConfig.parse(api.pluginConfig ?? {});
    const enforcer = createEnforcer({ config, logger: api.logger });
    api.registerTrustedToolPolicy({
      id: POLICY_ID,
      description: "Bridle decides every tool call (allow / deny / require_approval), signed and audited",
      evaluate: enforcer.evaluate,
    });
    api.on("before_tool_call", enforcer.guard, { priority: GUARD_PRIORITY });
    api.on("after_tool_call", enforcer.afterToolCall);
    // Needs `plugins.entries.bridle.hooks.allowConversationAccess: true` (OpenClaw counts
    // before_agent_run as conversation access); without it OpenClaw skips this hook with a warning.
    api.on("before_agent_run", enforcer.beforeAgentRun);
    api.on("session_start", enforcer.sessionStart);
    api.on("session_end", enforcer.sessionEnd);
    api.on("message_sent", enforcer.messageSent);
    // Events still queued when the process winds down are sent (a clean shutdown loses none).
    process.once("beforeExit", () => void enforcer.close());
    if (api.registrationMode !== "full") return;
    // The live runtime: heartbeats per bot say which gateway, plugin and OpenClaw versions enforce it.
    let stops: (() => void)[] = [];
    api.registerService({
      id: "bridle-heartbeats",
      start: () => {
        stops = Object.keys(config.botTokens).map((agentId) =>
          startHeartbeats(enforcer.reporterFor(agentId)!, {
            runtime: "openclaw",
            ...(api.runtime?.version ? { runtimeVersion: api.runtime.version } : {}),
            plugin: PLUGIN_ID,
            ...(api.version ? { pluginVersion: api.version } : {}),
            gateway: hostname().slice(0, 200),
            intervalMs: config.heartbeatSeconds * 1000,
          }),
        );
      },
      stop: async () => {
        for (const stop of stops) stop();
        stops = [];
        await enforcer.close();
      },
    });
  },
};

// OpenClaw loads a plugin's default export.
// eslint-disable-next-line no-restricted-syntax
export default entry;
