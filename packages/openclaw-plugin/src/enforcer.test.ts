import { describe, expect, it } from "vitest";
import { ZPluginConfig } from "./config.ts";
import { createEnforcer } from "./enforcer.ts";

describe("enforcer: backends it cannot gate", () => {
  const logger = { info: () => {}, warn: () => {}, error: () => {} };
  const make = (allowUngatedBackends: boolean) =>
    createEnforcer({ config: ZPluginConfig.parse({ bridleUrl: "http://127.0.0.1:9", botTokens: {}, allowUngatedBackends }), logger });

  it("refuses a run on claude-cli unless allowed, and lets other backends run", () => {
    expect(make(false).beforeAgentRun({ prompt: "" }, { agentId: "main", modelProviderId: "claude-cli" })).toMatchObject({
      outcome: "block",
      message: 'OpenClaw agent "main" runs on claude-cli, whose MCP tool calls Bridle cannot gate; refused (set allowUngatedBackends to allow it)',
    });
    expect(make(true).beforeAgentRun({ prompt: "" }, { agentId: "main", modelProviderId: "claude-cli" })).toBeUndefined();
    expect(make(false).beforeAgentRun({ prompt: "" }, { agentId: "main", modelProviderId: "openai" })).toBeUndefined();
  });
});
