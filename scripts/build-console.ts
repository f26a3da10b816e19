/**
 * Builds the console for `pnpm start`, only when it needs to: when apps/console/dist is missing
 * or older than any of its sources (the console's own files, the shared packages it bundles,
 * the lockfile). A fresh clone builds once (about 15 s); later starts skip it.
 *
 * The build goes to a scratch directory beside dist and is then swapped in with two renames, so
 * a server already running from this checkout never serves a half-written dist (it used to
 * answer 500 while Vite emptied and refilled it).
 *
 * Usage: tsx scripts/build-console.ts [--force]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const consoleDir = join(root, "apps/console");
const dist = join(consoleDir, "dist");
const builtMarker = join(dist, "index.html");

/** What the built console is made from; a change to any of these means a rebuild. */
const SOURCES = [
  "apps/console/src",
  "apps/console/public",
  "apps/console/index.html",
  "apps/console/vite.config.ts",
  "apps/console/package.json",
  "apps/console/tsconfig.json",
  "packages/contracts/src",
  "packages/contracts/package.json",
  "packages/policy/src",
  "packages/policy/package.json",
  "tsconfig.base.json",
  "pnpm-lock.yaml",
];

/** The newest modification time (ms) under `path`, a file or a directory; 0 when it is absent. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its directory's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function staleReason(): string | null {
  if (!existsSync(builtMarker)) return "the console is not built yet";
  const built = statSync(builtMarker).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(join(root, s)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

const reason = process.argv.includes("--force") ? "--force" : staleReason();
if (!reason) {
  console.log("Console is up to date (apps/console/dist); not rebuilding.");
  process.exit(0);
}

console.log(`Building the console: ${reason}.`);
const scratch = join(consoleDir, `.dist-build-${process.pid}`);
const previous = join(consoleDir, `.dist-old-${process.pid}`);
const build = spawnSync("pnpm", ["--filter", "@bridle/console", "exec", "vite", "build", "--outDir", scratch, "--emptyOutDir"], {
  cwd: root,
  stdio: "inherit",
});
if (build.status !== 0) {
  rmSync(scratch, { recursive: true, force: true });
  console.error("The console build failed; see the messages above.");
  process.exit(build.status ?? 1);
}
// Swap: the old dist stays whole until the new one takes its name.
if (existsSync(dist)) renameSync(dist, previous);
renameSync(scratch, dist);
rmSync(previous, { recursive: true, force: true });
