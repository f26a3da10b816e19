import { INVENTORY_COLUMNS, type TImportRowError } from "@bridle/contracts";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { AppError } from "../../lib/errors.ts";

/** One record of an uploaded inventory: its position in the file and its raw (unvalidated) data. */
export type RawRecord = { row: number; line: number | null; data: unknown };
export type ImportFormat = "yaml" | "json" | "csv";

export function formatFromContentType(contentType: string | undefined): ImportFormat | null {
  const ct = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (ct === "text/csv" || ct === "application/csv") return "csv";
  if (ct === "application/json") return "json";
  if (ct === "application/yaml" || ct === "application/x-yaml" || ct === "text/yaml" || ct === "text/x-yaml") return "yaml";
  return null;
}

const fileError = (message: string, line: number | null) => {
  const rows: TImportRowError[] = [{ line, row: 0, name: null, field: null, message }];
  return new AppError("import_invalid", `The file could not be read: ${message}`, { rows });
};

/**
 * Parses YAML or JSON (a list of bots, or an object with a `bots` list) keeping each record's line.
 * JSON is parsed strictly first (so a JSON error reads like one), then through the YAML parser for
 * positions, since JSON is YAML.
 */
function parseStructured(text: string, format: "yaml" | "json"): RawRecord[] {
  if (format === "json") {
    try {
      JSON.parse(text);
    } catch (e) {
      // Node 20's JSON.parse message has no position; jsonc-parser (strict options) locates the error.
      const errs: ParseError[] = [];
      parseJsonc(text, errs, { disallowComments: true, allowTrailingComma: false });
      const first = errs[0];
      const line = first ? text.slice(0, first.offset).split("\n").length : null;
      const what = first ? printParseErrorCode(first.error) : (e as Error).message;
      throw fileError(`malformed JSON: ${what}${line ? ` at line ${line}` : ""}`, line);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    throw fileError(`malformed ${format.toUpperCase()}: ${err.message.split("\n")[0]}`, lineCounter.linePos(err.pos[0]).line);
  }
  let seq: unknown = doc.contents;
  if (isMap(seq)) seq = seq.get("bots", true);
  if (!isSeq(seq)) throw fileError("expected a list of bots, or an object with a `bots` list", 1);
  return seq.items.map((item, i) => {
    const offset = (item as { range?: [number, number, number] }).range?.[0];
    return {
      row: i + 1,
      line: offset === undefined ? null : lineCounter.linePos(offset).line,
      data: (item as { toJSON: () => unknown }).toJSON(),
    };
  });
}

const list = (v: string | undefined) =>
  (v ?? "")
    .split(";")
    .map((s) => s.trim())
    .filter(Boolean);
const cell = (v: string | undefined) => {
  const t = v?.trim();
  return t ? t : undefined;
};
const pairs = (v: string | undefined, field: string) =>
  list(v).map((p) => {
    const i = p.indexOf("=");
    return i > 0 ? { system: p.slice(0, i).trim(), [field]: p.slice(i + 1).trim() } : { system: "", [field]: p };
  });

/** `github:issues:write@2026-12-31` -> grant; read-only when the last scope segment is `read`. */
export function parseGrantCell(s: string) {
  const [scope = "", expiresAt] = s.split("@").map((x) => x.trim());
  const parts = scope.split(":");
  return {
    system: parts[0] ?? "",
    scope,
    access: parts[parts.length - 1] === "read" ? "read" : "write",
    ...(expiresAt ? { expiresAt } : {}),
  };
}

/** Turns one CSV record (INVENTORY_COLUMNS) into the shape of ZBotInput; validation happens later. */
export function csvRecordToBot(r: Record<string, string>): Record<string, unknown> {
  const profile = {
    runtimeOwner: cell(r.runtime_owner) ?? null,
    hostingEnvironment: cell(r.hosting_environment) ?? null,
    workspacePersistence: cell(r.workspace_persistence) ?? null,
    networkAccessPolicy: list(r.network_access_policy).length ? list(r.network_access_policy) : null,
    allowedTools: list(r.allowed_tools).length ? list(r.allowed_tools) : null,
    shellExecutionPolicy: cell(r.shell_execution_policy) ?? null,
    dataRetention: cell(r.data_retention) ?? null,
    deletionProcedure: cell(r.deletion_procedure) ?? null,
    incidentResponseOwner: cell(r.incident_response_owner) ?? null,
  };
  const bot: Record<string, unknown> = {
    name: cell(r.name),
    email: cell(r.email),
    owner: cell(r.owner),
    team: cell(r.team),
    purpose: cell(r.purpose),
    environment: cell(r.environment),
    runtime: cell(r.runtime),
    status: cell(r.status),
    internalDataAccess: cell(r.internal_data_access),
    channels: list(r.channels),
    grants: list(r.grants).map(parseGrantCell),
    serviceAccounts: pairs(r.service_accounts, "account"),
    credentialReferences: pairs(r.credential_references, "reference"),
    credentialStorage: cell(r.credential_storage),
    gatedActions: list(r.gated_actions),
    createdAt: cell(r.created_at),
    lastReviewedAt: cell(r.last_reviewed_at),
    runtimeProfile: profile,
  };
  for (const k of Object.keys(bot)) if (bot[k] === undefined) delete bot[k];
  return bot;
}

function parseCsvText(text: string): RawRecord[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, info: true, skip_empty_lines: true, trim: true, bom: true }) as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw fileError(`malformed CSV: ${err.message}`, err.lines ?? null);
  }
  const header = (text.replace(/^\uFEFF/, "").split(/\r?\n/)[0] ?? "").split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
  const unknown = header.filter((h) => h && !(INVENTORY_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw fileError(`unknown column(s) ${unknown.join(", ")}; expected ${INVENTORY_COLUMNS.join(", ")}`, 1);
  return records.map(({ record, info }, i) => {
    // info.lines is where the record ends; quoted cells may span lines, so step back over them.
    const inner = Object.values(record).reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    return { row: i + 1, line: info.lines - inner, data: csvRecordToBot(record) };
  });
}

/** Parses an uploaded inventory file. Throws `import_invalid` (400) with the line of a syntax error. */
export function parseInventory(text: string, format: ImportFormat): RawRecord[] {
  if (!text.trim()) throw fileError("the file is empty", null);
  return format === "csv" ? parseCsvText(text) : parseStructured(text, format);
}
