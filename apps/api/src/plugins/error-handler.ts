import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { fieldErrorsSummary, toFieldErrors, type TFieldError, type ValidationIssue } from "@bridle/contracts";
import { AppError } from "../lib/errors.ts";
import { looksLikeSecret } from "../lib/secrets.ts";

type Context = "body" | "querystring" | "params" | "headers";
const contextSchema = (context: string | undefined): Context =>
  context === "querystring" || context === "params" || context === "headers" ? context : "body";
const WHERE = { body: "body", querystring: "query", params: "params", headers: "headers" } as const;

/** The keys a zod object schema declares (for "this endpoint accepts ..."); none for other schemas. */
function declaredKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return shape && typeof shape === "object" ? Object.keys(shape) : [];
}

/**
 * fastify-type-provider-zod's validation list (one entry per zod issue: `keyword` is the issue
 * code, `params` its other fields) as field errors with sentences from the contracts. A field
 * name that looks like a secret (an unknown key someone pasted a token into) is not repeated.
 */
async function validationFields(
  validation: readonly { keyword: string; instancePath: string; message?: string; params: Record<string, unknown> }[],
  context: string | undefined,
  schema: unknown,
): Promise<TFieldError[]> {
  const issues: ValidationIssue[] = validation.map((v) => ({
    ...(v.params as Omit<ValidationIssue, "code" | "path" | "message">),
    code: v.keyword,
    path: v.instancePath.split("/").filter(Boolean),
    message: v.message ?? "",
  }));
  const fields = toFieldErrors(issues, { in: WHERE[contextSchema(context)], acceptedKeys: declaredKeys(schema) });
  return Promise.all(
    fields.map(async (f) => {
      if (f.code !== "unknown_field" && f.code !== "unknown_parameter") return f;
      if (!(await looksLikeSecret(f.path.join(".")))) return f;
      return { ...f, path: [], message: "A field name looks like a secret; it was not accepted and is not repeated here" };
    }),
  );
}

/** Renders every error as `{ error: { code, message, requestId, details? } }` (DESIGN.md "Errors"). */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler(async (err: FastifyError | AppError | Error, request, reply) => {
    const requestId = request.id;
    // A handler may have set another type (e.g. text/html for the console) before failing.
    reply.type("application/json; charset=utf-8");
    if (err instanceof AppError) {
      if (err.retryAfterSeconds !== undefined) reply.header("retry-after", String(err.retryAfterSeconds));
      return reply.code(err.status).send({
        error: { code: err.code, message: err.message, requestId, ...(err.details === undefined ? {} : { details: err.details }) },
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const fields = await validationFields(err.validation, err.validationContext, request.routeOptions.schema?.[contextSchema(err.validationContext)]);
      return reply.code(400).send({
        error: { code: "validation_failed", message: fieldErrorsSummary(fields), requestId, details: { fields } },
      });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, "response did not match its schema");
      return reply.code(500).send({ error: { code: "internal", message: "Internal server error", requestId } });
    }
    const fe = err as FastifyError;
    const status = fe.statusCode ?? 500;
    if (status === 413 || fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply.code(413).send({
        error: { code: "payload_too_large", message: "The request body is larger than the server accepts", requestId },
      });
    }
    if (status === 415 || fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return reply.code(415).send({
        error: { code: "unsupported_media_type", message: `Unsupported Content-Type: ${request.headers["content-type"] ?? "none"}`, requestId },
      });
    }
    if (status >= 400 && status < 500) {
      // Fastify's own wording (parser internals) is not for people; the common cases get a sentence.
      const message =
        fe.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
          ? "The request body is empty; send a JSON object"
          : fe.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError
            ? "The request body is not valid JSON"
            : fe.message;
      return reply.code(status).send({ error: { code: "bad_request", message, requestId } });
    }
    request.log.error({ err }, "unhandled error");
    return reply.code(500).send({ error: { code: "internal", message: "Internal server error", requestId } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { code: "not_found", message: `No route ${request.method} ${request.url.split("?")[0]}`, requestId: request.id, details: { unknownRoute: true } },
    }),
  );
}
