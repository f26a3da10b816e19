/**
 * YAML lint for files that cannot be run here (no Docker engine, no GitHub runner): each must
 * parse without errors or warnings and have the shape its tool expects.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";

const checks: Record<string, (doc: Record<string, unknown>) => string | null> = {
  "docker-compose.yml": (d) => {
    const services = d.services as Record<string, unknown> | undefined;
    return services?.bridle && services.postgres ? null : "expected services `bridle` and `postgres`";
  },
  ".github/workflows/ci.yml": (d) => (d.jobs && d.on ? null : "expected `on` and `jobs`"),
  "pnpm-workspace.yaml": (d) => (Array.isArray(d.packages) ? null : "expected a `packages` list"),
  "examples/acme-inventory.yaml": (d) => (Array.isArray(d.bots) ? null : "expected a `bots` list"),
};

let failed = false;
for (const [file, check] of Object.entries(checks)) {
  const doc = parseDocument(readFileSync(file, "utf8"), { uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => e.message.split("\n")[0]);
  const shape = problems.length ? null : check(doc.toJSON() as Record<string, unknown>);
  if (shape) problems.push(shape);
  for (const p of problems) console.error(`${file}: ${p}`);
  failed ||= problems.length > 0;
}
if (failed) process.exit(1);
console.log(`YAML lint: ${Object.keys(checks).length} files ok`);
