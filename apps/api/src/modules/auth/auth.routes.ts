import { ZErrorEnvelope, ZLoginRequest, ZMe } from "@bridle/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/permissions.ts";
import { checkCsrf, resolvePrincipal, SESSION_COOKIE } from "../../plugins/auth.ts";
import type { AuthService } from "./auth.service.ts";

const toMe = (p: Principal) => ({
  id: p.personId,
  email: p.email,
  displayName: p.displayName,
  roles: p.roles,
  authMethod: p.authMethod,
  permissions: p.permissions,
  isBootstrapAdmin: p.isBootstrapAdmin,
  csrfToken: p.csrfToken,
});

export const meRoute = (app: FastifyInstance) =>
  app.withTypeProvider<ZodTypeProvider>().get(
    "/me",
    {
      schema: {
        operationId: "getMe",
        tags: ["auth"],
        summary: "The signed-in person, their roles, and the CSRF token for cookie-authenticated writes",
        response: { 200: ZMe, 401: ZErrorEnvelope },
      },
    },
    async (request) => toMe(request.principal!),
  );

/** `/auth/local/login` and `/auth/logout`. SSO (`/auth/login`, `/auth/callback`) comes with OIDC. */
export function authRoutes(deps: { auth: AuthService; sessionTtlMs: number; secureCookies: "auto" | "true" | "false" }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/local/login",
      {
        schema: {
          operationId: "loginLocal",
          tags: ["auth"],
          summary: "Sign in with the local bootstrap admin (break-glass) account; sets the session cookie",
          body: ZLoginRequest,
          response: { 200: ZMe, 400: ZErrorEnvelope, 401: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        const { cookieValue, principal } = await deps.auth.loginLocal({
          ...request.body,
          requestId: request.id,
          userAgent: request.headers["user-agent"],
        });
        const secure = deps.secureCookies === "auto" ? request.protocol === "https" : deps.secureCookies === "true";
        reply.setCookie(SESSION_COOKIE, cookieValue, {
          httpOnly: true,
          sameSite: "lax",
          secure,
          path: "/",
          maxAge: Math.floor(deps.sessionTtlMs / 1000),
        });
        return toMe(principal);
      },
    );
    r.post(
      "/logout",
      {
        schema: {
          operationId: "logout",
          tags: ["auth"],
          summary: "Ends the Bridle session (needs x-csrf-token)",
          response: { 204: z.null(), 403: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        const principal = await resolvePrincipal(request, deps.auth).catch(() => null);
        if (principal) {
          checkCsrf(request, principal);
          if (principal.authMethod !== "session") throw new AppError("bad_request", "Only a session can be logged out");
          await deps.auth.logout(principal, request.id);
        }
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
        return reply.code(204).send(null);
      },
    );
  };
}
