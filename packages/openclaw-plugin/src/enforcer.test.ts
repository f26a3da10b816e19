import { describe, expect, it } from "vitest";
import { ZPluginConfig } from "./config.ts";
import { createEnforcer } from "./enforcer.ts";

describe("enforcer: backends it cannot gate", () => {
  const logger = { info: () => {}, warn: () => {}, error: () => {} };
  const enforcer = () => createEnforcer({ config: ZPluginConfig.parse({ bridleUrl: "http://127.0.0.1:9", botTokens: {} }), logger });

  it("lets other backends run without asking, and refuses claude-cli for an agent with no bot token", async () => {
    expect(await enforcer().beforeAgentRun({ prompt: "" }, { agentId: "main", modelProviderId: "openai" })).toBeUndefined();
    expect(await enforcer().beforeAgentRun({ prompt: "" }, { agentId: "main", modelProviderId: "claude-cli" })).toMatchObject({
      outcome: "block",
      message: 'OpenClaw agent "main" runs on claude-cli, whose MCP tool calls Bridle cannot gate; refused (no Bridle bot token is configured for this agent)',
    });
  });

  it("no longer takes a local switch to allow ungated backends: the org decides in Bridle", () => {
    expect(ZPluginConfig.safeParse({ bridleUrl: "http://127.0.0.1:9", botTokens: {}, allowUngatedBackends: true }).success).toBe(false);
  });
});
