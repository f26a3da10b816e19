import { z } from "zod";

/**
 * The plugin's configuration (`plugins.entries.bridle.config` in openclaw.json); the manifest's
 * `configSchema` (openclaw.plugin.json) says the same in JSON Schema, and OpenClaw validates the
 * config against it before the plugin loads. This parse is the plugin's own check at start.
 */
export const ZPluginConfig = z
  .object({
    bridleUrl: z.url().describe("Bridle's base URL, e.g. https://bridle.example.com"),
    botTokens: z
      .record(z.string().min(1), z.string().min(1))
      .describe("One Bridle bot runtime token (brdl_bot_...) per OpenClaw agent id; an agent with none is blocked"),
    failMode: z.enum(["closed", "open_read_only"]).default("closed").describe("When Bridle cannot be reached: block everything (closed) or let read-only tools run"),
    approvalWaitSeconds: z.number().int().min(0).max(3600).default(120).describe("How long a call that needs approval is held for a human's decision before it is blocked"),
    heartbeatSeconds: z.number().int().min(5).max(3600).default(60).describe("How often the gateway tells Bridle it enforces each bot"),
    decisionTimeoutMs: z.number().int().min(100).max(60_000).default(5_000).describe("How long one decision may take before Bridle counts as unreachable"),
  })
  .strict();
export type PluginConfig = z.infer<typeof ZPluginConfig>;
