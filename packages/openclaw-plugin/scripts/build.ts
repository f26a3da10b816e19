/**
 * Builds the installable plugin: `dist/bridle-openclaw/` holds one bundled ESM file (`index.js`:
 * the plugin, the SDK, the contracts and their dependencies), `openclaw.plugin.json`, the README
 * and a package.json with no dependencies, because `openclaw plugins install <path>` does not
 * install a plugin's npm dependencies. `openclaw plugins install dist/bridle-openclaw` (or the
 * tarball `npm pack` makes of it) is how OpenClaw users install it.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
export const OUT_DIR = join(root, "dist", "bridle-openclaw");

export async function buildPlugin(): Promise<string> {
  await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  await build({
    entryPoints: [join(root, "src", "index.ts")],
    outfile: join(OUT_DIR, "index.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    legalComments: "none",
    logLevel: "warning",
    banner: { js: "import { createRequire as __bridleRequire } from 'node:module'; const require = __bridleRequire(import.meta.url);" },
  });
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as Record<string, unknown> & { openclaw: Record<string, unknown> };
  const published = {
    name: "@bridle/openclaw-plugin",
    version: pkg.version,
    description: pkg.description,
    type: "module",
    main: "./index.js",
    files: ["index.js", "openclaw.plugin.json", "README.md"],
    peerDependencies: { openclaw: ">=2026.9.6" },
    peerDependenciesMeta: { openclaw: { optional: true } },
    openclaw: { ...pkg.openclaw, extensions: ["./index.js"], runtimeExtensions: ["./index.js"] },
  };
  await writeFile(join(OUT_DIR, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
  await copyFile(join(root, "openclaw.plugin.json"), join(OUT_DIR, "openclaw.plugin.json"));
  await copyFile(join(root, "README.md"), join(OUT_DIR, "README.md")).catch(() => undefined);
  return OUT_DIR;
}

if (process.argv[1] === import.meta.filename) {
  const out = await buildPlugin();
  console.log(`built ${out}`);
}
