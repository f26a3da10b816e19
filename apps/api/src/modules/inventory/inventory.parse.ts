import { INVENTORY_COLUMNS, type TImportRowError, type TInventoryColumn } from "@bridle/contracts";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { AppError } from "../../lib/errors.ts";

export type ImportFormat = "yaml" | "json" | "csv";

/**
 * A problem found while reading a cell, before validation. `field` is already what the user sees
 * (a CSV column); `cell` is the cell's text quoted in `message`, so it can be left out when the
 * row holds something that looks like a secret.
 */
export type CellError = { field: string; message: string; cell: string };

/**
 * One record of an uploaded inventory: its position in the file, its raw (unvalidated) data, the
 * format it came in (CSV errors name columns, not fields) and problems found reading its cells.
 */
export type RawRecord = { row: number; line: number | null; data: unknown; format?: ImportFormat; errors?: CellError[] };

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

const GRANT_FORMAT = "system:resource:action, optionally with an expiry @YYYY-MM-DD (e.g. github:issues:write@2026-12-31)";

/** A calendar date written YYYY-MM-DD that exists (2026-02-30 does not). */
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().slice(0, 10) === s;

export type GrantCell = { system: string; scope: string; access: "read" | "write"; expiresAt?: string };

/**
 * `github:issues:write@2026-12-31` -> grant: the system is the first segment; read-only when the
 * last segment is `read`, write otherwise. A scope needs at least three non-empty segments and the
 * expiry must be a real YYYY-MM-DD date, or the cell is refused (a cell like `github:repo` would
 * otherwise become a write grant on all of GitHub).
 */
export function parseGrantCell(s: string): { ok: true; grant: GrantCell } | { ok: false; message: string } {
  const at = s.lastIndexOf("@");
  const scope = (at < 0 ? s : s.slice(0, at)).trim();
  const expiresAt = at < 0 ? undefined : s.slice(at + 1).trim();
  const parts = scope.split(":").map((p) => p.trim());
  if (parts.length < 3 || parts.some((p) => !p))
    return { ok: false, message: `grant \`${s}\` is not system:resource:action; write ${GRANT_FORMAT}` };
  if (expiresAt !== undefined && !isDay(expiresAt))
    return { ok: false, message: `grant \`${s}\` has an expiry that is not a date; write ${GRANT_FORMAT}` };
  return {
    ok: true,
    grant: { system: parts[0]!, scope, access: parts[parts.length - 1] === "read" ? "read" : "write", ...(expiresAt ? { expiresAt } : {}) },
  };
}

/**
 * Where each CSV column lands in a bot record (ZBotInput), as a field path. Errors on a CSV
 * upload are reported by column through this map (`runtimeProfile.dataRetention` ->
 * `data_retention`, `grants.0.scope` -> `grants`); YAML and JSON keep the field paths.
 */
const CSV_COLUMN_FIELDS = {
  name: "name",
  email: "email",
  owner: "owner",
  team: "team",
  purpose: "purpose",
  environment: "environment",
  runtime: "runtime",
  status: "status",
  internal_data_access: "internalDataAccess",
  channels: "channels",
  grants: "grants",
  service_accounts: "serviceAccounts",
  credential_references: "credentialReferences",
  credential_storage: "credentialStorage",
  gated_actions: "gatedActions",
  created_at: "createdAt",
  last_reviewed_at: "lastReviewedAt",
  runtime_owner: "runtimeProfile.runtimeOwner",
  hosting_environment: "runtimeProfile.hostingEnvironment",
  workspace_persistence: "runtimeProfile.workspacePersistence",
  network_access_policy: "runtimeProfile.networkAccessPolicy",
  allowed_tools: "runtimeProfile.allowedTools",
  shell_execution_policy: "runtimeProfile.shellExecutionPolicy",
  data_retention: "runtimeProfile.dataRetention",
  deletion_procedure: "runtimeProfile.deletionProcedure",
  incident_response_owner: "runtimeProfile.incidentResponseOwner",
} as const satisfies Record<TInventoryColumn, string>;
const COLUMN_ENTRIES = Object.entries(CSV_COLUMN_FIELDS) as [TInventoryColumn, string][];

/** The CSV column a field path (`a.b.0.c`) comes from; the path itself when no column holds it. */
export function csvColumnOf(path: string): string {
  return COLUMN_ENTRIES.find(([, field]) => path === field || path.startsWith(`${field}.`))?.[0] ?? path;
}

/** Columns whose field always holds a value: an empty cell there cannot clear it and is refused. */
const REQUIRED_COLUMNS = ["name", "owner", "team", "purpose", "environment", "status"] as const satisfies readonly TInventoryColumn[];

/**
 * Turns one CSV record (INVENTORY_COLUMNS) into the shape of ZBotInput; validation happens later.
 * Only the columns the file has become fields, so a missing column leaves the stored value as it
 * is (the service merges the record over the stored bot). An empty cell in a present column
 * clears the field: lists become empty, optional text and dates null, `internal_data_access`
 * `none`, while an empty `created_at` leaves the date alone. An empty cell in a column that
 * always holds a value (REQUIRED_COLUMNS) is reported in `errors`, as is a grant cell that cannot
 * be read (column `grants`); both are left out of `bot`.
 */
export function csvRecordToBot(r: Record<string, string>): { bot: Record<string, unknown>; errors: CellError[] } {
  const errors: CellError[] = [];
  const has = (c: TInventoryColumn) => Object.hasOwn(r, c);
  for (const c of REQUIRED_COLUMNS)
    if (has(c) && cell(r[c]) === undefined) errors.push({ field: c, message: `${c} cannot be empty; leave the column out to keep the stored value`, cell: "" });
  const grants = () =>
    list(r.grants).flatMap((c) => {
      const g = parseGrantCell(c);
      if (g.ok) return [g.grant];
      errors.push({ field: "grants", message: g.message, cell: c });
      return [];
    });
  const optional = (c: TInventoryColumn) => cell(r[c]) ?? null;
  const optionalList = (c: TInventoryColumn) => (list(r[c]).length ? list(r[c]) : null);
  const fields: { [C in TInventoryColumn]: () => unknown } = {
    name: () => cell(r.name),
    email: () => optional("email"),
    owner: () => cell(r.owner),
    team: () => cell(r.team),
    purpose: () => cell(r.purpose),
    environment: () => cell(r.environment),
    runtime: () => optional("runtime"),
    status: () => cell(r.status),
    internal_data_access: () => cell(r.internal_data_access) ?? "none",
    channels: () => list(r.channels),
    grants,
    service_accounts: () => pairs(r.service_accounts, "account"),
    credential_references: () => pairs(r.credential_references, "reference"),
    credential_storage: () => optional("credential_storage"),
    gated_actions: () => list(r.gated_actions),
    created_at: () => cell(r.created_at),
    last_reviewed_at: () => optional("last_reviewed_at"),
    runtime_owner: () => optional("runtime_owner"),
    hosting_environment: () => optional("hosting_environment"),
    workspace_persistence: () => optional("workspace_persistence"),
    network_access_policy: () => optionalList("network_access_policy"),
    allowed_tools: () => optionalList("allowed_tools"),
    shell_execution_policy: () => optional("shell_execution_policy"),
    data_retention: () => optional("data_retention"),
    deletion_procedure: () => optional("deletion_procedure"),
    incident_response_owner: () => optional("incident_response_owner"),
  };
  const bot: Record<string, unknown> = {};
  for (const [column, path] of COLUMN_ENTRIES) {
    if (!has(column)) continue;
    const value = fields[column]();
    if (value === undefined) continue;
    const [head, sub] = path.split(".") as [string, string | undefined];
    if (sub === undefined) bot[head] = value;
    else bot[head] = { ...(bot[head] as Record<string, unknown> | undefined), [sub]: value };
  }
  return { bot, errors };
}

/**
 * Spreadsheet formula neutralisation (OWASP "CSV Injection"): a cell whose text starts with one of
 * these is written with a leading `'`, so a spreadsheet shows it as text instead of running it.
 * The list is csv-stringify's `escape_formulas` (OWASP's `=`, `+`, `-`, `@`, tab, carriage return,
 * and the full-width forms Apple Numbers reads as the same).
 */
const FORMULA_TRIGGERS = "=+\\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20";
/** Text that needs a `'` on export: a trigger first, or quotes then a trigger (so `'=x` survives too). */
const NEEDS_QUOTE = new RegExp(`^'*[${FORMULA_TRIGGERS}]`);

/**
 * A cell as export writes it: one `'` before text matching `'*<trigger>`. csv-stringify's
 * `escape_formulas` adds it for a trigger in first place; this adds it when the text already
 * starts with quotes, which the library leaves alone, so import can strip exactly one `'`.
 */
export const neutraliseFormulaText = (v: string) => (v.startsWith("'") && NEEDS_QUOTE.test(v) ? `'${v}` : v);

/**
 * The inverse on import: `'` followed by `'*<trigger>` loses that one `'`; any other text is kept,
 * so `- step one` written by hand and `'- step one` from an export both read as `- step one`.
 */
export const restoreFormulaText = (v: string) => (v.startsWith("'") && NEEDS_QUOTE.test(v.slice(1)) ? v.slice(1) : v);

function parseCsvText(text: string): RawRecord[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  // The header as csv-parse read it (quotes, delimiters and line endings handled the same way as the records).
  let header: string[] = [];
  try {
    records = parseCsv(text, {
      columns: (h: string[]) => (header = h),
      info: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw fileError(`malformed CSV: ${err.message}`, err.lines ?? null);
  }
  const unknown = header.filter((h) => h && !(INVENTORY_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw fileError(`unknown column(s) ${unknown.join(", ")}; expected ${INVENTORY_COLUMNS.join(", ")}`, 1);
  return records.map(({ record, info }, i) => {
    // info.lines is where the record ends; quoted cells may span lines, so step back over them.
    const inner = Object.values(record).reduce((n, v) => n + (v.match(/\n/g)?.length ?? 0), 0);
    const { bot, errors } = csvRecordToBot(Object.fromEntries(Object.entries(record).map(([k, v]) => [k, restoreFormulaText(v)])));
    return { row: i + 1, line: info.lines - inner, data: bot, format: "csv" as const, ...(errors.length ? { errors } : {}) };
  });
}

/**
 * Line breaks as `\n` or `\r\n`: a lone `\r` (classic Mac OS line endings, still written by
 * some spreadsheet exports) becomes `\n`, so lines are counted the same way everywhere.
 */
export const normalizeLineEndings = (text: string) => text.replace(/\r(?!\n)/g, "\n");

/**
 * Parses an uploaded inventory file. Throws `import_invalid` (400) with the line of a syntax error.
 * Line numbers count lines after normalizeLineEndings; pass the same text to the secret scan.
 */
export function parseInventory(text: string, format: ImportFormat): RawRecord[] {
  if (!text.trim()) throw fileError("the file is empty", null);
  const normalized = normalizeLineEndings(text);
  return format === "csv" ? parseCsvText(normalized) : parseStructured(normalized, format);
}
