import { ZErrorDetails, ZErrorEnvelope, ZMe, ZUnknownRouteDetails } from "@bridle/contracts";
import type { z } from "zod";

/**
 * The console's only door to the API: same-origin fetch with the session cookie, the CSRF header
 * on writes, responses parsed with the zod contracts, and the error envelope
 * `{ error: { code, message, requestId, details? } }` turned into an ApiError.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  readonly details: unknown;

  constructor(params: { status: number; code: string; message: string; requestId?: string | null; details?: unknown }) {
    super(params.message);
    this.name = "ApiError";
    this.status = params.status;
    this.code = params.code;
    this.requestId = params.requestId ?? null;
    this.details = params.details;
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

/** True when the error means "not signed in" (the root then shows the login page). */
export const isUnauthorized = (error: unknown): boolean => isApiError(error) && error.status === 401;

/** True when the request never reached the API: the browser is offline or the network failed. */
export const isOffline = (error: unknown): boolean => isApiError(error) && (error.code === "offline" || error.code === "network_error");

/**
 * The error for a request that could not be sent. A write says plainly that nothing was saved and
 * that the form keeps what was typed (forms stay open on errors); a read says what is missing.
 */
function unreachable(method: Method, offline: boolean): ApiError {
  const write = method !== "GET";
  if (offline)
    return new ApiError({
      status: 0,
      code: "offline",
      message: write ? "You are offline; nothing was saved. Your changes are kept." : "You are offline; Bridle cannot load this until you are back online.",
    });
  return new ApiError({
    status: 0,
    code: "network_error",
    message: write ? "Bridle cannot be reached; nothing was saved. Your changes are kept; try again." : "Cannot reach the Bridle API. Check your connection.",
  });
}

const browserOffline = () => typeof navigator !== "undefined" && navigator.onLine === false;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type QueryParams = Record<string, string | number | boolean | null | undefined>;

let csrfToken: string | null = null;

/** Remembered from GET /api/v1/me or login; sent as `x-csrf-token` on cookie-authenticated writes. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function buildUrl(path: string, query?: QueryParams): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

type RequestOptions<S extends z.ZodType | null> = {
  method?: Method;
  path: string;
  query?: QueryParams;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with `contentType` (e.g. an uploaded inventory file). */
  text?: string;
  contentType?: string;
  /** The contract the response body must satisfy; null for 204 responses. */
  schema: S;
  /** Set false for requests made before there is a session (login). */
  csrf?: boolean;
  signal?: AbortSignal;
};

type Result<S extends z.ZodType | null> = S extends z.ZodType ? z.output<S> : undefined;

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const envelope = ZErrorEnvelope.safeParse(body);
  if (envelope.success) {
    const { code, message, requestId, details } = envelope.data.error;
    return new ApiError({ status: response.status, code, message, requestId, details });
  }
  return new ApiError({
    status: response.status,
    code: "http_error",
    message: response.status >= 500 ? "The server could not answer. Try again in a moment." : response.statusText || `HTTP ${response.status}`,
    requestId: response.headers.get("x-request-id"),
  });
}

async function ensureCsrfToken(signal?: AbortSignal): Promise<string | null> {
  if (csrfToken) return csrfToken;
  const me = await apiRequest({ path: "/api/v1/me", schema: ZMe, signal });
  csrfToken = me.csrfToken;
  return csrfToken;
}

async function send(options: RequestOptions<z.ZodType | null>, method: Method, retryCsrf: boolean): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers["content-type"] = options.contentType ?? "text/plain";
    body = options.text;
  }
  // Offline, say so at once rather than after a request that cannot succeed.
  if (browserOffline()) throw unreachable(method, true);
  const needsCsrf = method !== "GET" && options.csrf !== false;
  if (needsCsrf) {
    const token = await ensureCsrfToken(options.signal);
    if (token) headers["x-csrf-token"] = token;
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(options.path, options.query), {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    // fetch rejects with a TypeError when the network fails; the browser may only now know it is offline.
    throw unreachable(method, browserOffline());
  }
  // A remembered CSRF token goes stale when the session changes (e.g. signed in in another tab):
  // fetch a fresh one from /api/v1/me and try once more.
  if (needsCsrf && retryCsrf && response.status === 403) {
    const payload = await response.clone().json().catch(() => null);
    const envelope = ZErrorEnvelope.safeParse(payload);
    if (envelope.success && envelope.data.error.code.toLowerCase().includes("csrf")) {
      csrfToken = null;
      return send(options, method, false);
    }
  }
  return response;
}

export async function apiRequest<S extends z.ZodType | null>(options: RequestOptions<S>): Promise<Result<S>> {
  const method = options.method ?? "GET";
  const response = await send(options, method, true);
  const payload = await readBody(response);
  if (!response.ok) throw toApiError(response, payload);
  if (options.schema === null) return undefined as Result<S>;

  const parsed = options.schema.safeParse(payload);
  if (!parsed.success) {
    // The API serializes with the same contracts, so this means the two are out of step.
    console.error(`Response of ${method} ${options.path} does not match its contract`, parsed.error.issues);
    throw new ApiError({
      status: response.status,
      code: "contract_mismatch",
      message: "The server answered in an unexpected shape.",
      requestId: response.headers.get("x-request-id"),
      details: parsed.error.issues,
    });
  }
  return parsed.data as Result<S>;
}

/**
 * GET a streamed body (an export) with the session cookie: the Response once its status is OK, for
 * the caller to read `body` as it arrives; an ApiError for the error envelope, as other requests.
 */
export async function apiStream(options: { path: string; query?: QueryParams; accept: string; signal?: AbortSignal }): Promise<Response> {
  if (browserOffline()) throw unreachable("GET", true);
  let response: Response;
  try {
    response = await fetch(buildUrl(options.path, options.query), { headers: { accept: options.accept }, credentials: "same-origin", signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw unreachable("GET", browserOffline());
  }
  if (!response.ok) throw toApiError(response, await readBody(response));
  return response;
}

export const api = {
  get: <S extends z.ZodType>(path: string, schema: S, query?: QueryParams, signal?: AbortSignal) =>
    apiRequest({ path, schema, query, signal }),
  post: <S extends z.ZodType | null>(path: string, schema: S, json?: unknown) =>
    apiRequest({ method: "POST", path, schema, json }),
  patch: <S extends z.ZodType | null>(path: string, schema: S, json?: unknown) =>
    apiRequest({ method: "PATCH", path, schema, json }),
};

/** A field's problem; `labelled` when the message already names the field ("Team: choose a team"). */
export type FieldIssue = { path: string; message: string; labelled?: boolean };

const pathText = (path: unknown): string => {
  if (Array.isArray(path)) return path.map(String).join(".");
  if (typeof path === "string") return path;
  return "";
};

/**
 * Reads the per-field problems of a 400 envelope's `details`: the API's typed `fields`
 * (`[{ path: ["grants", "0", "scope"], code, message }]`, keyed here as `grants.0.scope`), or an
 * older shape: a zod issue list `[{ path, message }]`, `{ issues: [...] }`, or zod's flattened
 * `{ formErrors, fieldErrors: { field: [messages] } }`.
 */
export function fieldIssues(details: unknown): FieldIssue[] {
  const typed = ZErrorDetails.safeParse(details);
  if (typed.success && typed.data.fields) {
    return typed.data.fields.map((field) => ({ path: field.path.join("."), message: field.message, labelled: true }));
  }
  if (Array.isArray(details)) {
    return details.flatMap((item): FieldIssue[] => {
      if (item && typeof item === "object" && "message" in item) {
        const record = item as { path?: unknown; field?: unknown; message: unknown };
        return [{ path: pathText(record.path ?? record.field), message: String(record.message) }];
      }
      return typeof item === "string" ? [{ path: "", message: item }] : [];
    });
  }
  if (!details || typeof details !== "object") return [];
  const record = details as Record<string, unknown>;
  if (Array.isArray(record.issues)) return fieldIssues(record.issues);
  if (Array.isArray(record.errors)) return fieldIssues(record.errors);
  const issues: FieldIssue[] = [];
  if (Array.isArray(record.formErrors)) {
    for (const message of record.formErrors) issues.push({ path: "", message: String(message) });
  }
  if (record.fieldErrors && typeof record.fieldErrors === "object") {
    for (const [path, messages] of Object.entries(record.fieldErrors as Record<string, unknown>)) {
      for (const message of Array.isArray(messages) ? messages : [messages]) issues.push({ path, message: String(message) });
    }
  }
  return issues;
}

/**
 * True when the server has no such endpoint at all (an older API), as opposed to a 404 for a
 * missing record: the API's not-found handler says so in `details` (ZUnknownRouteDetails).
 */
export const isMissingEndpoint = (error: unknown): boolean =>
  isApiError(error) && error.status === 404 && (error.code !== "not_found" || ZUnknownRouteDetails.safeParse(error.details).success);

/** A message fit to show a person, for any error a query or mutation can throw. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
