import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { parse } from "csv-parse";
import { stringify } from "csv-stringify";
import type { ExportRecord } from "./audit.chain.ts";

/**
 * The export's two layouts (docs/AUDIT.md "Export"). NDJSON: one record a line, exactly the
 * verifier's records. CSV: one record a row; the readable columns are filled for events, and the
 * `data` column always holds the record's JSON, which is what offline verification reads (a cell
 * cannot tell an empty string from null, a hash needs the difference).
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
export function exportStream(records: AsyncIterable<ExportRecord>, format: "ndjson" | "csv"): Readable {
  const source = Readable.from(records, { objectMode: true, highWaterMark: 64 });
  if (format === "ndjson")
    return source.pipe(
      new Transform({
        writableObjectMode: true,
        transform(r: ExportRecord, _enc: BufferEncoding, done: TransformCallback) {
          done(null, `${JSON.stringify(r)}\n`);
        },
      }),
    );
  // Spreadsheet formula triggers in text cells are escaped (OWASP CSV injection); `data` starts with `{`.
  return source
    .pipe(
      new Transform({
        objectMode: true,
        transform(r: ExportRecord, _enc: BufferEncoding, done: TransformCallback) {
          done(null, csvRow(r));
        },
      }),
    )
    .pipe(stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true }));
}

/** Reads an export file back into records (format from the extension: `.csv`, else NDJSON), one at a time. */
export async function* readExportFile(path: string): AsyncGenerator<ExportRecord> {
  if (path.toLowerCase().endsWith(".csv")) {
    const parser = createReadStream(path).pipe(parse({ columns: true, bom: true }));
    for await (const row of parser as AsyncIterable<Record<string, string>>) yield JSON.parse(row.data ?? "null") as ExportRecord;
    return;
  }
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as ExportRecord;
}
