import { expect, type Page } from "@playwright/test";

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
