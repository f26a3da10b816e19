import { z } from "zod";
import { ZErrorDetails } from "./field-errors.ts";

/** Every error code the API answers with (its HTTP status: ERROR_STATUS in apps/api/src/lib/errors.ts). */
export const ERROR_CODES = [
  "validation_failed",
  "import_invalid",
  "bad_request",
  "unauthenticated",
  "forbidden",
  "csrf_failed",
  "not_found",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "internal",
  "unavailable",
] as const;
export const ZErrorCode = z.enum(ERROR_CODES);
export type TErrorCode = z.infer<typeof ZErrorCode>;

/** The one error shape every endpoint answers with (DESIGN.md "Errors"). */
export const ZErrorEnvelope = z
  .object({
    error: z.object({
      code: ZErrorCode.describe("Stable machine-readable code, e.g. `validation_failed`, `not_found`"),
      message: z.string().describe("Human-readable summary; 5xx messages are generic"),
      requestId: z.string().describe("The request id, also sent as the `x-request-id` header"),
      details: ZErrorDetails.optional().describe("`fields`: per-field problems (FieldError); other keys per endpoint, e.g. an import's `rows`"),
    }),
  })
  .meta({ id: "ErrorEnvelope" });
export type TErrorEnvelope = z.infer<typeof ZErrorEnvelope>;

export const ZUuid = z.uuid();

/** Cursor pagination for list endpoints: `limit` (1-200, default 50) and an opaque `cursor`. */
export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** ISO-8601 timestamp on the wire. */
/** Timestamps Bridle can store: from 1970 to 9998 (PostgreSQL refuses some far years, and none is meaningful here). */
const inStorableRange = (v: string) => {
  const t = Date.parse(v);
  return t >= 0 && t < Date.UTC(9999, 0, 1);
};
export const ZTimestamp = z.iso.datetime({ offset: true }).refine(inStorableRange, "must be between 1970 and 9998");
/** Calendar date `YYYY-MM-DD` or a full timestamp. */
export const ZDateInput = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
