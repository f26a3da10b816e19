/**
 * `pnpm bridle <command>`: inventory import and export from the command line.
 *
 *   pnpm bridle import FILE [--dry-run]        (format from the extension: .csv, .yaml/.yml, .json)
 *   pnpm bridle export [--format csv|json] [--out FILE]
 *   pnpm bridle audit verify [--file EXPORT --jwks URL|FILE] [--checkpoint FILE]   (cli-audit.ts)
 *
 * With BRIDLE_TOKEN set it talks to a running server (BRIDLE_URL, default http://localhost:3000)
 * as that token's person. Otherwise it opens the database directly (DATABASE_URL, or the embedded
 * one in .data/ when the server is stopped) as the local operator, audited as `cli`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { basename, extname, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { TImportResult, TImportRowError } from "@bridle/contracts";
import { createDb } from "@bridle/db";
import { AUDIT_USAGE, auditCli } from "./cli-audit.ts";
import { loadConfig } from "./config.ts";
import { registerSubscribers } from "./subscribers.ts";
import { AppError } from "./lib/errors.ts";
import { createInventoryService, inventoryCsv, loadBotsAsInput, parseInventoryFile, type ImportFormat } from "./modules/inventory/index.ts";

const USAGE = `Usage:
  pnpm bridle import FILE [--dry-run]
  pnpm bridle export [--format csv|json] [--out FILE]
${AUDIT_USAGE}`;

const CONTENT_TYPES: Record<ImportFormat, string> = { csv: "text/csv", yaml: "application/yaml", json: "application/json" };

function formatOf(file: string): ImportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".json") return "json";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  throw new Error(`cannot tell the format of ${file}: use a .csv, .yaml, .yml or .json file`);
}

function printResult(r: TImportResult) {
  const text = (v: string | null) => (v === null ? "(empty)" : JSON.stringify(v));
  for (const row of r.rows) {
    if (row.action === "unchanged") continue;
    console.log(`  ${row.action.padEnd(7)} ${row.name}`);
    for (const c of row.changes) console.log(`    ${c.field}: ${text(c.before)} -> ${text(c.after)}`);
    for (const x of row.removals) console.log(`    removes ${x.kind} ${x.value}`);
  }
  if (r.removals) console.log(`${r.dryRun ? "Would remove" : "Removed"} ${r.removals} grant(s), channel(s), credential reference(s) or service account(s).`);
  console.log(`${r.dryRun ? "Dry run: would create" : "Created"} ${r.created}, ${r.dryRun ? "update" : "updated"} ${r.updated}, unchanged ${r.unchanged}.`);
}

function printErrors(message: string, rows: TImportRowError[]) {
  console.error(message);
  for (const e of rows) console.error(`  ${e.line ? `line ${e.line}` : `row ${e.row}`}${e.name ? ` (${e.name})` : ""}${e.field ? ` ${e.field}` : ""}: ${e.message}`);
}

async function viaHttp(command: string, args: { file?: string; dryRun: boolean; format: string; out?: string }) {
  const base = (process.env.BRIDLE_URL ?? "http://localhost:3000").replace(/\/$/, "");
  const headers = { authorization: `Bearer ${process.env.BRIDLE_TOKEN}` };
  if (command === "import") {
    const query = new URLSearchParams({ dryRun: String(args.dryRun), fileName: basename(args.file!) });
    const res = await fetch(`${base}/api/v1/inventory/import?${query}`, {
      method: "POST",
      headers: { ...headers, "content-type": CONTENT_TYPES[formatOf(args.file!)] },
      body: await readFile(args.file!, "utf8"),
    });
    const body = (await res.json()) as TImportResult & { error?: { message: string; details?: { rows?: TImportRowError[] } } };
    if (!res.ok) {
      printErrors(body.error?.message ?? `HTTP ${res.status}`, body.error?.details?.rows ?? []);
      return 1;
    }
    printResult(body);
    return 0;
  }
  const res = await fetch(`${base}/api/v1/inventory/export?format=${args.format}`, { headers });
  const text = await res.text();
  if (!res.ok) {
    console.error(text);
    return 1;
  }
  await output(text, args.out);
  return 0;
}

async function output(text: string, out?: string) {
  if (out) {
    await writeFile(out, text);
    console.error(`wrote ${out}`);
  } else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function direct(command: string, args: { file?: string; dryRun: boolean; format: string; out?: string }) {
  const config = loadConfig();
  const database = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.BRIDLE_DATA_DIR, poolSize: 2 });
  try {
    await database.migrate();
    if (command === "import") {
      const format = formatOf(args.file!);
      // The import's domain event recomputes findings, as in the server.
      registerSubscribers();
      const inventory = createInventoryService({ db: database.db });
      try {
        const text = await readFile(args.file!, "utf8");
        const { records, systems } = parseInventoryFile(text, format);
        const result = await inventory.importRecords(
          { system: { type: "system", id: null, label: `cli (${userInfo().username})` }, requestId: null },
          records,
          { dryRun: args.dryRun, source: `cli ${resolve(args.file!)}`, text, fileName: basename(args.file!), systems },
        );
        printResult(result);
        return 0;
      } catch (e) {
        if (e instanceof AppError) {
          printErrors(e.message, (e.details as { rows?: TImportRowError[] } | undefined)?.rows ?? []);
          return 1;
        }
        throw e;
      }
    }
    const bots = await loadBotsAsInput(database.db);
    const text = args.format === "csv" ? inventoryCsv(bots) : JSON.stringify({ bots }, null, 2);
    await output(text, args.out);
    return 0;
  } finally {
    await database.close();
  }
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      "dry-run": { type: "boolean", default: false },
      format: { type: "string", default: "json" },
      out: { type: "string" },
      help: { type: "boolean" },
      file: { type: "string" },
      jwks: { type: "string" },
      checkpoint: { type: "string" },
      "allow-unsealed": { type: "boolean", default: false },
    },
  });
  const [command, file] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === "audit") return auditCli({ sub: file, file: values.file, jwks: values.jwks, checkpoint: values.checkpoint, allowUnsealed: values["allow-unsealed"] });
  if (!command || !["import", "export"].includes(command) || (command === "import" && !file)) {
    console.error(command && !["import", "export"].includes(command) ? `unknown command ${command}\n${USAGE}` : USAGE);
    return 2;
  }
  if (command === "export" && !["csv", "json"].includes(values.format!)) {
    console.error(`--format must be csv or json\n${USAGE}`);
    return 2;
  }
  const args = { file, dryRun: values["dry-run"]!, format: values.format!, out: values.out };
  if (!process.env.BRIDLE_TOKEN) return direct(command, args);
  const base = process.env.BRIDLE_URL ?? "http://localhost:3000";
  return viaHttp(command, args).catch((e: unknown) => {
    throw new Error(`could not reach Bridle at ${base} (set BRIDLE_URL): ${e instanceof Error ? e.message : String(e)}`);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
