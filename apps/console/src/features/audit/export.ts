import { ApiError, apiStream } from "../../lib/api.ts";
import { auditListQuery } from "./search.ts";
import type { AuditSearch } from "./search.ts";

export type ExportFormat = "ndjson" | "csv";
export type ExportProgress = { bytes: number; records: number };
export type ExportResult = ExportProgress & { fileName: string };

const NEWLINE = 0x0a;

/** The file name the server gives in `Content-Disposition`, or one made here. */
function fileNameOf(response: Response, format: ExportFormat): string {
  const match = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "");
  return match?.[1] ?? `bridle-audit-${new Date().toISOString().replace(/[:.]/g, "-")}.${format}`;
}

/**
 * Downloads `GET /api/v1/audit-events/export?format=…` with the page's filters, reading the stream
 * as it arrives so a large export shows its progress (bytes, and records: NDJSON lines, CSV rows
 * after the header), then saves it as a file. Aborting `signal` stops it; nothing is saved then.
 */
export async function downloadAuditExport(params: {
  search: AuditSearch;
  format: ExportFormat;
  signal: AbortSignal;
  onProgress: (progress: ExportProgress) => void;
}): Promise<ExportResult> {
  const { search, format, signal, onProgress } = params;
  const response = await apiStream({
    path: "/api/v1/audit-events/export",
    query: { ...auditListQuery(search), format },
    accept: format === "csv" ? "text/csv" : "application/x-ndjson",
    signal,
  });
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  let lines = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.byteLength;
      for (let i = 0; i < value.byteLength; i++) if (value[i] === NEWLINE) lines++;
      onProgress({ bytes, records: format === "csv" ? Math.max(0, lines - 1) : lines });
    }
  }
  const records = format === "csv" ? Math.max(0, lines - 1) : lines;
  // The server ends every export with an `end` record (docs/AUDIT.md "Export"): without it the
  // stream was cut, and the file would not verify.
  if (!endsWithEndRecord(parts, format))
    throw new ApiError({ status: 0, code: "export_incomplete", message: "The export stopped before its end; nothing was saved. Try again." });
  const fileName = fileNameOf(response, format);
  const url = URL.createObjectURL(new Blob(parts, { type: response.headers.get("content-type") ?? "application/octet-stream" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser a moment to start saving before the memory is released.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { fileName, bytes, records };
}

/** True when the last record of the bytes is the export's `end` record (NDJSON: its JSON; CSV: its `record` column). */
export function endsWithEndRecord(parts: Uint8Array[], format: ExportFormat): boolean {
  // The end record is short: the last few KB hold it whole.
  const tail: number[] = [];
  for (let i = parts.length - 1; i >= 0 && tail.length < 4096; i--) tail.unshift(...parts[i]!.slice(Math.max(0, parts[i]!.byteLength - (4096 - tail.length))));
  const lines = new TextDecoder().decode(new Uint8Array(tail)).split(/\r?\n/).filter((line) => line.trim() !== "");
  const last = lines.at(-1) ?? "";
  if (format === "csv") return last.startsWith("end,");
  try {
    return (JSON.parse(last) as { type?: unknown }).type === "end";
  } catch {
    return false;
  }
}

/** `1.4 MB`, `820 KB`, `312 B`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
