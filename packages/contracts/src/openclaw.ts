import { z } from "zod";
import { ZShellExecutionPolicy } from "./common-exports.ts";

/** An OpenClaw agent id (the key of `agents.entries` and of the plugin's `botTokens`). */
export const ZOpenClawAgentId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "an OpenClaw agent id: 1-64 lowercase letters, digits, `_` or `-`");

/** `GET /bots/{id}/openclaw-config` query. */
export const ZOpenClawConfigQuery = z.object({
  agentId: ZOpenClawAgentId.default("main").describe("The OpenClaw agent that runs this bot (default `main`)"),
  scope: z
    .enum(["gateway", "agent"])
    .default("gateway")
    .describe("`gateway`: also the gateway-wide `tools` block, for a gateway that runs only this bot; `agent`: only `agents.entries.<agentId>` and the plugin entry, for a shared gateway"),
  format: z.enum(["json", "json5"]).default("json").describe("`json`: this object; `json5`: the snippet alone, as text"),
});
export type TOpenClawConfigQuery = z.infer<typeof ZOpenClawConfigQuery>;

/** One OpenClaw tool and whether the bot's static floor lets it be offered. */
export const ZOpenClawToolVerdict = z
  .object({
    tool: z.string().describe("OpenClaw tool id"),
    action: z.string().describe("The Bridle action the plugin decides it as"),
    allowed: z.boolean(),
    reason: z.string().describe("Why, in the words of the bot's record"),
  })
  .meta({ id: "OpenClawToolVerdict" });

export const ZOpenClawConfig = z
  .object({
    botId: z.uuid(),
    botName: z.string(),
    agentId: z.string(),
    scope: z.enum(["gateway", "agent"]),
    execMode: ZShellExecutionPolicy.describe("`tools.exec.mode` for the agent"),
    tools: z.array(ZOpenClawToolVerdict).describe("Every OpenClaw tool in Bridle's tool table, allowed or denied"),
    tokenEnv: z.string().describe("The gateway environment variable the bot's runtime token goes in; the config names it as `${VAR}`"),
    config: z.record(z.string(), z.unknown()).describe("The fragment of openclaw.json to merge: `tools`, `agents.entries.<agentId>.tools`, `plugins`"),
    snippet: z.string().describe("The same as JSON5 with comments, to paste into openclaw.json"),
  })
  .meta({ id: "OpenClawConfig" });
export type TOpenClawConfig = z.infer<typeof ZOpenClawConfig>;
