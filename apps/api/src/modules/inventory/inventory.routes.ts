import { ZErrorEnvelope, ZExportQuery, ZImportQuery, ZImportResult } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { principalOf } from "../../plugins/auth.ts";
import { formatFromContentType, parseInventory } from "./inventory.parse.ts";
import type { InventoryService } from "./inventory.service.ts";

const TEXT_TYPES = ["text/csv", "application/csv", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"];

export function inventoryRoutes(svc: InventoryService) {
  return async (app: FastifyInstance) => {
    // Import bodies arrive raw (JSON too, in this plugin's scope only), so errors can name their line.
    app.removeContentTypeParser(["application/json", "text/plain"]);
    app.addContentTypeParser([...TEXT_TYPES, "application/json"], { parseAs: "string" }, (_req, body, done) => done(null, body));
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/inventory/import",
      {
        schema: {
          operationId: "importInventory",
          tags: ["inventory"],
          summary: "Import bots from YAML, JSON or CSV (Content-Type text/csv, application/yaml or application/json); all or nothing",
          description:
            "Bots are matched by name: new names are created, existing ones updated with the fields the file has (a missing column or key keeps the stored value; an empty cell, null or [] clears it). " +
            "`dryRun=true` returns the plan without writing: per bot each changed field before and after, and the grants, channels, credential references and service accounts it removes. " +
            "A Golden Rule exception's approvedBy/approvedAt in the file are ignored: a new or changed exception is recorded as approved by the importer at import time (admins only). " +
            "Errors answer 400 `import_invalid` with `details.rows: [{ line, row, name, field, message }]`. Needs `inventory.import` (admin, IT).",
          querystring: ZImportQuery,
          body: z.string().describe("The file's text"),
          response: { 200: ZImportResult, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 413: ZErrorEnvelope, 415: ZErrorEnvelope },
        },
      },
      async (request) => {
        const format = request.query.format ?? formatFromContentType(request.headers["content-type"]);
        if (!format)
          throw new AppError("unsupported_media_type", "Send the file as text/csv, application/yaml or application/json, or pass ?format=");
        const records = parseInventory(request.body, format);
        return svc.importRecords({ ctx: { principal: principalOf(request), requestId: request.id } }, records, {
          dryRun: request.query.dryRun,
          source: `upload (${format})`,
          text: request.body,
          ...(request.query.fileName ? { fileName: request.query.fileName } : {}),
        });
      },
    );
    r.get(
      "/inventory/export",
      {
        schema: {
          operationId: "exportInventory",
          tags: ["inventory"],
          summary: "The whole inventory as CSV or JSON (importable back). Needs `inventory.export`",
          querystring: ZExportQuery,
          response: { 200: z.string(), 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        const body = await svc.exportInventory({ principal: principalOf(request), requestId: request.id }, request.query.format);
        const date = new Date().toISOString().slice(0, 10);
        reply
          .header("content-type", request.query.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8")
          .header("content-disposition", `attachment; filename="bridle-inventory-${date}.${request.query.format}"`);
        return body;
      },
    );
  };
}
