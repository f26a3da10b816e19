/**
 * Builds the publishable `@bridle/sdk` into `dist/` (run by `prepack`, so `pnpm pack` and
 * `pnpm publish` always ship a fresh build):
 * - `dist/index.js`: one ESM file, the SDK with `@bridle/contracts` bundled in (the contracts
 *   package is private to this repository); `jose` and `zod` stay dependencies;
 * - `dist/types/`: declarations of the SDK and of the contracts it uses (tsc), the contracts'
 *   package name rewritten to a relative path so a consumer resolves them from the tarball.
 * In the workspace, `exports` still points at `src/index.ts`; `publishConfig` swaps in `dist/`.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");
const contractsTypes = join(dist, "types", "contracts", "src", "index.d.ts");

async function* walk(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (p.endsWith(".d.ts")) yield p;
  }
}

export async function buildSdk(): Promise<string> {
  await rm(dist, { recursive: true, force: true });
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  await build({
    entryPoints: [join(root, "src", "index.ts")],
    outfile: join(dist, "index.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    legalComments: "none",
    logLevel: "warning",
    external: Object.keys(pkg.dependencies),
    // contracts' CommonJS dependencies (semver) call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __bridleRequire } from 'node:module'; const require = __bridleRequire(import.meta.url);" },
  });
  const tsc = join(root, "node_modules", ".bin", "tsc");
  await promisify(execFile)(tsc, ["-p", join(root, "tsconfig.build.json")], { cwd: root });
  for await (const file of walk(join(dist, "types"))) {
    const text = await readFile(file, "utf8");
    let spec = relative(dirname(file), contractsTypes).replace(/\.d\.ts$/, ".js");
    if (!spec.startsWith(".")) spec = `./${spec}`;
    // tsc keeps the sources' `./x.ts` specifiers in declarations: point them at what ships (`./x.js` -> `./x.d.ts`).
    const out = text.replaceAll('"@bridle/contracts"', JSON.stringify(spec)).replace(/(["'])(\.{1,2}\/[^"']*)\.ts\1/g, "$1$2.js$1");
    if (out !== text) await writeFile(file, out);
  }
  return dist;
}

if (process.argv[1] === import.meta.filename) console.log(`built ${await buildSdk()}`);
