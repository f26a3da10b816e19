import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { auditEvents } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor } from "../../../apps/api/test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../apps/api/test/harness.ts";
import { buildPlugin } from "../scripts/build.ts";
import { agentTurn, createOpenClawHome, ensureOpenClaw, startGateway, type Gateway, type OpenClawHome } from "./openclaw-harness.ts";
import { startScriptedModel, type ScriptedModel } from "./scripted-model.ts";

/**
 * The Bridle plugin inside a real OpenClaw (the version pinned in e2e/runtime, under Node 24),
 * driven by a scripted model on loopback, against a real Bridle on PostgreSQL. The cases run in
 * order on one gateway; each asserts what a user would notice: a file a command creates, what
 * the model was told, what Bridle recorded.
 */
const APPROVAL_WAIT_SECONDS = 8;

describe("OpenClaw with the Bridle plugin", () => {
  let t: TestApp;
  let bridleUrl: string;
  let model: ScriptedModel;
  let home: OpenClawHome;
  let gateway: Gateway;
  let triage: { token: string; botId: string };
  let security: string;
  let turn = 0;

  beforeAll(async () => {
    const [app, runtime, pluginDir, scripted] = await Promise.all([createTestApp({ seed: "demo" }), ensureOpenClaw(), buildPlugin(), startScriptedModel()]);
    t = app;
    model = scripted;
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    bridleUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    triage = await botTokenFor(t, "acme-triage-bot");
    security = await tokenFor(t.database, "omar.haddad@acme.example");
    await setShellExec("allow");
    home = await createOpenClawHome({
      runtime,
      modelBaseUrl: model.baseUrl,
      pluginDir,
      pluginConfig: { bridleUrl, botTokens: { main: triage.token }, approvalWaitSeconds: APPROVAL_WAIT_SECONDS },
    });
    gateway = await startGateway(home, runtime);
  }, 300_000);

  afterAll(async () => {
    await gateway?.stop();
    await model?.close();
    if (t) {
      t.app.server.closeAllConnections();
      await t.close();
    }
    await home?.remove();
  });

  /** The org rule for shell.exec (admin), one approval from security. */
  async function setShellExec(mode: "allow" | "require_approval" | "deny") {
    const res = await t.api({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: { mode, approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(res.statusCode, res.body).toBe(200);
  }

  /** Runs one turn in which the model calls `tool` with `args`; returns what the model was told. */
  async function callTool(tool: string, args: Record<string, unknown>) {
    const sessionId = `e2e-${++turn}`;
    const before = model.toolResults().length;
    const r = await agentTurn(home, gateway, { sessionId, message: `TOOL ${tool} ${JSON.stringify(args)}` });
    expect(r.code, `${r.stderr}\n${r.stdout}`).toBe(0);
    return { sessionId, told: model.toolResults().slice(before).join("\n"), result: r };
  }

  const marker = (name: string) => join(home.workspace, name);
  const touch = (name: string) => ({ command: `touch ${marker(name)}` });

  it("runs an allowed command: the marker file appears", async () => {
    const { told } = await callTool("exec", touch("allowed.txt"));
    expect(existsSync(marker("allowed.txt")), told).toBe(true);
  });

  it("does not run a denied command; the model gets Bridle's reason and the denial is audited", async () => {
    const res = await t.api({ method: "PUT", url: `/api/v1/bots/${triage.botId}/gated-actions/shell.exec`, payload: { mode: "deny" } });
    expect(res.statusCode, res.body).toBe(200);
    const { told, sessionId } = await callTool("exec", touch("denied.txt"));
    expect(existsSync(marker("denied.txt"))).toBe(false);
    expect(told).toMatch(/Bridle denied shell\.exec: .*\(action_denied\)/);
    const denials = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "decision.deny"), eq(auditEvents.actorId, triage.botId), eq(auditEvents.sessionId, sessionId)));
    expect(denials).toHaveLength(1);
    expect(denials[0]!.details).toMatchObject({ action: "shell.exec", decision: "deny" });
  });
});
