import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/**
 * The Content-Security-Policy of every answer (API, console, errors), as helmet directives.
 *
 * - Scripts come only from Bridle itself (`script-src 'self'`): the built console has no inline
 *   script, and Swagger UI at /docs loads its scripts from files too.
 * - Styles allow `'unsafe-inline'`: Mantine writes its CSS variables into `<style>` tags and
 *   components set `style` attributes at run time. Inline styles cannot run code.
 * - `frame-ancestors 'none'`: no page of Bridle may be framed (clickjacking on approve buttons).
 * - `img-src data:`: the console's favicon is a data: URL.
 *
 * A route that needs more (a page posting a form to another origin, say) overrides it with
 * helmet's route option, keeping the rest:
 *
 *     app.get("/path", { helmet: { contentSecurityPolicy: { useDefaults: false, directives: { ...CSP_DIRECTIVES, "form-action": ["'self'", "https://idp.example"] } } } }, handler)
 */
export const CSP_DIRECTIVES = {
  "default-src": ["'self'"],
  "base-uri": ["'self'"],
  "connect-src": ["'self'"],
  "font-src": ["'self'", "data:"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'", "'unsafe-inline'"],
} satisfies Record<string, string[]>;

/** HSTS value sent on answers to requests that came over TLS: one year, subdomains included. */
export const HSTS = "max-age=31536000; includeSubDomains";

/**
 * Security headers on every answer, through @fastify/helmet: the CSP above,
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`,
 * `Cross-Origin-Opener-Policy: same-origin` and helmet's other defaults.
 *
 * HSTS only when the request came over TLS (`request.protocol === "https"`, which counts
 * `X-Forwarded-Proto` when BRIDLE_TRUST_PROXY is on): browsers ignore it over plain HTTP, and a
 * development server on http://localhost must not pin itself to HTTPS. Helmet would send it on
 * every answer, so it is turned off there and set here.
 */
export async function registerSecurityHeaders(app: FastifyInstance) {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    strictTransportSecurity: false,
    referrerPolicy: { policy: "no-referrer" },
    xFrameOptions: { action: "deny" },
  });
  app.addHook("onRequest", async (request, reply) => {
    if (request.protocol === "https") reply.header("strict-transport-security", HSTS);
  });
}
