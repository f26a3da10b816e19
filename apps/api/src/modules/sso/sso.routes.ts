import { ZAuthProviders } from "@bridle/contracts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { publicBase, secureCookie, SESSION_COOKIE } from "../../plugins/auth.ts";
import type { IdentitySettingsService } from "../identity-settings/index.ts";
import { AUTH_REQUEST_TTL_MS, SsoFailure, type SsoService } from "./sso.service.ts";

/** Remembers, in the browser that started a sign-in, which state it started (login CSRF defence). */
export const STATE_COOKIE = "bridle_sso_state";
const STATE_COOKIE_PATH = "/auth/callback";

export type SsoRoutesDeps = {
  sso: SsoService;
  settings: IdentitySettingsService;
  publicUrl: string | undefined;
  secureCookies: "auto" | "true" | "false";
};

const ZRedirect = z.null().describe("Redirect: see the Location header");

/**
 * `/auth/providers`, `/auth/login` and `/auth/callback`: OpenID Connect sign-in for browsers.
 * Failures redirect to `/?ssoError=<code>` (codes: SSO_ERROR_CODES in sso.service.ts), which the
 * console's login page explains; details go to the audit log, never to the browser.
 */
export function ssoRoutes(deps: SsoRoutesDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    const fail = (request: FastifyRequest, reply: FastifyReply, err: unknown) => {
      if (!(err instanceof SsoFailure)) throw err;
      request.log.warn({ ssoError: err.code, reason: err.reason }, "single sign-on refused");
      return reply.redirect(`/?ssoError=${err.code}`, 302);
    };

    r.get(
      "/providers",
      {
        schema: {
          operationId: "getAuthProviders",
          tags: ["auth"],
          summary: "Which sign-in methods the login page offers (no authentication)",
          security: [],
          response: { 200: ZAuthProviders },
        },
      },
      async () => deps.settings.providers(),
    );

    r.get(
      "/login",
      {
        schema: {
          operationId: "ssoLogin",
          tags: ["auth"],
          summary: "Starts single sign-on: redirects (302) to the identity provider",
          description:
            "Stores state, nonce and PKCE verifier for 10 minutes (single use) and redirects to the provider's authorization endpoint. " +
            "`returnTo` must be a path on Bridle (`/bots`); anything else becomes `/`. When SSO is off or the provider cannot be reached, " +
            "redirects to `/?ssoError=sso_disabled` or `/?ssoError=provider_unavailable`.",
          security: [],
          querystring: z.object({ returnTo: z.string().max(2000).optional().describe("A local path to land on after sign-in") }),
          response: { 302: ZRedirect },
        },
      },
      async (request, reply) => {
        try {
          const { location, state } = await deps.sso.begin({
            returnTo: request.query.returnTo,
            redirectUri: `${publicBase(request, deps.publicUrl)}/auth/callback`,
          });
          reply.setCookie(STATE_COOKIE, state, {
            httpOnly: true,
            sameSite: "lax",
            secure: secureCookie(request, deps.secureCookies),
            path: STATE_COOKIE_PATH,
            maxAge: AUTH_REQUEST_TTL_MS / 1000,
          });
          reply.header("cache-control", "no-store");
          return reply.redirect(location, 302);
        } catch (err) {
          return fail(request, reply, err);
        }
      },
    );

    r.get(
      "/callback",
      {
        schema: {
          operationId: "ssoCallback",
          tags: ["auth"],
          summary: "The identity provider returns here; on success sets the session cookie and redirects (302) to `returnTo`",
          description:
            "Checks state (known, unexpired, unused, started in this browser), exchanges the code with PKCE, validates the ID token " +
            "(signature, issuer, audience, expiry, nonce) and opens a session. On failure redirects to `/?ssoError=<code>`: " +
            "`state_invalid`, `provider_error`, `token_invalid`, `not_provisioned`, `deactivated`, `account_conflict`, " +
            "`sso_disabled`, `sso_misconfigured` or `provider_unavailable`.",
          security: [],
          // The provider's parameters (code, state, iss, error, ...) are read by openid-client from the URL.
          querystring: z.looseObject({ code: z.string().optional(), state: z.string().optional(), error: z.string().optional() }),
          response: { 302: ZRedirect },
        },
      },
      async (request, reply) => {
        const stateCookie = request.cookies[STATE_COOKIE];
        reply.clearCookie(STATE_COOKIE, { path: STATE_COOKIE_PATH });
        reply.header("cache-control", "no-store");
        const q = request.url.indexOf("?");
        const callbackUrl = new URL(`${publicBase(request, deps.publicUrl)}/auth/callback${q >= 0 ? request.url.slice(q) : ""}`);
        try {
          const session = await deps.sso.complete({ callbackUrl, stateCookie, requestId: request.id, userAgent: request.headers["user-agent"] });
          reply.setCookie(SESSION_COOKIE, session.cookieValue, {
            httpOnly: true,
            sameSite: "lax",
            secure: secureCookie(request, deps.secureCookies),
            path: "/",
            maxAge: Math.max(1, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)),
          });
          return reply.redirect(session.returnTo, 302);
        } catch (err) {
          return fail(request, reply, err);
        }
      },
    );
  };
}
