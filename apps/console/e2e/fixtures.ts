import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { DEMO_ROLE_MAPPING } from "../../api/src/demo/demo-people.ts";

export const E2E_ADMIN_EMAIL = "admin@acme.example";
export const E2E_ADMIN_PASSWORD = "e2e-correct-horse-battery";

export async function signIn(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email").fill(E2E_ADMIN_EMAIL);
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  // exact: in demo mode the page also offers "Sign in with SSO"
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // signed in once the app shell shows, so a following page.goto carries the session
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/**
 * Makes the demo provider (`/demo-idp`) Bridle's SSO again through the identity settings API, as
 * the signed-in admin `admin` (other specs point SSO at providers of their own).
 * @returns the provider's issuer
 */
export async function useDemoProviderForSso(admin: APIRequestContext, csrfToken: string): Promise<string> {
  const discovery = await admin.get("/demo-idp/.well-known/openid-configuration");
  expect(discovery.ok()).toBe(true);
  const { issuer } = (await discovery.json()) as { issuer: string };
  const res = await admin.patch("/api/v1/identity-settings", {
    headers: { "x-csrf-token": csrfToken },
    data: {
      ssoEnabled: true,
      issuerUrl: issuer,
      clientId: "bridle-demo",
      clientSecret: null,
      scopes: ["openid", "email", "profile", "groups"],
      groupsClaim: "groups",
      roleMapping: DEMO_ROLE_MAPPING,
      jitProvisioning: true,
    },
  });
  expect(res.ok(), await res.text()).toBe(true);
  return issuer;
}
