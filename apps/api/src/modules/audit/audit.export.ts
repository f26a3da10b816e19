import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { pipeline, Readable, Transform, type TransformCallback } from "node:stream";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { stringify } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";
import type { ExportRecord } from "./audit.chain.ts";

/**
 * The export's two layouts (docs/AUDIT.md "Export"). NDJSON: one record a line, exactly the
 * verifier's records. CSV: one record a row; the readable columns are filled for events, and the
 * `data` column always holds the record's JSON, which is what offline verification reads (a cell
 * cannot tell an empty string from null, a hash needs the difference); reading a CSV back rebuilds
 * the readable columns from `data` and refuses the file when any differs, so what a person reads in
 * a spreadsheet is what was verified.
 */
export const CSV_COLUMNS = [
  "record",
  "position",
  "at",
  "actor_type",
  "actor_id",
  "actor_label",
  "action",
  "resource_type",
  "resource_id",
  "outcome",
  "request_id",
  "session_id",
  "source_ip",
  "user_agent",
  "details",
  "event_id",
  "seq",
  "event_hash",
  "chain_hash",
  "data",
] as const;
const CSV_OPTIONS = { columns: [...CSV_COLUMNS], escape_formulas: true };

function csvRow(r: ExportRecord): Record<(typeof CSV_COLUMNS)[number], string | number | null> {
  const e = r.type === "chain" ? r.event : r.type === "unsealed" ? r.event : undefined;
  return {
    record: r.type,
    position: r.type === "chain" || r.type === "checkpoint" ? r.position : null,
    at: e?.at ?? null,
    actor_type: e?.actorType ?? null,
    actor_id: e?.actorId ?? null,
    actor_label: e?.actorLabel ?? null,
    action: e?.action ?? null,
    resource_type: e?.resourceType ?? null,
    resource_id: e?.resourceId ?? null,
    outcome: e?.outcome ?? null,
    request_id: e?.requestId ?? null,
    session_id: e?.sessionId ?? null,
    source_ip: e?.sourceIp ?? null,
    user_agent: e?.userAgent ?? null,
    details: e ? JSON.stringify(e.details) : null,
    event_id: r.type === "chain" ? r.eventId : (e?.id ?? null),
    seq: e?.seq ?? null,
    event_hash: r.type === "chain" ? r.eventHash : null,
    chain_hash: r.type === "chain" ? r.chainHash : r.type === "checkpoint" ? r.headHash : null,
    data: JSON.stringify(r),
  };
}

/**
 * A byte stream of the records in `format`, pulled as the client reads (backpressure: the source
 * generator is only asked for more when the consumer drains), so memory stays constant.
 */
export function exportStream(records: AsyncIterable<ExportRecord>, format: "ndjson" | "csv", onError: (err: Error) => void): Readable {
  const source = Readable.from(records, { objectMode: true, highWaterMark: 64 });
  // pipeline, not pipe: an error anywhere (the database failing mid-export) destroys every stage,
  // so the answer is cut off (no `end` record, the connection reset) instead of ending as if
  // complete, and it never becomes an unhandled error that stops the process.
  const done = (err: Error | null) => {
    if (err) onError(err);
  };
  if (format === "ndjson")
    return pipeline(
      source,
      new Transform({
        writableObjectMode: true,
        transform(r: ExportRecord, _enc: BufferEncoding, next: TransformCallback) {
          next(null, `${JSON.stringify(r)}\n`);
        },
      }),
      done,
    );
  // Spreadsheet formula triggers in text cells are escaped (OWASP CSV injection); `data` starts with `{`.
  return pipeline(
    source,
    new Transform({
      objectMode: true,
      transform(r: ExportRecord, _enc: BufferEncoding, next: TransformCallback) {
        next(null, csvRow(r));
      },
    }),
    stringify({ header: true, ...CSV_OPTIONS }),
    done,
  );
}

/** An export file that cannot be read as one: not JSON, or a CSV row whose readable columns differ from its `data`. */
export class ExportFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** The cells the export writes for `r`, through the same CSV writer and read back by the same parser. */
function expectedCells(r: ExportRecord): string[] {
  return (parseSync(stringifySync([csvRow(r)], CSV_OPTIONS)) as string[][])[0] ?? [];
}

function recordOf(json: string, line: number): ExportRecord {
  try {
    const r = JSON.parse(json) as unknown;
    if (r && typeof r === "object" && !Array.isArray(r)) return r as ExportRecord;
  } catch {
    // reported below
  }
  throw new ExportFileError(`line ${line} is not a JSON record`, line);
}

/**
 * Reads an export file back into records (format from the extension: `.csv`, else NDJSON), one at
 * a time. CSV: the header row must be the export's columns, and each row's readable columns must be
 * exactly those rebuilt from its `data`.
 * @throws ExportFileError on a line that is not a record or a CSV row whose columns disagree with its data
 */
export async function* readExportFile(path: string): AsyncGenerator<ExportRecord> {
  if (path.toLowerCase().endsWith(".csv")) {
    const parser = createReadStream(path).pipe(parse({ bom: true }));
    let line = 0;
    try {
      for await (const row of parser as AsyncIterable<string[]>) {
        line++;
        if (line === 1) {
          if (row.join(",") !== CSV_COLUMNS.join(",")) throw new ExportFileError(`the header row is not the export's columns (${CSV_COLUMNS.join(",")})`, line);
          continue;
        }
        const record = recordOf(row[CSV_COLUMNS.indexOf("data")] ?? "", line);
        const expected = expectedCells(record);
        const differs = CSV_COLUMNS.findIndex((_, i) => row[i] !== expected[i]);
        if (differs >= 0 || row.length !== CSV_COLUMNS.length)
          throw new ExportFileError(
            `row ${line}: the ${CSV_COLUMNS[differs] ?? "number of"} column${differs >= 0 ? ` says ${JSON.stringify(row[differs])} but its data says ${JSON.stringify(expected[differs])}` : "s differ"}: the readable columns were changed`,
            line,
          );
        yield record;
      }
    } catch (e) {
      if (e instanceof ExportFileError) throw e;
      throw new ExportFileError(`the CSV cannot be read at row ${line + 1}: ${(e as Error).message}`, line + 1);
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim()) yield recordOf(text, line);
  }
}
