import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TSessionTimeline } from "@bridle/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor } from "../../../apps/api/test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../apps/api/test/harness.ts";

const run = promisify(execFile);
const EXAMPLE = join(import.meta.dirname, "..", "examples", "custom-runtime.ts");

/** examples/custom-runtime.ts, run as a user would (tsx, environment variables) against a real Bridle. */
describe("examples/custom-runtime.ts", () => {
  let t: TestApp;
  let baseUrl: string;
  let triage: { token: string; botId: string }; // acme-triage-bot: shell.exec needs one approval from security
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    triage = await botTokenFor(t, "acme-triage-bot");
    dir = await mkdtemp(join(tmpdir(), "bridle-example-"));
  });
  afterAll(async () => {
    t.app.server.closeAllConnections();
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  const example = (command: string, env: Record<string, string> = {}) =>
    run(join(import.meta.dirname, "..", "node_modules", ".bin", "tsx"), [EXAMPLE, command], {
      env: { ...process.env, BRIDLE_URL: baseUrl, BRIDLE_BOT_TOKEN: triage.token, ...env },
      cwd: join(import.meta.dirname, ".."),
    });

  it("waits for the approval, runs the command, and reports the session in order", async () => {
    const marker = join(dir, "approved.txt");
    const running = example(`touch ${marker}`);
    const security = await tokenFor(t.database, "omar.haddad@acme.example");
    let id: string | undefined;
    await expect
      .poll(async () => {
        const res = await t.api({ method: "GET", url: `/api/v1/approval-requests?status=pending&kind=gated_action&bot=${triage.botId}` });
        id = (res.json() as { items: { id: string }[] }).items[0]?.id;
        return id;
      }, { timeout: 20_000, interval: 200 })
      .toBeDefined();
    const approved = await fetch(`${baseUrl}/api/v1/approval-requests/${id}/approve`, { method: "POST", headers: { authorization: `Bearer ${security}`, "content-type": "application/json" }, body: "{}" });
    expect(approved.status).toBe(200);
    const { stdout } = await running;
    const out = JSON.parse(stdout) as { decision: string; exitCode: number | null; sessionId: string; events: { sent: number; dropped: number } };
    expect(out).toMatchObject({ decision: "allow", exitCode: 0, events: { sent: 4, dropped: 0 } });
    expect(existsSync(marker)).toBe(true);
    const story = (await t.api({ method: "GET", url: `/api/v1/bots/${triage.botId}/sessions/${out.sessionId}` })).json() as TSessionTimeline;
    expect(story.items.map((e) => e.action).filter((a) => a.startsWith("runtime.") || a === "decision.allow")).toEqual([
      "runtime.session_start",
      "decision.allow",
      "runtime.tool_call",
      "runtime.tool_result",
      "runtime.session_end",
    ]);
  }, 60_000);

  it("does not run the command when no approval comes", async () => {
    const marker = join(dir, "never.txt");
    const { stdout } = await example(`touch ${marker}`, { APPROVAL_WAIT_MS: "1000" });
    expect(JSON.parse(stdout)).toMatchObject({ decision: "deny", reasons: ["sdk_approval_timeout"], exitCode: null, events: { sent: 2, dropped: 0 } });
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});
