import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor } from "../../../apps/api/test/bot-runtime.ts";
import { createTestApp, tokenFor, type TestApp } from "../../../apps/api/test/harness.ts";
import { createBridleClient, SDK_REASONS } from "./index.ts";

const rid = () => `sdk-${randomUUID()}`;

describe("@bridle/sdk against a real Bridle", () => {
  let t: TestApp;
  let baseUrl: string;
  let triage: { token: string; botId: string }; // acme-triage-bot: github; shell.exec needs one approval from security
  let paused: { token: string; botId: string }; // acme-oncall-handoff-bot: paused
  let security: string;

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    triage = await botTokenFor(t, "acme-triage-bot");
    paused = await botTokenFor(t, "acme-oncall-handoff-bot");
    security = await tokenFor(t.database, "omar.haddad@acme.example");
  });
  afterAll(async () => {
    t.app.server.closeAllConnections(); // keep-alive sockets of this process's fetch
    await t.close();
  });

  const approve = (id: string) =>
    fetch(`${baseUrl}/api/v1/approval-requests/${id}/approve`, { method: "POST", headers: { authorization: `Bearer ${security}`, "content-type": "application/json" }, body: "{}" });

  it("allows what the policy allows, with the signed decision verified against the JWKS", async () => {
    const client = createBridleClient({ baseUrl, token: triage.token });
    const v = await client.decide({ action: "issue.comment", target: { system: "github" }, requestId: rid() });
    expect(v).toMatchObject({ decision: "allow", source: "bridle" });
    expect(v.signed?.botId).toBe(triage.botId);
  });

  it("denies with Bridle's reason (a paused bot)", async () => {
    const client = createBridleClient({ baseUrl, token: paused.token });
    const v = await client.decide({ action: "issue.comment", target: { system: "github" }, requestId: rid() });
    expect(v.decision).toBe("deny");
    expect(v.reasons.map((r) => r.code)).toContain("bot_not_active");
  });

  it("treats a decision that differs from what was signed, or is unsigned, as a deny", async () => {
    const client = createBridleClient({ baseUrl, token: paused.token });
    const requestId = rid();
    const res = await fetch(`${baseUrl}/api/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${paused.token}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "issue.comment", target: { system: "github" }, requestId }),
    });
    const real = (await res.json()) as Record<string, unknown>;
    expect(await client.verifier.verify(real, requestId)).toMatchObject({ decision: "deny" });
    expect(await client.verifier.verify({ ...real, decision: "allow" }, requestId)).toBe("the decision differs from what Bridle signed");
    expect(await client.verifier.verify({ ...real, signature: "" }, requestId)).toBe("the decision is not signed");
    expect(await client.verifier.verify(real, "another-request")).toBe("the decision answers another request");
    const [h, p] = String(real.signature).split(".");
    expect(await client.verifier.verify({ ...real, signature: `${h}.${p}.${"A".repeat(86)}` }, requestId)).toMatch(/^the signature does not verify/);
  });

  it("waits for an approval, then is allowed once with the same parameters; different parameters are not covered", async () => {
    const client = createBridleClient({ baseUrl, token: triage.token });
    const request = { action: "shell.exec", target: { system: "github" }, params: { command: "make test" }, requestId: rid() };
    let pending = "";
    const verdict = client.decideAndWait(request, { waitMs: 20_000, onPending: (id) => void (pending = id) });
    await expect.poll(() => pending).not.toBe("");
    expect((await approve(pending)).status).toBe(200);
    expect(await verdict).toMatchObject({ decision: "allow", source: "bridle" });
    // Same request id, other parameters: Bridle refuses (the approval is bound to the params hash).
    const other = await client.decide({ ...request, params: { command: "make deploy" } });
    expect(other.decision).toBe("deny");
    expect(other.reasons.map((r) => r.code)).toContain("params_mismatch");
  });

  it("ends in a deny when no approval comes within the wait", async () => {
    const client = createBridleClient({ baseUrl, token: triage.token });
    const started = Date.now();
    const v = await client.decideAndWait({ action: "shell.exec", target: { system: "github" }, params: { command: "ls" }, requestId: rid() }, { waitMs: 1_500 });
    expect(v.decision).toBe("deny");
    expect(v.reasons[0]!.code).toBe(SDK_REASONS.approvalTimeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });

  it("stops waiting when the AbortSignal aborts", async () => {
    const client = createBridleClient({ baseUrl, token: triage.token });
    const first = await client.decide({ action: "shell.exec", target: { system: "github" }, params: { command: "pwd" }, requestId: rid() });
    expect(first.decision).toBe("require_approval");
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("runtime shutting down")), 200);
    await expect(client.waitForApproval(first.approvalRequestId!, { timeoutMs: 30_000, signal: ac.signal })).rejects.toThrow("runtime shutting down");
  });

  it("fails closed when Bridle is unreachable; fail-open covers read-only actions only", async () => {
    const down = "http://127.0.0.1:9"; // discard port: nothing listens
    const closed = createBridleClient({ baseUrl: down, token: triage.token });
    const v = await closed.decide({ action: "issue.read", requestId: rid() }, { readOnly: true });
    expect(v).toMatchObject({ decision: "deny", source: "unreachable" });
    expect(v.reasons[0]!.code).toBe(SDK_REASONS.unreachable);
    const open = createBridleClient({ baseUrl: down, token: triage.token, failMode: "open_read_only" });
    expect((await open.decide({ action: "issue.read", requestId: rid() }, { readOnly: true })).decision).toBe("allow");
    expect((await open.decide({ action: "shell.exec", requestId: rid() })).decision).toBe("deny");
  });

  it("denies when Bridle refuses the token", async () => {
    const client = createBridleClient({ baseUrl, token: "brdl_bot_not_a_real_token" });
    const v = await client.decide({ action: "issue.comment", requestId: rid() });
    expect(v).toMatchObject({ decision: "deny", source: "rejected" });
  });
});
