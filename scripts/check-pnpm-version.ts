/**
 * The pnpm version is written in four places; pnpm refuses to run a project whose
 * `packageManager` names another version it cannot verify, so they must agree. Run by `pnpm lint`.
 */
import { readFileSync } from "node:fs";

const pinned = /^pnpm@(\d+\.\d+\.\d+)$/.exec(JSON.parse(readFileSync("package.json", "utf8")).packageManager ?? "")?.[1];
if (!pinned) {
  console.error("package.json: packageManager must be pnpm@<exact version>");
  process.exit(1);
}
const places: Record<string, RegExp> = {
  "README.md": /npm install -g pnpm@(\S+) && pnpm install && pnpm start/,
  ".ci/run": /npm install -g pnpm@(\S+)/,
  Dockerfile: /npm i(?:nstall)? -g pnpm@(\S+)/,
};
let failed = false;
for (const [file, pattern] of Object.entries(places)) {
  const found = pattern.exec(readFileSync(file, "utf8"))?.[1];
  if (found !== pinned) {
    console.error(`${file}: installs pnpm@${found ?? "(nothing found)"}, but package.json pins pnpm@${pinned}`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`pnpm version: ${pinned} everywhere`);
