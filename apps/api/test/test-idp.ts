// oidc-provider ships no types; the reference also serves the console's e2e typecheck, which loads this file.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../src/types/oidc-provider.d.ts" />
/**
 * A real OpenID Connect provider (oidc-provider) for the SSO integration and end-to-end tests.
 * Not used by the server: Bridle only ever talks to it over HTTP, like to Okta or Entra ID.
 *
 * - Sign-in uses oidc-provider's development interactions: an HTML form where any password is
 *   accepted for a known `login` (the account's `sub`). Consent is skipped (a first-party app).
 * - `tamperNextIdToken(mode)` rewrites the ID token in the next token endpoint response, as a
 *   network attacker or a compromised proxy could: signed with a foreign key, claims edited
 *   under the original signature, or expired (signed with the provider's own key).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Provider, type OidcContext } from "oidc-provider";

export type TestIdpAccount = {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
};

export type TestIdpClient = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
};

/** How to rewrite the next ID token: `resign` re-signs it unchanged with the provider's key (a control). */
export type IdTokenTamper = "foreign_key" | "edited_claims" | "expired" | "resign";

export type TestIdp = {
  issuer: string;
  port: number;
  /** Creates the provider for this client (when not given to startTestIdp, e.g. before the RP's port is known). */
  setClient: (client: TestIdpClient) => void;
  accounts: Map<string, TestIdpAccount>;
  tamperNextIdToken: (mode: IdTokenTamper) => void;
  close: () => Promise<void>;
};

const b64url = (v: string | Buffer) => Buffer.from(v).toString("base64url");

function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

function decodeJwt(jwt: string) {
  const [h, p, s] = jwt.split(".");
  return {
    header: JSON.parse(Buffer.from(h!, "base64url").toString("utf8")) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, "base64url").toString("utf8")) as Record<string, unknown>,
    headerPart: h!,
    signature: s!,
  };
}

/**
 * Starts the provider on `host:port` (port 0 picks a free one). `claimsInIdToken` false keeps
 * profile, email and groups out of the ID token (oidc-provider's default), so the relying party
 * must read them from the userinfo endpoint.
 */
export async function startTestIdp(opts: {
  accounts: TestIdpAccount[];
  client?: TestIdpClient;
  host?: string;
  port?: number;
  claimsInIdToken?: boolean;
}): Promise<TestIdp> {
  const host = opts.host ?? "127.0.0.1";
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = `test-${randomBytes(4).toString("hex")}`;
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
  const foreignKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const accounts = new Map(opts.accounts.map((a) => [a.sub, structuredClone(a)]));
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  let tamper: IdTokenTamper | null = null;

  const rewrite = (idToken: string, mode: IdTokenTamper): string => {
    const { header, payload, headerPart, signature } = decodeJwt(idToken);
    const now = Math.floor(Date.now() / 1000);
    switch (mode) {
      case "foreign_key":
        return signJwt(header, payload, foreignKey);
      case "edited_claims": {
        // Claim to be someone else (the first other account), keeping the original signature.
        const other = [...accounts.keys()].find((s) => s !== payload.sub) ?? "someone-else";
        return `${headerPart}.${b64url(JSON.stringify({ ...payload, sub: other }))}.${signature}`;
      }
      case "expired":
        return signJwt(header, { ...payload, iat: now - 7200, exp: now - 3600 }, privateKey);
      case "resign":
        return signJwt(header, payload, privateKey);
    }
  };

  const server: Server = createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.end("provider not configured yet");
      return;
    }
    const mode = tamper;
    if (mode && req.method === "POST" && req.url?.split("?")[0] === "/token") {
      tamper = null;
      // Koa writes a JSON body with one res.end(string) call.
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      res.end = ((chunk?: unknown) => {
        try {
          const body = JSON.parse(String(chunk)) as { id_token?: string };
          if (body.id_token) {
            body.id_token = rewrite(body.id_token, mode);
            const out = JSON.stringify(body);
            res.setHeader("content-length", Buffer.byteLength(out));
            return end(out);
          }
        } catch {
          // not JSON: pass through
        }
        return end(chunk);
      }) as typeof res.end;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;

  const setClient = (client: TestIdpClient) => {
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: client.redirectUris,
          post_logout_redirect_uris: client.postLogoutRedirectUris ?? [],
          response_types: ["code"],
          grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(16).toString("hex")] },
      scopes: ["openid", "email", "profile", "groups"],
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
      conformIdTokenClaims: opts.claimsInIdToken === false,
      // Bridle must send PKCE; the provider refuses requests without it.
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
      findAccount: (_ctx: unknown, sub: string) => {
        const a = accounts.get(sub);
        if (!a) return undefined;
        return { accountId: sub, claims: () => ({ ...a }) };
      },
      // First-party app: grant the requested scopes without a consent screen.
      loadExistingGrant: async (ctx: OidcContext) => {
        const { client: c, session, result, provider: p } = ctx.oidc;
        const existing = result?.consent?.grantId ?? (c && session?.grantIdFor(c.clientId));
        if (existing) return p.Grant.find(existing);
        if (!c || !session?.accountId) return undefined;
        const grant = new p.Grant({ clientId: c.clientId, accountId: session.accountId });
        grant.addOIDCScope("openid email profile groups");
        grant.addOIDCClaims(["email", "email_verified", "name", "groups"]);
        await grant.save();
        return grant;
      },
    });
    handler = provider.callback();
  };
  if (opts.client) setClient(opts.client);

  return {
    issuer,
    port,
    setClient,
    accounts,
    tamperNextIdToken: (mode) => {
      tamper = mode;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
