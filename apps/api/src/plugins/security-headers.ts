import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

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
 * the route config `csp`, keeping the rest:
 *
 *     app.get("/path", { config: { csp: { ...CSP_DIRECTIVES, "form-action": ["'self'", "https://idp.example"] } } }, handler)
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

declare module "fastify" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface FastifyContextConfig {
    /** this route's Content-Security-Policy directives instead of CSP_DIRECTIVES */
    csp?: Record<string, string[]>;
    /** set by registerSecurityHeaders: the headers of this route, computed once */
    securityHeaders?: readonly (readonly [string, string])[];
  }
}

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
  strictTransportSecurity: false,
  referrerPolicy: { policy: "no-referrer" },
  xFrameOptions: { action: "deny" },
};

/**
 * The headers helmet sets for `options`, computed once by running its middleware against a
 * recording response: helmet stays the source of the headers and their values, and no request
 * pays for building them (helmet parses its options each time its factory is called).
 */
function headersOf(options: HelmetOptions): readonly (readonly [string, string])[] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return [...headers];
}

/**
 * Security headers on every answer, from helmet: the CSP above, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, `Cross-Origin-Opener-Policy:
 * same-origin` and helmet's other defaults. They are set on the raw response at `onRequest`, so
 * error answers and routes that take over the response (`reply.hijack()`) carry them too.
 *
 * HSTS only when the request came over TLS (`request.protocol === "https"`, which counts
 * `X-Forwarded-Proto` when BRIDLE_TRUST_PROXY is on): browsers ignore it over plain HTTP, and a
 * development server on http://localhost must not pin itself to HTTPS. Helmet would send it on
 * every answer, so it is turned off there and set here.
 */
export async function registerSecurityHeaders(app: FastifyInstance) {
  const global = headersOf(HELMET_OPTIONS);
  app.addHook("onRoute", (route) => {
    const csp = route.config?.csp;
    if (csp) route.config = { ...route.config, securityHeaders: headersOf({ ...HELMET_OPTIONS, contentSecurityPolicy: { useDefaults: false, directives: csp } }) };
  });
  app.addHook("onRequest", (request, reply, done) => {
    const raw = reply.raw;
    for (const [name, value] of request.routeOptions.config.securityHeaders ?? global) raw.setHeader(name, value);
    if (request.protocol === "https") raw.setHeader("strict-transport-security", HSTS);
    done();
  });
}
