/**
 * The identity provider for the single sign-on end-to-end tests: a real OpenID Connect provider
 * (oidc-provider, the same one the API's integration tests use) on 127.0.0.1, with its login
 * form, people in groups, and Bridle registered as a client.
 */
import { randomBytes } from "node:crypto";
import { startTestIdp, type TestIdp } from "../../api/test/test-idp.ts";

export const E2E_SSO_CLIENT_ID = "bridle-e2e";

/** People at the provider. Kate has no role in the demo org; her group makes her an auditor. */
export const E2E_SSO_ACCOUNTS = {
  auditor: { sub: "e2e|kate", email: "kate.nguyen@acme.example", email_verified: true, name: "Kate Nguyen", groups: ["bridle-auditors"] },
  unknown: { sub: "e2e|visitor", email: "visitor@acme.example", name: "Visitor", groups: ["bridle-auditors"] },
};

export const E2E_SSO_ROLE_MAPPING = [
  { group: "bridle-admins", role: "admin" },
  { group: "bridle-auditors", role: "auditor" },
];

export type E2eProvider = TestIdp & { clientSecret: string };

/** Starts the provider on a free port, with Bridle at `bridle` (its callback and post-logout address) as its client. */
export async function startE2eProvider(bridle: string): Promise<E2eProvider> {
  const origin = new URL(bridle).origin;
  const clientSecret = randomBytes(24).toString("base64url");
  const idp = await startTestIdp({
    accounts: Object.values(E2E_SSO_ACCOUNTS),
    client: { clientId: E2E_SSO_CLIENT_ID, clientSecret, redirectUris: [`${origin}/auth/callback`], postLogoutRedirectUris: [`${origin}/`] },
  });
  return Object.assign(idp, { clientSecret });
}
