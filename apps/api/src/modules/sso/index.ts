import type { Db } from "@bridle/db";
import type { Config } from "../../config.ts";
import { createIdentitySettingsService, identitySettingsRoutes } from "../identity-settings/index.ts";
import { createOidcClients } from "./sso.client.ts";
import { ssoRoutes } from "./sso.routes.ts";
import { createSsoService } from "./sso.service.ts";

export type SsoModule = ReturnType<typeof createSsoModule>;

/**
 * The sso module's door: wiring of single sign-on (it owns `oidc_auth_requests`) with the identity
 * settings service it reads (modules/identity-settings). `authRoutes` go under `/auth`, `apiRoutes`
 * (identity settings) under the authenticated `/api/v1`; `sso` builds the provider logout URL for
 * `/auth/logout`.
 * `demoIssuer`: the demo provider this process serves (src/demo), whose `http://` issuer is
 * accepted without BRIDLE_OIDC_ALLOW_HTTP.
 */
export function createSsoModule(deps: { db: Db; config: Config; sessionTtlMs: number; demoIssuer?: string | undefined }) {
  const { db, config } = deps;
  const httpIssuers = deps.demoIssuer ? [deps.demoIssuer] : [];
  const settings = createIdentitySettingsService({ db, config, httpIssuers });
  const sso = createSsoService({
    db,
    settings,
    clients: createOidcClients({ allowHttp: config.BRIDLE_OIDC_ALLOW_HTTP, httpIssuers }),
    sessionTtlMs: deps.sessionTtlMs,
  });
  return {
    settings,
    sso,
    authRoutes: ssoRoutes({ sso, settings, publicUrl: config.BRIDLE_PUBLIC_URL, secureCookies: config.BRIDLE_SECURE_COOKIES }),
    apiRoutes: identitySettingsRoutes(settings),
  };
}
