import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { HAND_CALL_EDGES, MODULE_DEPENDENCIES } from "./module-boundaries.js";

const ROOT = resolve(import.meta.dirname, "..");
const MODULES = resolve(ROOT, "apps/api/src/modules");
const RULE = "import-x/no-restricted-paths";
const eslint = new ESLint({ cwd: ROOT });

/** Lints a fixture as if it lived at `asPath` (relative to the repository root), with the repository's config. */
async function boundaryErrors(fixture: string, asPath: string) {
  const text = readFileSync(resolve(import.meta.dirname, "fixtures/boundaries", fixture), "utf8");
  const [result] = await eslint.lintText(text, { filePath: resolve(ROOT, asPath) });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => ({ line: m.line, message: m.message }));
}

// The first lint loads ESLint's config and plugins (seconds on a busy 2-core machine), hence the timeout.
describe("module boundaries lint rule (import-x/no-restricted-paths)", { timeout: 60_000 }, () => {
  it("reports a module importing another module's repo, and a module outside its allowed list", async () => {
    const errors = await boundaryErrors("module-violation.ts", "apps/api/src/modules/bots/boundary-fixture.ts");
    expect(errors).toEqual([
      { line: 3, message: expect.stringContaining("Import modules/policy-settings only through modules/policy-settings/index.ts") },
      { line: 4, message: expect.stringContaining("modules/bots may not depend on modules/decisions") },
    ]);
  });

  it("reports lib/ importing a module, even through its door", async () => {
    const errors = await boundaryErrors("lib-violation.ts", "apps/api/src/lib/boundary-fixture.ts");
    expect(errors).toEqual([{ line: 3, message: expect.stringContaining("lib/ and plugins/ never import a module") }]);
  });

  it("accepts imports through the door of a module on the list, and the module's own files", async () => {
    expect(await boundaryErrors("clean.ts", "apps/api/src/modules/bots/boundary-fixture.ts")).toEqual([]);
  });
});

/** `a -> b` for each edge of the map; `dashed` marks the hand-call edges. */
function mapEdges() {
  const dashed = new Set(HAND_CALL_EDGES.map(([a, b]) => `${a} -> ${b}`));
  return Object.entries(MODULE_DEPENDENCIES)
    .flatMap(([a, deps]) => deps.map((b) => `${a} -> ${b}`))
    .map((e) => (dashed.has(e) ? `${e} (dashed)` : e))
    .sort();
}

describe("the module map", () => {
  it("names every module folder, and only those", () => {
    const folders = readdirSync(MODULES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(Object.keys(MODULE_DEPENDENCIES).sort()).toEqual(folders);
    for (const name of folders) expect(readdirSync(resolve(MODULES, name))).toContain("index.ts");
  });

  it("is the picture in docs/ARCHITECTURE.md, edge for edge", () => {
    const doc = readFileSync(resolve(ROOT, "docs/ARCHITECTURE.md"), "utf8");
    const graph = /```mermaid\n(graph [\s\S]*?)```/.exec(doc)?.[1] ?? "";
    const drawn = [...graph.matchAll(/^\s*([\w]+)\s+(-->|-\.->)\s+([\w]+)\s*$/gm)]
      .map(([, a, arrow, b]) => `${a!.replaceAll("_", "-")} -> ${b!.replaceAll("_", "-")}${arrow === "-.->" ? " (dashed)" : ""}`)
      .sort();
    expect(drawn).toEqual(mapEdges());
  });

  it("has no edge the code does not use", () => {
    const used = new Set<string>();
    for (const name of Object.keys(MODULE_DEPENDENCIES)) {
      const dir = resolve(MODULES, name);
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".testkit.ts")))
        for (const m of readFileSync(resolve(dir, file), "utf8").matchAll(/from "\.\.\/([\w-]+)\/index\.ts"/g)) used.add(`${name} -> ${m[1]}`);
    }
    const allowed = Object.entries(MODULE_DEPENDENCIES).flatMap(([a, deps]) => deps.map((b) => `${a} -> ${b}`));
    expect(allowed.filter((e) => !used.has(e))).toEqual([]);
  });
});
