import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@bridle/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReplica, createTestApp, type TestApp } from "../../../test/harness.ts";
import { auditCount, chainOrder, compareWithChain, waitFor, writeEvents } from "./siem.testkit.ts";

/**
 * Syslog over TLS to Debian's rsyslog (imtcp with the gtls driver), a private rsyslogd writing what
 * it receives to a file. rsyslog must be installed (`apt-get install rsyslog rsyslog-gnutls`; .ci/run
 * does it): without it this test fails, it does not skip.
 */
function rsyslogd(): string {
  for (const p of ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]) if (existsSync(p)) return p;
  throw new Error("rsyslogd is not installed: run `apt-get install -y rsyslog rsyslog-gnutls` (README \"Tests\") to run the SIEM syslog test");
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** A throwaway CA and a server certificate for localhost and 127.0.0.1, made with openssl. */
function makeCerts(dir: string) {
  const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Bridle test CA");
  run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost");
  writeFileSync(join(dir, "ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext");
  return readFileSync(join(dir, "ca.pem"), "utf8");
}

function startRsyslog(dir: string, port: number, bin: string) {
  const conf = join(dir, "rsyslog.conf");
  writeFileSync(
    conf,
    `global(workDirectory="${dir}/work" maxMessageSize="256k" defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="${dir}/ca.pem" defaultNetstreamDriverCertFile="${dir}/srv.pem" defaultNetstreamDriverKeyFile="${dir}/srv.key")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
input(type="imtcp" port="${port}")
template(name="raw" type="string" string="%rawmsg%\\n")
action(type="omfile" file="${dir}/received.log" template="raw" flushOnTXEnd="on" asyncWriting="off")
`,
  );
  execFileSync("mkdir", ["-p", join(dir, "work")]);
  const child: ChildProcess = spawn(bin, ["-n", "-f", conf, "-i", join(dir, "rsyslogd.pid")], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

const stopProcess = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

const ENV = {
  BRIDLE_SIEM_INTERVAL_MS: "50",
  BRIDLE_SIEM_RETRY_BASE_MS: "50",
  BRIDLE_SIEM_RETRY_MAX_MS: "300",
  BRIDLE_SIEM_BATCH: "25",
  BRIDLE_SIEM_HOSTNAME: "bridle-test",
  BRIDLE_AUDIT_SEAL_INTERVAL_MS: "100",
};

describe("SIEM streaming over syslog (RFC 5424, TLS) to Debian's rsyslog", () => {
  let t: TestApp;
  let dir: string;
  let port: number;
  let ca: string;
  let bin: string;
  let rs: ReturnType<typeof startRsyslog>;
  beforeAll(async () => {
    bin = rsyslogd();
    dir = mkdtempSync(join(tmpdir(), "bridle-rsyslog-"));
    ca = makeCerts(dir);
    port = await freePort();
    rs = startRsyslog(dir, port, bin);
    t = await createTestApp({ seed: "none", env: ENV });
  });
  afterAll(async () => {
    await t?.close();
    if (rs) await stopProcess(rs.child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The lines rsyslog wrote, parsed from the message's JSON (after the BOM). */
  const received = () => {
    const file = join(dir, "received.log");
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.includes(" bridle - ") && !l.includes(" bridle.test "))
      .map((l) => {
        const record = JSON.parse(l.slice(l.indexOf("\u{feff}") + 1)) as { position: number; id: string; action: string };
        return { line: l, position: record.position, id: record.id };
      });
  };
  /** Every audit event stored when it is called is sealed and arrived (the chain can be longer by then). */
  const caughtUp = async () => {
    const stored = await auditCount(t.database);
    return () => caughtUpTo(stored);
  };
  const caughtUpTo = async (stored: number) => {
    const chain = await chainOrder(t.database);
    if (chain.length < stored) return null;
    const got = new Set(received().map((r) => r.position));
    return chain.every((c) => got.has(c.position)) ? chain : null;
  };

  it("delivers every audit event in order through an rsyslog restart and a Bridle restart", async () => {
    // rsyslog is up once its port answers
    await waitFor("rsyslogd listening", async () => {
      const { connect } = await import("node:net");
      return new Promise<boolean>((resolve) => {
        const s = connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
        s.on("error", () => resolve(false));
      });
    }, 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; rsyslogd said: ${rs.output()}`);
    });

    const created = await t.api({ method: "POST", url: "/api/v1/siem/destinations", payload: { name: "rsyslog", kind: "syslog", endpoint: `localhost:${port}`, tlsCaPem: ca } });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;

    const tested = await t.api({ method: "POST", url: `/api/v1/siem/destinations/${id}/test` });
    expect(tested.json()).toMatchObject({ ok: true });

    await writeEvents(t.database, 60, "a");
    await waitFor("the first events in rsyslog's file", await caughtUp());

    // every line is an RFC 5424 message with the structured data the README lists
    const sample = received().find((r) => r.line.includes("notification.test"))!;
    expect(sample.line).toMatch(/^<110>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z bridle-test bridle - notification\.test \[bridle@32473 id="[0-9a-f-]{36}" position="\d+" seq="\d+" type="notification\.test" outcome="success" actorType="system" actor="bridle" resourceType="siem_test" resourceId="a-\d+" chainHash="[0-9a-f]{64}"\] \u{feff}\{/u);

    // rsyslog restarts: while it is down Bridle records the failure and retries
    await stopProcess(rs.child);
    await writeEvents(t.database, 60, "b");
    await waitFor("a recorded failure", async () => {
      const d = (await t.api({ method: "GET", url: `/api/v1/siem/destinations/${id}` })).json() as { status: { failures: number; lastError: string | null } };
      return d.status.failures >= 2 && /ECONNREFUSED/.test(d.status.lastError ?? "") ? d : null;
    });
    rs = startRsyslog(dir, port, bin);
    await waitFor("delivery after rsyslog came back", await caughtUp());

    // Bridle restarts: events written meanwhile are sealed and sent by the new process
    await t.close();
    const offline = await createDb({ databaseUrl: t.config.DATABASE_URL!, poolSize: 1 });
    await writeEvents(offline, 40, "c");
    await offline.close();
    t = await createReplica(t);
    const chain = await waitFor("delivery after Bridle restarted", await caughtUp());

    const cmp = compareWithChain(received(), chain);
    expect(cmp.got).toEqual(chain);
    expect(chain.length).toBeGreaterThanOrEqual(160);
    expect(cmp.duplicates).toBeLessThanOrEqual(2 * 25);
    const status = ((await t.api({ method: "GET", url: `/api/v1/siem/destinations/${id}` })).json() as { status: Record<string, unknown> }).status;
    expect(status).toMatchObject({ lag: 0, failures: 0 });
  });

  it("refuses a receiver whose certificate does not chain to the destination's CA", async () => {
    const other = mkdtempSync(join(tmpdir(), "bridle-ca-"));
    try {
      const otherCa = makeCerts(other);
      const created = await t.api({
        method: "POST",
        url: "/api/v1/siem/destinations",
        payload: { name: "wrong CA", kind: "syslog", endpoint: `localhost:${port}`, tlsCaPem: otherCa, enabled: false },
      });
      const res = await t.api({ method: "POST", url: `/api/v1/siem/destinations/${(created.json() as { id: string }).id}/test` });
      expect(res.json()).toMatchObject({ ok: false });
      expect((res.json() as { message: string }).message).toMatch(/certificate|self.signed|UNABLE_TO_VERIFY/i);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
