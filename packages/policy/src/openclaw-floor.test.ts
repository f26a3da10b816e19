import { describe, expect, it } from "vitest";
import { openClawFloor, type FloorBot } from "./openclaw-floor.ts";
import { OPENCLAW_TOOL_FAMILIES } from "./openclaw-tools.ts";

const bot = (over: Partial<FloorBot> & { profile?: Partial<FloorBot["runtimeProfile"]> } = {}): FloorBot => {
  const { profile, ...rest } = over;
  return {
    id: "6f1d1c1e-8a43-4d7c-9d0e-2b8f3f1f9a11",
    name: "triage-bot",
    status: "active",
    channels: [],
    gatedActions: [],
    runtimeProfile: { shellExecutionPolicy: null, allowedTools: [], networkAccessPolicy: [], ...profile },
    ...rest,
  };
};
const opts = { agentId: "main", bridleUrl: "https://bridle.example.com", scope: "gateway" as const };
const agentTools = (c: Record<string, unknown>) => (c.agents as { entries: Record<string, { tools: { allow: string[]; deny: string[]; exec: { mode: string } } }> }).entries.main!.tools;
const ALL_TOOLS = OPENCLAW_TOOL_FAMILIES.flatMap((f) => f.tools);

describe("openClawFloor: OpenClaw's static config from a bot's record", () => {
  it("a bot with nothing granted gets reads only: every other tool of the table denied, exec mode deny", () => {
    const floor = openClawFloor(bot(), opts);
    const t = agentTools(floor.config);
    expect(t.allow).toEqual(["read", "memory_search", "memory_get", "sessions_list", "sessions_history", "sessions_search", "session_status"]);
    expect([...t.deny, ...t.allow].sort()).toEqual([...ALL_TOOLS].sort());
    expect(t.deny).toContain("exec");
    expect(t.deny).toContain("message");
    expect(t.exec.mode).toBe("deny");
    expect(floor.execMode).toBe("deny");
    expect(floor.config.tools).toEqual({ deny: t.deny, exec: { mode: "deny" } });
  });

  it("shell.exec among the gated actions allows the process tools with the profile's exec policy", () => {
    const floor = openClawFloor(bot({ gatedActions: ["shell.exec"], profile: { shellExecutionPolicy: "ask" } }), opts);
    const t = agentTools(floor.config);
    expect(t.allow).toEqual(expect.arrayContaining(["exec", "bash", "process", "code_execution", "terminal"]));
    expect(t.exec.mode).toBe("ask");
    expect(openClawFloor(bot({ gatedActions: ["shell.exec"] }), opts).execMode).toBe("allowlist");
  });

  it("a shell policy of deny wins over the gated action", () => {
    const floor = openClawFloor(bot({ gatedActions: ["shell.exec"], profile: { shellExecutionPolicy: "deny" } }), opts);
    expect(agentTools(floor.config).deny).toEqual(expect.arrayContaining(["exec", "process"]));
    expect(floor.execMode).toBe("deny");
    expect(floor.tools.find((v) => v.tool === "exec")?.reason).toBe("the runtime profile's shell execution policy is deny");
  });

  it("channels allow the message tool; an egress allowlist allows web reads; allowed tools name tools or actions", () => {
    const floor = openClawFloor(
      bot({ channels: ["slack"], profile: { networkAccessPolicy: ["api.github.com"], allowedTools: ["browser@1.2.0", "file.write", "gh@2.63.0", "view_image"] } }),
      opts,
    );
    const t = agentTools(floor.config);
    expect(t.allow).toEqual(expect.arrayContaining(["message", "web_fetch", "web_search", "browser", "write", "edit", "apply_patch", "gh", "view_image"]));
    expect(t.allow).not.toContain("file.write");
    expect(t.deny.sort()).toEqual(["agent_send", "bash", "code_execution", "computer", "conversations_send", "conversations_turn", "cron", "exec", "gateway", "nodes", "process", "screen", "sessions_send", "sessions_spawn", "subagents", "terminal"].sort());
  });

  it("a paused bot is denied every tool", () => {
    const floor = openClawFloor(bot({ status: "paused", gatedActions: ["shell.exec"], channels: ["slack"] }), opts);
    expect(agentTools(floor.config)).toEqual({ allow: [], deny: ["*"], exec: { mode: "deny" } });
    expect(floor.tools.every((v) => !v.allowed && v.reason === "the bot is paused")).toBe(true);
  });

  it("names the token by environment variable, never a value, and scope agent leaves the gateway-wide tools alone", () => {
    const floor = openClawFloor(bot(), { ...opts, agentId: "ops-bot", scope: "agent" });
    expect(floor.tokenEnv).toBe("BRIDLE_BOT_TOKEN_OPS_BOT");
    expect(floor.config.tools).toBeUndefined();
    expect(floor.config.plugins).toEqual({
      allow: ["bridle"],
      entries: {
        bridle: {
          enabled: true,
          hooks: { allowConversationAccess: true },
          config: { bridleUrl: "https://bridle.example.com", botTokens: { "ops-bot": "${BRIDLE_BOT_TOKEN_OPS_BOT}" }, failMode: "closed" },
        },
      },
    });
  });

  it("the snippet is the config behind comment lines (JSON5), with the token's place said in a comment", () => {
    const floor = openClawFloor(bot({ channels: ["slack"] }), opts);
    const lines = floor.snippet.split("\n");
    expect(JSON.parse(lines.filter((l) => !l.startsWith("//")).join("\n"))).toEqual(floor.config);
    expect(floor.snippet).toMatch(/^\/\/ Bridle static floor for bot triage-bot/);
    expect(floor.snippet).toContain("environment as BRIDLE_BOT_TOKEN_MAIN");
  });
});
