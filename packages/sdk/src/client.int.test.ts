import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
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

  it("fails closed when Bridle hangs or fails (5xx), and a decide whose signal aborts rejects with its reason", async () => {
    // A server that takes the connection and never answers, and one that answers 503.
    const hung = createServer(() => {});
    const failing = createServer((_req, res) => res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"message":"down"}}'));
    await Promise.all([new Promise<void>((r) => hung.listen(0, "127.0.0.1", r)), new Promise<void>((r) => failing.listen(0, "127.0.0.1", r))]);
    try {
      const url = (s: typeof hung) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      const slow = createBridleClient({ baseUrl: url(hung), token: triage.token, timeoutMs: 300 });
      const v = await slow.decide({ action: "issue.read", requestId: rid() });
      expect(v).toMatchObject({ decision: "deny", source: "unreachable" });
      expect(v.reasons[0]!.message).toContain("no answer in 300 ms");
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error("tool call cancelled")), 100);
      await expect(createBridleClient({ baseUrl: url(hung), token: triage.token }).decide({ action: "issue.read", requestId: rid() }, { signal: ac.signal })).rejects.toThrow("tool call cancelled");
      const five = await createBridleClient({ baseUrl: url(failing), token: triage.token }).decide({ action: "issue.read", requestId: rid() });
      expect(five).toMatchObject({ decision: "deny", source: "unreachable" });
      expect(five.reasons[0]!.message).toContain("HTTP 503");
    } finally {
      hung.closeAllConnections();
      failing.closeAllConnections();
      await Promise.all([new Promise((r) => hung.close(r)), new Promise((r) => failing.close(r))]);
    }
  });

  it("sends a decision again on a new connection when the server reset the kept-alive one it reused, but never once an answer began", async () => {
    // The second request on any connection is answered with a TCP reset, as when a load balancer
    // drops an idle connection just as it is reused; a first request is answered 503.
    const seen = new WeakMap<object, number>();
    const server = createServer((req, res) => {
      const n = (seen.get(req.socket) ?? 0) + 1;
      seen.set(req.socket, n);
      if (n > 1) return req.socket.resetAndDestroy();
      res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"message":"down"}}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const client = createBridleClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: triage.token });
      for (let i = 0; i < 3; i++) {
        const v = await client.decide({ action: "issue.read", requestId: rid() });
        expect(v.reasons[0]!.message).toContain("HTTP 503"); // answered, not "ECONNRESET"
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    // A reset after the answer has begun: the request arrived, so it is not sent again.
    let requests = 0;
    const cut = createServer((req, res) => {
      requests++;
      const n = (seen.get(req.socket) ?? 0) + 1;
      seen.set(req.socket, n);
      if (n === 1) return res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"message":"down"}}');
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"decision":');
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    });
    await new Promise<void>((r) => cut.listen(0, "127.0.0.1", r));
    try {
      const client = createBridleClient({ baseUrl: `http://127.0.0.1:${(cut.address() as AddressInfo).port}`, token: triage.token });
      expect((await client.decide({ action: "issue.read", requestId: rid() })).reasons[0]!.message).toContain("HTTP 503");
      const v = await client.decide({ action: "issue.read", requestId: rid() });
      expect(v).toMatchObject({ decision: "deny", source: "unreachable" });
      expect(requests).toBe(2);
    } finally {
      cut.closeAllConnections();
      await new Promise((r) => cut.close(r));
    }
  });

  it("denies when Bridle refuses the token", async () => {
    const client = createBridleClient({ baseUrl, token: "brdl_bot_not_a_real_token" });
    const v = await client.decide({ action: "issue.comment", requestId: rid() });
    expect(v).toMatchObject({ decision: "deny", source: "rejected" });
  });
});
