import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const sdkDir = join(import.meta.dirname, "..");

/**
 * What `pnpm publish` would ship: `pnpm pack` (its `prepack` builds dist/), the tarball unpacked
 * into a throwaway app's node_modules beside the SDK's two runtime dependencies, then imported by
 * plain Node (no tsx, no workspace sources) and type-checked by tsc as a consumer would.
 */
describe("@bridle/sdk as published", () => {
  let dir: string;
  let app: string;
  let pkg: Record<string, unknown> & { dependencies: Record<string, string> };
  let files: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bridle-sdk-pack-"));
    await run("pnpm", ["pack", "--pack-destination", dir], { cwd: sdkDir, maxBuffer: 16 * 1024 * 1024 });
    const tarball = (await readdir(dir)).find((f) => f.endsWith(".tgz"))!;
    const listing = await run("tar", ["-tzf", join(dir, tarball)]);
    files = listing.stdout.trim().split("\n").sort();
    app = join(dir, "app");
    const installed = join(app, "node_modules", "@bridle", "sdk");
    await mkdir(installed, { recursive: true });
    await run("tar", ["-xzf", join(dir, tarball), "-C", installed, "--strip-components=1"]);
    pkg = JSON.parse(await readFile(join(installed, "package.json"), "utf8"));
    for (const dep of Object.keys(pkg.dependencies)) await symlink(await realpath(join(sdkDir, "node_modules", dep)), join(app, "node_modules", dep));
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("ships the built JS and declarations only, pointed at by exports, with no workspace dependency", () => {
    expect(files.filter((f) => f.startsWith("package/src/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/types/sdk/src/index.d.ts");
    expect(pkg.exports).toEqual({ ".": { types: "./dist/types/sdk/src/index.d.ts", import: "./dist/index.js" } });
    expect(pkg.dependencies).toEqual({ jose: "6.2.17", zod: "4.6.7" });
    expect(JSON.stringify(pkg)).not.toContain("workspace:");
  });

  it("imports with plain Node and fails closed when Bridle cannot be reached", async () => {
    const script = `
      const sdk = await import("@bridle/sdk");
      const client = sdk.createBridleClient({ baseUrl: "http://127.0.0.1:9", token: "brdl_bot_x", timeoutMs: 2000 });
      const verdict = await client.decide({ action: "shell.exec", params: { command: "ls" }, requestId: crypto.randomUUID() });
      console.log(JSON.stringify({ exports: Object.keys(sdk).sort(), decision: verdict.decision, code: verdict.reasons[0]?.code }));`;
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: app, env });
    expect(JSON.parse(stdout)).toEqual({
      exports: ["DECISION_JWS_TYPE", "SDK_REASONS", "createBridleClient", "createDecisionVerifier", "createEventReporter", "startHeartbeats"],
      decision: "deny",
      code: "sdk_bridle_unreachable",
    });
  });

  it("type-checks in a consumer with Node's module resolution", async () => {
    await writeFile(
      join(app, "main.ts"),
      `import { createBridleClient, type Verdict } from "@bridle/sdk";\n` +
        `const client = createBridleClient({ baseUrl: "https://bridle.example.com", token: "t" });\n` +
        `const v: Verdict = await client.decide({ action: "shell.exec", requestId: "r" });\n` +
        `const d: "allow" | "deny" | "require_approval" = v.decision;\n` +
        // fails unless the declarations resolved: with an `any` Verdict nothing would be an error
        `// @ts-expect-error a decision is not a number\nconst n: number = v.decision;\nexport { d, n };\n`,
    );
    // Node's own types, as any Node consumer has them (skipLibCheck, as most consumers: a full check of zod's declarations costs ~6 s).
    await mkdir(join(app, "node_modules", "@types"), { recursive: true });
    await symlink(await realpath(join(sdkDir, "..", "..", "node_modules", "@types", "node")), join(app, "node_modules", "@types", "node"));
    const compilerOptions = { noEmit: true, strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", types: ["node"], skipLibCheck: true };
    await writeFile(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
    const tsc = join(sdkDir, "node_modules", ".bin", "tsc");
    const r = await run(tsc, ["-p", "."], { cwd: app }).catch((e: { stdout: string }) => e);
    expect(r.stdout).toBe("");
  }, 60_000);
});
