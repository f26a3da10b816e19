import type { Db } from "@bridle/db";
import type { Config } from "../config.ts";
import { DEMO_FILE, organizationSeedSource } from "../bootstrap/seed.ts";
import { stableJson } from "../lib/json.ts";
import { readSsoConnection, replaceSsoConnection } from "../modules/identity-settings/index.ts";
import { createDemoIdp, DEMO_CLIENT_ID, DEMO_IDP_PATH, demoModeOf, demoOrigins, demoSsoSettings, type DemoIdp } from "./demo-idp.ts";

export { DEMO_PEOPLE, DEMO_ROLE_MAPPING } from "./demo-people.ts";
export { DEMO_CLIENT_ID, DEMO_IDP_PATH, demoModeOf, demoSsoSettings, type DemoIdp } from "./demo-idp.ts";
export { renewDemoGatedAction, seedDemoRequests, type DemoRequests } from "./demo-requests.ts";

/**
 * The demo sign-in provider for this configuration, or null outside demo mode (`demoModeOf`) and
 * when Bridle's address cannot be known in advance (PORT=0 without BRIDLE_PUBLIC_URL).
 */
export async function demoIdpFor(config: Config): Promise<DemoIdp | null> {
  if (!demoModeOf(config)) return null;
  if (!config.BRIDLE_PUBLIC_URL && config.PORT === 0) return null;
  return createDemoIdp({ origins: demoOrigins(config), trustProxy: config.BRIDLE_TRUST_PROXY !== false });
}

/** The stored SSO connection points at a demo provider (this one or one from an earlier start). */
const isDemoConnection = (c: { clientId: string | null; issuerUrl: string | null }) =>
  c.clientId === DEMO_CLIENT_ID && (c.issuerUrl?.endsWith(DEMO_IDP_PATH) ?? false);

export type DemoSsoOutcome = "configured" | "unchanged" | "kept_own" | "switched_off" | "not_demo_org" | "none";

/**
 * Makes the stored identity settings agree with the mode, at start-up (each change audited as
 * `identity_settings.update` by the system):
 * - demo mode, SSO never configured: the demo provider becomes Bridle's SSO (enabled, groups
 *   mapped to roles). Already the demo provider: only its address is brought up to date (PORT or
 *   BRIDLE_PUBLIC_URL may have changed); whether it is enabled stays as an admin left it.
 * - demo mode, an admin configured another provider: left alone (`kept_own`): the demo never
 *   overrides a real connection. (SSO from BRIDLE_OIDC_* is not demo mode at all.)
 * - not demo mode, still pointing at the demo provider: SSO is switched off (`switched_off`), since
 *   nothing serves that provider any more; the bootstrap admin still signs in.
 * - demo mode on a database that does not hold the demo organization (one started empty or from a
 *   file of its own, then restarted without BRIDLE_SEED=none, the default being `demo`): nothing is
 *   configured and SSO still pointing at the demo provider is switched off (`not_demo_org`): a
 *   real organization never gets a door where anyone signs in as anyone.
 */
export async function syncDemoSso(db: Db, idp: DemoIdp | null): Promise<DemoSsoOutcome> {
  const current = await readSsoConnection(db);
  const demo = isDemoConnection(current);
  const demoOrg = idp !== null && (await organizationSeedSource(db)) === DEMO_FILE;
  if (!idp || !demoOrg) {
    const off = demo && current.ssoEnabled;
    if (off)
      await replaceSsoConnection(
        db,
        { ...current, ssoEnabled: false },
        idp ? "not the demo organization: the demo sign-in is for the demo only" : "not in demo mode: the demo sign-in provider no longer runs",
      );
    return idp ? "not_demo_org" : off ? "switched_off" : "none";
  }
  if (current.issuerUrl && !demo) return "kept_own";
  const want = { ssoEnabled: demo ? current.ssoEnabled : true, ...demoSsoSettings(idp) };
  const same =
    demo &&
    current.issuerUrl === want.issuerUrl &&
    !current.clientSecretSet &&
    stableJson([current.scopes, current.groupsClaim, current.roleMapping]) === stableJson([want.scopes, want.groupsClaim, want.roleMapping]);
  if (same) return "unchanged";
  await replaceSsoConnection(db, want, "demo mode: the demo sign-in provider is Bridle's single sign-on");
  return "configured";
}
