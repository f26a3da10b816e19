import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { safeEqual } from "../lib/crypto.ts";
import { AppError } from "../lib/errors.ts";
import type { Principal } from "../lib/permissions.ts";

export const SESSION_COOKIE = "bridle_session";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * What authenticating a request needs (the auth module's service provides it; plugins never
 * import a module, so the module is passed in).
 */
export type Authenticator = {
  /** whether `token` is an unrevoked, unexpired bot runtime token (for a clearer 403) */
  isLiveBotToken(token: string): Promise<boolean>;
  principalFromToken(token: string, use?: { requestId: string; method: string; path: string }): Promise<Principal | null>;
  principalFromSession(cookieValue: string): Promise<Principal | null>;
};

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Reads `Authorization: Bearer <token>` or the session cookie; null when neither is valid. */
export async function resolvePrincipal(request: FastifyRequest, auth: Authenticator): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) throw new AppError("unauthenticated", "Authorization header must be `Bearer <token>`");
    // A live bot runtime token is valid only on the runtime routes: say so instead of "invalid".
    if (m[1].startsWith("brdl_bot_") && (await auth.isLiveBotToken(m[1])))
      throw new AppError(
        "forbidden",
        "Bot runtime tokens may only call POST /api/v1/decisions, GET /api/v1/approval-requests/{id}, and their bot's instructions " +
          "(GET /api/v1/bots/{id}/instructions, GET /api/v1/bots/{id}/instructions/current, POST /api/v1/bots/{id}/instructions/files/{name}/versions)",
      );
    const principal = await auth.principalFromToken(m[1], { requestId: request.id, method: request.method, path: request.url.split("?")[0] ?? "/" });
    if (!principal) throw new AppError("unauthenticated", "The token is invalid, expired or revoked");
    return principal;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  return auth.principalFromSession(cookie);
}

/**
 * Cookie-authenticated writes must carry the session's CSRF token in `x-csrf-token`
 * (synchronizer token; the cookie is also SameSite=Lax). Bearer tokens are not sent by browsers
 * on their own, so they need no CSRF token.
 */
export function checkCsrf(request: FastifyRequest, principal: Principal) {
  if (principal.authMethod !== "session" || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers["x-csrf-token"];
  if (typeof sent !== "string" || !principal.csrfToken || !safeEqual(sent, principal.csrfToken)) {
    throw new AppError("csrf_failed", "Missing or wrong x-csrf-token header for a cookie-authenticated write");
  }
}

/** Registers a hook that requires a principal on every route of `scope` (used for /api). */
export function requireAuth(scope: FastifyInstance, auth: Authenticator) {
  scope.decorateRequest("principal", null);
  scope.addHook("onRequest", async (request: FastifyRequest, _reply: FastifyReply) => {
    const principal = await resolvePrincipal(request, auth);
    if (!principal) throw new AppError("unauthenticated", "Sign in or send `Authorization: Bearer <token>`");
    checkCsrf(request, principal);
    request.principal = principal;
  });
}

/**
 * Whether the session cookie gets the Secure attribute: BRIDLE_SECURE_COOKIES `true`/`false`, or
 * with `auto` when the request came over TLS (`X-Forwarded-Proto` counts with BRIDLE_TRUST_PROXY).
 */
export function secureCookie(request: FastifyRequest, setting: "auto" | "true" | "false"): boolean {
  return setting === "auto" ? request.protocol === "https" : setting === "true";
}

/** Bridle's external origin: BRIDLE_PUBLIC_URL, else the request's scheme and host. */
export const publicBase = (request: FastifyRequest, publicUrl: string | undefined) => publicUrl ?? `${request.protocol}://${request.host}`;

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError("unauthenticated", "Not signed in");
  return request.principal;
}
