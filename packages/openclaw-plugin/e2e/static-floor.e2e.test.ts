import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TOpenClawConfig } from "@bridle/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../apps/api/test/harness.ts";
import { buildPlugin } from "../scripts/build.ts";
import { createOpenClawHome, ensureOpenClaw, type OpenClawHome } from "./openclaw-harness.ts";

type Json = Record<string, unknown>;
/** openclaw.json merge as a person pasting the snippet would: objects merge key by key, anything else is replaced. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b) ? merge(b as Json, v as Json) : v;
  }
  return out;
}
type Validated = { valid: boolean; issues?: { path: string; message: string }[]; warnings?: { path: string; message: string }[] };

/**
 * The static floor Bridle generates (GET /bots/{id}/openclaw-config) is accepted by the real,
 * pinned OpenClaw: `openclaw config validate` checks every key against OpenClaw's own schema and
 * the plugin entry against the installed plugin's manifest. About 2 s a validation, no gateway.
 */
describe("the OpenClaw static floor in a real OpenClaw", () => {
  let t: TestApp;
  let home: OpenClawHome;
  let base: Json;
  const botId = async (name: string) =>
    ((await t.api({ method: "GET", url: `/api/v1/bots?q=${name}` })).json() as { items: { id: string; name: string }[] }).items.find((b) => b.name === name)!.id;
  const floorOf = async (name: string, qs: string) => {
    const res = await t.api({ method: "GET", url: `/api/v1/bots/${await botId(name)}/openclaw-config${qs}` });
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const validate = async (file: string, text: string, env: Record<string, string>) => {
    const path = join(home.root, file);
    await writeFile(path, text);
    const r = await home.cli(["config", "validate", "--json"], { env: { OPENCLAW_CONFIG_PATH: path, ...env } });
    return { code: r.code, out: JSON.parse(r.stdout) as Validated };
  };

  beforeAll(async () => {
    const [app, runtime, pluginDir] = await Promise.all([createTestApp({ seed: "demo" }), ensureOpenClaw(), buildPlugin()]);
    t = app;
    home = await createOpenClawHome({ runtime, modelBaseUrl: "http://127.0.0.1:9/v1", pluginDir, pluginConfig: { bridleUrl: "http://127.0.0.1:9", botTokens: { main: "x" } } });
    base = JSON.parse(await readFile(join(home.root, "openclaw.json"), "utf8")) as Json;
  });
  afterAll(async () => {
    await home?.remove();
    await t?.close();
  });

  it("a bot's gateway-wide floor merged into openclaw.json validates, plugin entry included, with the token from the environment", async () => {
    const floor = (await floorOf("acme-deploy-bot", "")).json() as TOpenClawConfig;
    // the installed plugin's own entry is replaced by the generated one (its config validated against the manifest)
    const { entries: _e, ...plugins } = base.plugins as Json;
    const merged = merge({ ...base, plugins }, floor.config);
    const { code, out } = await validate("merged.json", JSON.stringify(merged, null, 2), { [floor.tokenEnv]: "brdl_bot_static_floor_e2e_token" });
    expect(out.issues ?? []).toEqual([]);
    expect(out.valid).toBe(true);
    expect(code).toBe(0);
    expect((out.warnings ?? []).filter((w) => /bridle|tools|BRIDLE_BOT_TOKEN/i.test(`${w.path} ${w.message}`))).toEqual([]);

    // and the check has teeth: the same file with a fail mode the plugin's manifest does not know is refused
    const broken = merge(merged, { plugins: { entries: { bridle: { config: { failMode: "sometimes" } } } } });
    const refused = await validate("broken.json", JSON.stringify(broken), { [floor.tokenEnv]: "brdl_bot_static_floor_e2e_token" });
    expect(refused.out.valid).toBe(false);
    expect(refused.out.issues?.map((i) => i.path).join(" ")).toMatch(/plugins\.entries\.bridle/);
  });

  it("the JSON5 download, comments and all, is a config OpenClaw reads (agent scope, another agent id)", async () => {
    const res = await floorOf("acme-triage-bot", "?format=json5&scope=agent&agentId=triage");
    const { out } = await validate("snippet.json5", res.body, { BRIDLE_BOT_TOKEN_TRIAGE: "brdl_bot_static_floor_e2e_token" });
    expect(out.issues ?? []).toEqual([]);
    expect(out.valid).toBe(true);
  });
});
