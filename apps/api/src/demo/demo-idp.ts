/**
 * The demo sign-in provider: a real OpenID Connect provider (oidc-provider) mounted on Bridle's own
 * origin under /demo-idp, whose login page lets you pick any demo person. Bridle signs in through
 * it with its ordinary SSO code (openid-client, discovery, PKCE, ID token checks), configured in
 * the identity settings like any provider; nothing in the sign-in path knows it is a demo.
 *
 * Started only in demo mode (see `demoModeOf`). Why the same origin and port rather than a second
 * port: one published port is enough (Docker, a tunnel, a proxy in front of Bridle), and the
 * provider is exactly as reachable, and over the same transport, as the console itself. That is
 * also why its `http://` issuer is accepted without BRIDLE_OIDC_ALLOW_HTTP: the exemption is for
 * this one issuer URL, served by this process, and only while it runs (sso.client.ts).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import type { interactionPolicy as InteractionPolicy, OidcContext } from "oidc-provider";
import { CSP_DIRECTIVES } from "../plugins/security-headers.ts";
import type { Config } from "../config.ts";
import { DEMO_PEOPLE, DEMO_ROLE_MAPPING, type DemoPerson } from "./demo-people.ts";

export const DEMO_IDP_PATH = "/demo-idp";
export const DEMO_CLIENT_ID = "bridle-demo";
export const DEMO_SCOPES = ["openid", "email", "profile", "groups"];
export const DEMO_GROUPS_CLAIM = "groups";

/**
 * Demo mode: `BRIDLE_SEED=demo` (the default) with no seed file of your own and no SSO from the
 * environment (BRIDLE_OIDC_ISSUER wins: a real provider is configured, so no demo door is opened).
 */
export function demoModeOf(config: Pick<Config, "BRIDLE_SEED" | "BRIDLE_SEED_FILE" | "BRIDLE_OIDC_ISSUER">): boolean {
  return config.BRIDLE_SEED === "demo" && !config.BRIDLE_SEED_FILE && !config.BRIDLE_OIDC_ISSUER;
}

/**
 * Where Bridle is reached, as the browser sees it: BRIDLE_PUBLIC_URL, else localhost and
 * 127.0.0.1 on PORT. The first is the issuer's origin; all are allowed as redirect origins.
 */
export function demoOrigins(config: Pick<Config, "BRIDLE_PUBLIC_URL" | "PORT">): string[] {
  if (config.BRIDLE_PUBLIC_URL) return [config.BRIDLE_PUBLIC_URL];
  return [`http://localhost:${config.PORT}`, `http://127.0.0.1:${config.PORT}`];
}

export type DemoIdp = {
  /** the issuer identifier, e.g. `http://localhost:3000/demo-idp` */
  issuer: string;
  clientId: string;
  /** register at the root of the Fastify app (it adds its own routes under /demo-idp) */
  plugin: (app: FastifyInstance) => Promise<void>;
};

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The pages' only style sheet, served from DEMO_STYLE_PATH: no inline script or style, so a strict CSP allows them. */
const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f8f9fa;color:#212529}
main{max-width:720px;margin:32px auto;padding:0 16px}
.warn{background:#fff4e6;border:1px solid #ffa94d;border-radius:8px;padding:12px 16px;margin:16px 0}
ul{list-style:none;padding:0;margin:0}
li{margin:0 0 8px}
button.person{display:block;width:100%;text-align:left;background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:12px 16px;font:inherit;cursor:pointer}
button.person:hover,button.person:focus{border-color:#228be6;outline:2px solid #a5d8ff}
.name{font-weight:600}.persona{color:#1971c2;font-weight:600;margin-left:8px}.email{color:#868e96;font-size:.9em}
.can{display:block;margin-top:4px;font-size:.95em}
`;
const DEMO_STYLE_PATH = `${DEMO_IDP_PATH}/static/demo.css`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${DEMO_STYLE_PATH}">
</head>
<body><main>${body}</main></body>
</html>`;
}

const WARNING = `<p class="warn" role="note"><strong>Demo sign-in: for the demo only, never for production.</strong>
Anyone who can open this page can sign in as any of these people, without a password. It runs only while Bridle
starts with the demo organization (<code>BRIDLE_SEED=demo</code>, the default); configure your own identity provider before real use.</p>`;

function loginPage(uid: string, people: readonly DemoPerson[]): string {
  const items = people
    .map(
      (p) => `<li><button class="person" type="submit" name="account" value="${esc(p.sub)}">
<span class="name">${esc(p.name)}</span><span class="persona">${esc(p.persona)}</span>
<span class="email">${esc(p.email)}</span><span class="can">${esc(p.can)}</span></button></li>`,
    )
    .join("\n");
  return page(
    "Demo sign-in: Bridle",
    `<h1>Demo sign-in</h1>${WARNING}
<p>Choose who to be. Bridle receives this person's email and groups from this provider, as it would from Okta or Entra ID, and maps the groups to roles.</p>
<form method="post" action="${DEMO_IDP_PATH}/interaction/${esc(uid)}/login"><ul>${items}</ul></form>`,
  );
}

function readForm(req: IncomingMessage, limit = 4096): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > limit) {
        reject(new Error("form too large"));
        req.destroy();
      }
    });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, html: string) {
  res.statusCode = status;
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.end(html);
}

/**
 * The demo asks who to be at every sign-in, even while its own session remembers the last person:
 * switching persona is the point of the demo, and "Sign out" in Bridle may leave that session alive.
 */
function choosePersonEveryTime(interactionPolicy: typeof InteractionPolicy) {
  const policy = interactionPolicy.base();
  policy
    .get("login")
    ?.checks.add(
      new interactionPolicy.Check("demo_choose_person", "The demo asks who to be at every sign-in", (ctx) =>
        ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );
  return policy;
}

/**
 * Creates the demo provider for Bridle at `origins` (the first is the issuer's origin). Keys and
 * cookie keys are made at start and kept in memory, like its sessions: a restart signs everyone
 * out of the demo provider (not out of Bridle).
 */
export async function createDemoIdp(opts: { origins: string[]; trustProxy: boolean }): Promise<DemoIdp> {
  // Loaded here, in demo mode only: the package prints warnings when it is imported ("Unsupported
  // runtime" on Node 20, where it works), which a start without the demo should not show.
  const { Provider, interactionPolicy } = await import("oidc-provider");
  const issuer = `${opts.origins[0]}${DEMO_IDP_PATH}`;
  const accounts = new Map(DEMO_PEOPLE.map((p) => [p.sub, p]));
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: `demo-${randomBytes(4).toString("hex")}`, alg: "RS256", use: "sig" };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: DEMO_CLIENT_ID,
        client_name: "Bridle (demo)",
        // A public client: no secret to store (Bridle keeps secrets only with BRIDLE_ENCRYPTION_KEY); PKCE protects the code.
        token_endpoint_auth_method: "none",
        redirect_uris: opts.origins.map((o) => `${o}/auth/callback`),
        post_logout_redirect_uris: opts.origins.map((o) => `${o}/`),
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    scopes: DEMO_SCOPES,
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: OidcContext, form: string) => {
          ctx.type = "html";
          ctx.body = page(
            "Sign out of the demo provider",
            `<h1>Sign out of the demo provider?</h1>${WARNING}${form}
<p><button class="person" type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign out</button></p>
<p><button class="person" type="submit" form="op.logoutForm">No, stay signed in here</button></p>`,
          );
        },
        postLogoutSuccessSource: (ctx: OidcContext) => {
          ctx.type = "html";
          ctx.body = page("Signed out", `<h1>Signed out of the demo provider</h1><p><a href="/">Back to Bridle</a></p>`);
        },
      },
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${DEMO_IDP_PATH}/interaction/${interaction.uid}`,
      policy: choosePersonEveryTime(interactionPolicy),
    },
    renderError: (ctx: OidcContext, out: { error?: string; error_description?: string }) => {
      ctx.type = "html";
      ctx.body = page(
        "Demo sign-in: error",
        `<h1>The demo sign-in could not continue</h1><p>${esc(out.error ?? "error")}: ${esc(out.error_description ?? "")}</p><p><a href="/">Back to Bridle</a></p>`,
      );
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    findAccount: (_ctx: unknown, sub: string) => {
      const p = accounts.get(sub);
      if (!p) return undefined;
      return { accountId: sub, claims: () => ({ sub, email: p.email, email_verified: true, name: p.name, groups: p.groups }) };
    },
    // Bridle is a first-party client: grant the requested scopes without a consent screen.
    loadExistingGrant: async (ctx: OidcContext) => {
      const { client, session, result, provider: p } = ctx.oidc;
      const existing = result?.consent?.grantId ?? (client && session?.grantIdFor(client.clientId));
      if (existing) return p.Grant.find(existing);
      if (!client || !session?.accountId) return undefined;
      const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(DEMO_SCOPES.join(" "));
      grant.addOIDCClaims(["email", "email_verified", "name", "groups"]);
      await grant.save();
      return grant;
    },
  });
  provider.proxy = opts.trustProxy;
  const handle = provider.callback();

  /** The login page (GET) and the choice of a person (POST .../login). */
  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, submit: boolean) {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) return send(res, 400, page("Demo sign-in", `<h1>This sign-in page is out of date</h1><p><a href="/">Start again from Bridle</a></p>`));
      if (!submit) {
        if (req.method !== "GET") return send(res, 405, page("Demo sign-in", "<h1>Method not allowed</h1>"));
        return send(res, 200, loginPage(uid, DEMO_PEOPLE));
      }
      if (req.method !== "POST") return send(res, 405, page("Demo sign-in", "<h1>Method not allowed</h1>"));
      const account = (await readForm(req)).get("account") ?? "";
      if (!accounts.has(account)) return send(res, 400, loginPage(uid, DEMO_PEOPLE));
      await provider.interactionFinished(req, res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
    } catch {
      // An expired or foreign interaction (cookie missing): start again from Bridle's sign-in.
      send(res, 400, page("Demo sign-in", `<h1>This sign-in has expired</h1><p><a href="/">Start again from Bridle</a></p>`));
    }
  }

  const INTERACTION = new RegExp(`^${DEMO_IDP_PATH}/interaction/([A-Za-z0-9_-]{1,64})(/login)?$`);
  function dispatch(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? "/";
    const path = url.split("?")[0]!;
    if (path === DEMO_STYLE_PATH) {
      res.setHeader("content-type", "text/css; charset=utf-8");
      res.setHeader("cache-control", "public, max-age=3600");
      return void res.end(STYLE);
    }
    const m = INTERACTION.exec(path);
    if (m) return void interaction(req, res, m[1]!, m[2] !== undefined);
    // Mounted like Express's app.use(prefix, ...): oidc-provider derives its links from originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(DEMO_IDP_PATH.length) || "/";
    handle(req, res);
  }

  return {
    issuer,
    clientId: DEMO_CLIENT_ID,
    plugin: async (app) => {
      // Encapsulated: the provider reads request bodies itself (token endpoint, forms), so
      // Fastify must leave the stream alone here and only here.
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
        // The person picker's form ends in a redirect to Bridle's callback, which may be on another
        // of its origins (localhost vs 127.0.0.1): the browser checks that redirect against form-action.
        const route = {
          schema: { hide: true },
          config: { csp: { ...CSP_DIRECTIVES, "form-action": ["'self'", ...opts.origins] } },
        };
        const handler = (request: { raw: IncomingMessage }, reply: { hijack: () => void; raw: ServerResponse }) => {
          reply.hijack();
          dispatch(request.raw, reply.raw);
        };
        scope.all(DEMO_IDP_PATH, route, handler);
        scope.all(`${DEMO_IDP_PATH}/*`, route, handler);
      });
    },
  };
}

/** The identity settings that make the demo provider Bridle's SSO. */
export function demoSsoSettings(idp: Pick<DemoIdp, "issuer" | "clientId">) {
  return { issuerUrl: idp.issuer, clientId: idp.clientId, scopes: DEMO_SCOPES, groupsClaim: DEMO_GROUPS_CLAIM, roleMapping: [...DEMO_ROLE_MAPPING] };
}
