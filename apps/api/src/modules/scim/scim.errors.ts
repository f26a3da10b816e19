import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import { URN } from "./scim.schemas.ts";
import { isUniqueViolation } from "../../lib/sql.ts";

/** `scimType` values (RFC 7644 §3.12, table 9). */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

/** An error answered in the SCIM error shape (RFC 7644 §3.12). Thrown by the SCIM services. */
export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  constructor(status: number, detail: string, scimType?: ScimType) {
    super(detail);
    this.name = "ScimError";
    this.status = status;
    this.scimType = scimType;
  }
}

export const scimNotFound = (kind: "User" | "Group", id: string) => new ScimError(404, `${kind} ${id} not found`);
export const invalidValue = (detail: string) => new ScimError(400, detail, "invalidValue");

export const ZScimError = z
  .object({
    schemas: z.array(z.string()),
    status: z.string().describe("The HTTP status, as a string"),
    scimType: z.string().optional(),
    detail: z.string().optional(),
  })
  .meta({ id: "ScimError" });

const body = (status: number, detail: string, scimType?: ScimType) => ({
  schemas: [URN.error],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail,
});

/**
 * The error handler of the /scim/v2 scope: every error, including authentication and request
 * validation, answers in the SCIM error shape (RFC 7644 §3.12) with `status` as a string.
 */
export function scimErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const send = (status: number, detail: string, scimType?: ScimType) => {
    if (status === 401) reply.header("www-authenticate", 'Bearer realm="Bridle SCIM"');
    return reply.code(status).send(body(status, detail, scimType));
  };
  if (err instanceof ScimError) return send(err.status, err.message, err.scimType);
  if (err instanceof AppError) {
    const scimType = err.code === "conflict" ? "uniqueness" : err.status === 400 ? "invalidValue" : undefined;
    return send(err.status, err.message, scimType);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const where = [err.validationContext ?? "request", ...(first?.instancePath.split("/").filter(Boolean) ?? [])].join(".");
    return send(400, `Invalid ${where}: ${first?.message ?? "invalid"}`, err.validationContext === "body" ? "invalidValue" : "invalidSyntax");
  }
  if (isUniqueViolation(err)) return send(409, "A resource with these unique attributes already exists", "uniqueness");
  if (isResponseSerializationError(err)) {
    request.log.error({ err, issues: err.cause.issues }, "SCIM response did not match its schema");
    return send(500, "Internal server error");
  }
  const fe = err as FastifyError;
  const status = fe.statusCode ?? 500;
  if (status === 413) return send(413, "The request body is larger than the server accepts", "tooMany");
  if (status === 415) return send(415, `Unsupported Content-Type: ${request.headers["content-type"] ?? "none"}; send application/scim+json`);
  if (status >= 400 && status < 500) return send(status, fe.message, status === 400 ? "invalidSyntax" : undefined);
  request.log.error({ err }, "unhandled SCIM error");
  return send(500, "Internal server error");
}

export function scimNotFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send(body(404, `No SCIM endpoint ${request.method} ${request.url.split("?")[0]}`));
}
