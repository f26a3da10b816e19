import type { Db } from "@bridle/db";
import type { Config } from "../../config.ts";
import { identitySettingsRoutes } from "./identity-settings.routes.ts";
import { createIdentitySettingsService } from "./identity-settings.service.ts";
import { createOidcClients } from "./sso.client.ts";
import { ssoRoutes } from "./sso.routes.ts";
import { createSsoService } from "./sso.service.ts";

export type SsoModule = ReturnType<typeof createSsoModule>;

export { readSsoConnection, replaceSsoConnection, type SsoConnection } from "./identity-settings.service.ts";

/**
 * Wiring of single sign-on and identity settings: `authRoutes` go under `/auth`, `apiRoutes`
 * under the authenticated `/api/v1`; `sso` builds the provider logout URL for `/auth/logout`.
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
