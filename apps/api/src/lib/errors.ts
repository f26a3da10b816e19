import { fieldErrorsSummary, fieldMessage, type TErrorCode, type TErrorDetails, type TFieldError, type TFieldErrorCode } from "@bridle/contracts";

/** Error codes and the HTTP status each maps to (one place; DESIGN.md "Errors"). */
export const ERROR_STATUS = {
  validation_failed: 400,
  import_invalid: 400,
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<TErrorCode, number>;
export type ErrorCode = TErrorCode;

/** The one application error. Thrown anywhere; the error handler renders the envelope. */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** `fields` is typed (contracts ZErrorDetails), so the error envelope always serializes. */
  readonly details: TErrorDetails | undefined;
  /** sent as `Retry-After` (seconds): when a 429 or 503 is worth trying again */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: ErrorCode, message: string, details?: TErrorDetails, opts?: { retryAfterSeconds?: number }) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = opts?.retryAfterSeconds;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

/**
 * One field's problem as a person reads it: "<Label> is required" for REQUIRED_PHRASE, else
 * "<Label>: <phrase>" (labels from FIELD_LABELS in the contracts). `path` is a dotted path or a list.
 */
export function fieldError(path: string | readonly string[], code: TFieldErrorCode, phrase: string): TFieldError {
  const segments = typeof path === "string" ? path.split(".").filter(Boolean) : [...path];
  return { path: segments, code, message: fieldMessage({ path: segments, code, phrase }) };
}

/** 400 `validation_failed` with `details.fields`; the message is the first field's sentence and a count of the rest. */
export const invalidFields = (fields: TFieldError[], message: string = fieldErrorsSummary(fields)) =>
  new AppError("validation_failed", message, { fields });
