import { createHash } from "node:crypto";
import * as oidc from "openid-client";

export type OidcClientSettings = { issuerUrl: string; clientId: string; clientSecret: string | null };

/** Discovery results are reused this long; the provider's signing keys are refetched on an unknown key id. */
const CACHE_MS = 10 * 60_000;
/** Seconds before a request to the provider (discovery, token, userinfo, keys) gives up. */
const TIMEOUT_S = 10;

export type OidcClients = ReturnType<typeof createOidcClients>;

/**
 * openid-client configurations, one per (issuer, client id, secret), from the provider's discovery
 * document. ID token signatures are always verified against the provider's published keys
 * (`enableNonRepudiationChecks`), not only trusted because they came over TLS. `http://` issuers are
 * accepted only with `allowHttp` (BRIDLE_OIDC_ALLOW_HTTP), or when the issuer is exactly one of
 * `httpIssuers`: providers this process serves on its own origin (the demo provider), which are
 * then as reachable, and over the same transport, as Bridle itself.
 */
export function createOidcClients(opts: { allowHttp: boolean; httpIssuers?: readonly string[] }) {
  const cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  async function build(s: OidcClientSettings): Promise<oidc.Configuration> {
    const issuer = new URL(s.issuerUrl);
    const insecure = issuer.protocol === "http:";
    if (insecure && !opts.allowHttp && !opts.httpIssuers?.includes(s.issuerUrl)) throw new Error("the issuer uses http://, which BRIDLE_OIDC_ALLOW_HTTP does not allow");
    const execute = insecure ? [oidc.allowInsecureRequests] : [];
    const discovered = await oidc.discovery(issuer, s.clientId, undefined, oidc.None(), { execute, timeout: TIMEOUT_S });
    const server = { ...discovered.serverMetadata() };
    // client_secret_basic is the default method (OpenID Connect Registration 2); use post only
    // when the provider says it supports post and not basic.
    const methods = server.token_endpoint_auth_methods_supported;
    const usePost = methods !== undefined && !methods.includes("client_secret_basic") && methods.includes("client_secret_post");
    const auth = s.clientSecret === null ? oidc.None() : usePost ? oidc.ClientSecretPost(s.clientSecret) : oidc.ClientSecretBasic(s.clientSecret);
    const config = new oidc.Configuration(server, s.clientId, s.clientSecret ?? undefined, auth);
    config.timeout = TIMEOUT_S;
    for (const fn of execute) fn(config);
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  /** The configuration for these settings, discovered at most every CACHE_MS. Failures are not cached. */
  function get(s: OidcClientSettings): Promise<oidc.Configuration> {
    const key = createHash("sha256").update(JSON.stringify([s.issuerUrl, s.clientId, s.clientSecret])).digest("hex");
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.config;
    for (const [k, v] of cache) if (Date.now() - v.at >= CACHE_MS) cache.delete(k);
    const config = build(s);
    cache.set(key, { at: Date.now(), config });
    config.catch(() => cache.delete(key));
    return config;
  }

  return { get };
}
