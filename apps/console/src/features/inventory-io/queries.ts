import { ZImportResult, ZImportRowError } from "@bridle/contracts";
import type { TImportRowError } from "@bridle/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiRequest, buildUrl, isApiError } from "../../lib/api.ts";
import { botKeys } from "../bots/queries.ts";
import { directoryKeys } from "../directory/queries.ts";
import { findingKeys } from "../findings/queries.ts";

/** Import has no reads of its own; the keys name its mutation for devtools and `useIsMutating`. */
export const inventoryIoKeys = {
  all: ["inventory-io"] as const,
  import: () => [...inventoryIoKeys.all, "import"] as const,
};

export const IMPORT_CONTENT_TYPES = {
  csv: "text/csv",
  yaml: "application/yaml",
  json: "application/json",
} as const;
export type ImportFormat = keyof typeof IMPORT_CONTENT_TYPES;

/** `.csv` -> csv, `.yaml` / `.yml` -> yaml, `.json` -> json; null for anything else. */
export function formatFromFileName(name: string): ImportFormat | null {
  const extension = name.toLowerCase().split(".").pop() ?? "";
  if (extension === "csv") return "csv";
  if (extension === "yaml" || extension === "yml") return "yaml";
  if (extension === "json") return "json";
  return null;
}

/** A best guess for pasted text: JSON starts with a bracket, CSV has a comma-separated header with `name`. */
export function guessFormat(text: string): ImportFormat {
  const start = text.trimStart();
  if (start.startsWith("{") || start.startsWith("[")) return "json";
  const firstLine = start.split(/\r?\n/, 1)[0] ?? "";
  if (firstLine.includes(",") && /(^|,)"?name"?(,|$)/.test(firstLine)) return "csv";
  return "yaml";
}

export const exportUrl = (format: "csv" | "json") => buildUrl("/api/v1/inventory/export", { format });

const ZImportInvalidDetails = z.object({ rows: z.array(ZImportRowError) });

/** The per-row problems of a 400 `import_invalid` answer, or null for any other error. */
export function importRowErrors(error: unknown): TImportRowError[] | null {
  if (!isApiError(error) || error.status !== 400) return null;
  const parsed = ZImportInvalidDetails.safeParse(error.details);
  return parsed.success ? parsed.data.rows : null;
}

/** `fileName` is the uploaded file's name, which the server audits with the file's SHA-256. */
export type ImportInput = { text: string; format: ImportFormat; dryRun: boolean; fileName?: string | null };

/** POST /api/v1/inventory/import?dryRun=…&fileName=… with the raw file as the body and its Content-Type. */
export function useImportInventory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: inventoryIoKeys.import(),
    mutationFn: ({ text, format, dryRun, fileName }: ImportInput) =>
      apiRequest({
        method: "POST",
        path: "/api/v1/inventory/import",
        query: { dryRun: dryRun ? "true" : "false", ...(fileName ? { fileName } : {}) },
        text,
        contentType: IMPORT_CONTENT_TYPES[format],
        schema: ZImportResult,
      }),
    onSuccess: (result) => {
      if (result.dryRun) return;
      void queryClient.invalidateQueries({ queryKey: botKeys.all });
      void queryClient.invalidateQueries({ queryKey: findingKeys.all });
      void queryClient.invalidateQueries({ queryKey: directoryKeys.all });
    },
  });
}
