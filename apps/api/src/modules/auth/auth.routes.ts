import rateLimit from "@fastify/rate-limit";
import { ZErrorEnvelope, ZLoginRequest, ZLogoutResponse, ZMe } from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/permissions.ts";
import { checkCsrf, publicBase, resolvePrincipal, secureCookie, SESSION_COOKIE } from "../../plugins/auth.ts";
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

/** Local sign-in attempts allowed per client address and email in LOGIN_WINDOW_MS. */
export const LOGIN_ATTEMPTS = 20;
const LOGIN_WINDOW_MS = 10 * 60_000;

/** `/auth/local/login` and `/auth/logout`. SSO (`/auth/login`, `/auth/callback`) is in modules/sso. */
export function authRoutes(deps: {
  auth: AuthService;
  secureCookies: "auto" | "true" | "false";
  /** builds the provider's logout URL after an SSO session */
  sso?: { endSessionUrl(input: { idToken: string | null; postLogoutRedirectUri: string }): Promise<string | null> };
  publicUrl?: string | undefined;
}) {
  return async (app: FastifyInstance) => {
    // Slows password guessing against the break-glass account: failed attempts are counted per
    // client address and email (in-process; each replica counts on its own). A successful sign-in
    // consumes nothing, so an admin who signs in often is never locked out by their own sessions;
    // once the limit is reached, even the right password waits for the window (the library's
    // documented failed-login pattern: peek with increment false, consume on failure).
    await app.register(rateLimit, { global: false });
    const failedLogins = app.createRateLimit({
      max: LOGIN_ATTEMPTS,
      timeWindow: LOGIN_WINDOW_MS,
      keyGenerator: (request: FastifyRequest) => `${request.ip}|${String((request.body as { email?: unknown } | undefined)?.email ?? "").toLowerCase()}`,
    });
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/local/login",
      {
        schema: {
          operationId: "loginLocal",
          tags: ["auth"],
          summary: "Sign in with the local bootstrap admin (break-glass) account; sets the session cookie",
          body: ZLoginRequest,
          response: { 200: ZMe, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 429: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        const limit = await failedLogins(request, { increment: false });
        if (!limit.isAllowed && limit.remaining === 0) {
          reply.header("retry-after", String(limit.ttlInSeconds));
          throw new AppError("rate_limited", `Too many sign-in attempts; try again in ${limit.ttlInSeconds} seconds`);
        }
        let session: Awaited<ReturnType<AuthService["loginLocal"]>>;
        try {
          session = await deps.auth.loginLocal({ ...request.body, requestId: request.id, userAgent: request.headers["user-agent"] });
        } catch (error) {
          if (error instanceof AppError && error.code === "unauthenticated") await failedLogins(request);
          throw error;
        }
        const { cookieValue, expiresAt, principal } = session;
        reply.setCookie(SESSION_COOKIE, cookieValue, {
          httpOnly: true,
          sameSite: "lax",
          secure: secureCookie(request, deps.secureCookies),
          path: "/",
          maxAge: Math.max(1, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
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
          summary: "Ends the Bridle session (needs x-csrf-token); after an SSO session, also says where to end the provider's session",
          description:
            "204 without a body, or 200 `{ redirectTo }` when the session came from single sign-on and the provider has an " +
            "end_session_endpoint: the Bridle session is already over, and navigating to `redirectTo` signs out at the provider, " +
            "which then returns the browser to Bridle's `/`.",
          response: { 200: ZLogoutResponse, 204: z.null(), 400: ZErrorEnvelope, 403: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        const principal = await resolvePrincipal(request, deps.auth).catch(() => null);
        let redirectTo: string | null = null;
        if (principal) {
          checkCsrf(request, principal);
          if (principal.authMethod !== "session") throw new AppError("bad_request", "Only a session can be logged out");
          const ended = await deps.auth.logout(principal, request.id);
          if (ended?.method === "oidc" && deps.sso) {
            redirectTo = await deps.sso
              .endSessionUrl({ idToken: ended.idToken, postLogoutRedirectUri: `${publicBase(request, deps.publicUrl)}/` })
              .catch((err: unknown) => {
                request.log.warn({ err }, "no provider logout URL: the Bridle session ended, the provider's may not have");
                return null;
              });
          }
        }
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
        if (redirectTo) return reply.code(200).send({ redirectTo });
        return reply.code(204).send(null);
      },
    );
  };
}
