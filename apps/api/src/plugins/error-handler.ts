import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError } from "../lib/errors.ts";

/** Renders every error as `{ error: { code, message, requestId, details? } }` (DESIGN.md "Errors"). */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    const requestId = request.id;
    // A handler may have set another type (e.g. text/html for the console) before failing.
    reply.type("application/json; charset=utf-8");
    if (err instanceof AppError) {
      return reply.code(err.status).send({
        error: { code: err.code, message: err.message, requestId, ...(err.details === undefined ? {} : { details: err.details }) },
      });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? "request";
      const issues = err.validation.map((v) => ({
        path: [where, ...v.instancePath.split("/").filter(Boolean)].join("."),
        message: v.message ?? "invalid",
      }));
      const first = issues[0];
      return reply.code(400).send({
        error: {
          code: "validation_failed",
          message: first ? `Invalid ${first.path}: ${first.message}` : `Invalid ${where}`,
          requestId,
          details: { issues },
        },
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
      return reply.code(status).send({ error: { code: "bad_request", message: fe.message, requestId } });
    }
    request.log.error({ err }, "unhandled error");
    return reply.code(500).send({ error: { code: "internal", message: "Internal server error", requestId } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { code: "not_found", message: `No route ${request.method} ${request.url.split("?")[0]}`, requestId: request.id },
    }),
  );
}
