import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { REPO_ROOT } from "@bridle/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor } from "../../../test/bot-runtime.ts";
import { ADMIN_TOKEN, createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

/**
 * Two Bridle server processes (`apps/api/src/server.ts`, as `pnpm start` runs it) on one
 * database, as two replicas behind a load balancer. A switch engaged through replica A denies the
 * bot's next decision on replica B within one second of A's answer, and a resume through B lets
 * the bot act on A again within one second.
 */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });

type Replica = { child: ChildProcess; url: string; output: string[] };

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "apps/api/src/server.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", BRIDLE_SEED: "none", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr!.on("data", (b: Buffer) => output.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`replica exited (${child.exitCode}): ${output.join("")}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) {
        // ready means listening; the snapshot is loaded before listen (onReady)
        return { child, url, output };
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`replica did not start: ${output.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stop = (r: Replica | undefined) =>
  new Promise<void>((resolve) => {
    if (!r || r.child.exitCode !== null) return resolve();
    r.child.once("exit", () => resolve());
    r.child.kill("SIGTERM");
  });

describe("the kill switch across two server processes", () => {
  let setup: TestApp;
  let a: Replica | undefined;
  let b: Replica | undefined;
  let security: string;
  let triage: { token: string; botId: string };

  beforeAll(async () => {
    setup = await createTestApp({ seed: "demo" });
    security = await tokenFor(setup.database, "omar.haddad@acme.example");
    triage = await botTokenFor(setup, "acme-triage-bot");
    const env = { ...setup.env, BRIDLE_BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN };
    [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    await setup?.close();
  });

  const decideOn = async (r: Replica) => {
    const res = await fetch(`${r.url}/api/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${triage.token}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "issue.comment", target: { system: "github" }, requestId: `req-${randomUUID()}` }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { decision: string; reasons: { code: string; message: string }[] };
  };
  const call = (r: Replica, path: string, body: object) =>
    fetch(`${r.url}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${security}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  /** Polls decisions on `r` until `ok`; returns the milliseconds from `since`. */
  async function until(r: Replica, ok: (d: Awaited<ReturnType<typeof decideOn>>) => boolean, since: number): Promise<number> {
    for (;;) {
      const d = await decideOn(r);
      const elapsed = performance.now() - since;
      if (ok(d) || elapsed > 5_000) return ok(d) ? elapsed : Number.POSITIVE_INFINITY;
      await new Promise((res) => setTimeout(res, 10));
    }
  }

  it("engaged on A, the bot's next decision on B is denied within a second; resumed on B, A allows it within a second", async () => {
    // B and A both answer from their own snapshot first
    expect((await decideOn(b!)).decision).toBe("allow");
    expect((await decideOn(a!)).decision).toBe("allow");

    const engaged = await call(a!, "/kill-switch", { scope: { kind: "bot", subject: triage.botId }, mode: "pause", reason: "two-replica drill" });
    expect(engaged.status).toBe(201);
    const answeredAt = performance.now();
    const sw = (await engaged.json()) as { id: string };
    const deniedAfter = await until(b!, (d) => d.reasons[0]?.code === "kill_switch", answeredAt);
    expect(deniedAfter).toBeLessThan(1_000);
    expect((await decideOn(b!)).reasons[0]!.message).toContain(sw.id);

    const resumed = await call(b!, `/kill-switch/${sw.id}/resume`, { reason: "drill over" });
    expect(resumed.status).toBe(200);
    const resumedAt = performance.now();
    const allowedAfter = await until(a!, (d) => d.decision === "allow", resumedAt);
    expect(allowedAfter).toBeLessThan(1_000);

    // an org-wide switch, the same way round
    const all = await call(a!, "/kill-switch", { scope: { kind: "all" }, mode: "read_only", reason: "two-replica drill, every bot" });
    expect(all.status).toBe(201);
    const allAt = performance.now();
    expect(await until(b!, (d) => d.reasons[0]?.code === "kill_switch", allAt)).toBeLessThan(1_000);
    const allId = ((await all.json()) as { id: string }).id;
    expect((await call(b!, `/kill-switch/${allId}/resume`, { reason: "drill over" })).status).toBe(200);
    console.info(`kill switch across processes: bot switch denied on B after ${deniedAfter.toFixed(1)} ms, resume allowed on A after ${allowedAfter.toFixed(1)} ms`);
  }, 60_000);
});
