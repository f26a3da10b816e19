import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

type Floor = {
  agentId: string;
  execMode: string;
  tokenEnv: string;
  tools: { tool: string; action: string; allowed: boolean; reason: string }[];
  config: {
    tools?: { deny: string[]; exec: { mode: string } };
    agents: { entries: Record<string, { tools: { allow: string[]; deny: string[]; exec: { mode: string } } }> };
    plugins: { allow: string[]; entries: { bridle: { config: Record<string, unknown> } } };
  };
  snippet: string;
};

describe("GET /bots/{id}/openclaw-config: the bot's OpenClaw static floor", () => {
  let t: TestApp;
  let ownerToken: string;
  let shellBot: string;
  let quietBot: string;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo", env: { BRIDLE_PUBLIC_URL: "https://bridle.acme.example" } });
    ownerToken = await tokenFor(t.database, "daniel.kim@acme.example");
    const create = async (name: string, over: Record<string, unknown>) => {
      const res = await t.api({
        method: "POST",
        url: "/api/v1/bots",
        payload: { name, owner: "daniel.kim@acme.example", team: "platform", purpose: "Runs the release checklist", environment: "staging", ...over },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    };
    shellBot = await create("acme-release-runner-bot", {
      channels: ["slack-internal"],
      gatedActions: ["shell.exec"],
      runtimeProfile: { shellExecutionPolicy: "allowlist", allowedTools: ["browser@1.4.0", "gh@2.63.0"], networkAccessPolicy: ["api.github.com"] },
    });
    quietBot = await create("acme-quiet-reader-bot", { runtimeProfile: { shellExecutionPolicy: "full" } });
  });
  afterAll(() => t.close());
  const get = (id: string, qs = "", token = ownerToken) =>
    t.app.inject({ method: "GET", url: `/api/v1/bots/${id}/openclaw-config${qs}`, headers: { authorization: `Bearer ${token}` } });

  it("its owner gets the tools its record grants, the rest denied, exec in allowlist mode, and the plugin pointed at Bridle", async () => {
    const res = await get(shellBot);
    expect(res.statusCode, res.body).toBe(200);
    const floor = res.json() as Floor;
    const agent = floor.config.agents.entries.main!.tools;
    expect(agent.exec).toEqual({ mode: "allowlist" });
    expect(floor.config.tools).toEqual({ deny: agent.deny, exec: { mode: "allowlist" } });
    expect(agent.allow).toEqual(expect.arrayContaining(["exec", "process", "message", "read", "web_fetch", "browser", "gh"]));
    expect(agent.deny.sort()).toEqual(
      ["agent_send", "apply_patch", "computer", "conversations_send", "conversations_turn", "cron", "edit", "gateway", "nodes", "screen", "sessions_send", "sessions_spawn", "subagents", "write"].sort(),
    );
    expect(floor.tools.find((v) => v.tool === "cron")).toEqual({ tool: "cron", action: "cron.schedule", allowed: false, reason: "neither cron nor cron.schedule is in the runtime profile's allowed tools" });
    expect(floor.config.plugins.entries.bridle.config).toEqual({
      bridleUrl: "https://bridle.acme.example",
      botTokens: { main: "${BRIDLE_BOT_TOKEN_MAIN}" },
      failMode: "closed",
    });
    expect(res.body).not.toMatch(/brdl_bot_/);
  });

  it("a bot without shell.exec among its gated actions gets exec denied whatever its profile says, and no message tool without channels", async () => {
    const floor = (await get(quietBot, "?agentId=reader&scope=agent")).json() as Floor;
    expect(floor.execMode).toBe("deny");
    expect(floor.config.tools).toBeUndefined();
    expect(floor.config.agents.entries.reader!.tools.deny).toEqual(expect.arrayContaining(["exec", "bash", "process", "message", "browser"]));
    expect(floor.tokenEnv).toBe("BRIDLE_BOT_TOKEN_READER");
  });

  it("format=json5 answers the commented snippet as a download", async () => {
    const res = await get(shellBot, "?format=json5");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json5; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="openclaw.acme-release-runner-bot.json5"');
    expect(res.body).toMatch(/^\/\/ Bridle static floor for bot acme-release-runner-bot \(OpenClaw agent "main"\)/);
    expect(res.body).toContain('"exec": {\n');
  });

  it("an auditor (bots.read_all) reads it; a bad agent id is a 400", async () => {
    const auditor = await tokenFor(t.database, "ines.moreau@acme.example");
    expect((await get(shellBot, "", auditor)).statusCode).toBe(200);
    const bad = await get(shellBot, "?agentId=Main%20Agent");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("validation_failed");
  });
});
