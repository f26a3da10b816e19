import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor } from "../../../apps/api/test/bot-runtime.ts";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.ts";
import { ZPluginConfig } from "./config.ts";
import { createEnforcer } from "./enforcer.ts";

/** The plugin's policy and guard against a real Bridle, called as OpenClaw calls them. */
describe("enforcer", () => {
  let t: TestApp;
  let bridleUrl: string;
  let token: string;
  const logs: string[] = [];
  const logger = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    bridleUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    token = (await botTokenFor(t, "acme-triage-bot")).token;
    const res = await t.api({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => {
    t.app.server.closeAllConnections();
    await t.close();
  });

  const enforcer = () => createEnforcer({ config: ZPluginConfig.parse({ bridleUrl, botTokens: { main: token } }), logger });
  const ctx = (toolCallId: string) => ({ agentId: "main", sessionId: "s-enforcer", runId: "r1", toolName: "exec", toolCallId });

  it("lets the decided parameters run, and blocks a call whose parameters changed after the decision", async () => {
    const e = enforcer();
    const event = { toolName: "exec", params: { command: "ls" }, toolCallId: "c1", runId: "r1" };
    expect(await e.evaluate(event, ctx("c1"))).toBeUndefined(); // allowed: no decision of its own, falls through
    // An ordinary hook before ours rewrote nothing: the guard hands back exactly the decided params.
    expect(e.guard(event, ctx("c1"))).toEqual({ params: { command: "ls" } });
    // A trusted policy after ours changed the command: blocked.
    expect(await e.evaluate({ ...event, toolCallId: "c2" }, ctx("c2"))).toBeUndefined();
    expect(e.guard({ ...event, toolCallId: "c2", params: { command: "rm -rf /" } }, ctx("c2"))).toMatchObject({
      block: true,
      blockReason: "Bridle: the parameters of exec changed after Bridle decided on them; blocked",
    });
    await e.close();
  });

  it("blocks a call it never decided, and an agent with no bot token", async () => {
    const e = enforcer();
    expect(e.guard({ toolName: "exec", params: { command: "ls" }, toolCallId: "c9" }, ctx("c9"))).toMatchObject({ block: true });
    expect(await e.evaluate({ toolName: "exec", params: { command: "ls" } }, { ...ctx("c3"), agentId: "other" })).toMatchObject({
      block: true,
      blockReason: 'Bridle: no bot token is configured for OpenClaw agent "other"; blocked',
    });
  });

  it("refuses a run on claude-cli by default (Bridle denies runtime.ungated_backend) and lets it run once the org allows that action", async () => {
    const e = enforcer();
    const run = () => e.beforeAgentRun({ prompt: "" }, { agentId: "main", modelProviderId: "claude-cli", sessionId: "s-backend" });
    expect(await run()).toMatchObject({
      outcome: "block",
      message: expect.stringMatching(/^OpenClaw agent "main" runs on claude-cli, whose MCP tool calls Bridle cannot gate; refused: Bridle denied runtime\.ungated_backend: .*\(action_denied\)$/),
    });
    const res = await t.api({ method: "PUT", url: "/api/v1/gated-actions/runtime.ungated_backend", payload: { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(res.statusCode).toBe(200);
    expect(await run()).toBeUndefined();
    // both decisions are on the record, as the bot's
    const audit = await t.database.pool!.query("select action from audit_events where action like 'decision.%' and details->>'action' = 'runtime.ungated_backend' order by seq");
    expect(audit.rows.map((r: { action: string }) => r.action)).toEqual(["decision.deny", "decision.allow"]);
    await e.close();
  });

  it("lets tool-search bridges through undecided: the inner call is decided under its own name", async () => {
    const e = enforcer();
    expect(await e.evaluate({ toolName: "tool_call", params: { id: "exec", args: {} } }, ctx("c4"))).toBeUndefined();
    expect(e.guard({ toolName: "tool_call", params: { id: "exec", args: {} } }, ctx("c4"))).toBeUndefined();
  });
});
