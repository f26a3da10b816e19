import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, signIn, useDemoProviderForSso } from "./fixtures.ts";

/**
 * The demo sign-in (README "Try every persona"): the server runs in demo mode (serve.ts), so its
 * demo provider is mounted under /demo-idp and the seeded requests are pending. Other specs point
 * SSO at providers of their own, so this one first puts the demo provider back, through the same
 * identity settings an admin would use.
 */
test.describe("demo sign-in", () => {
  let admin: APIRequestContext;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL!;
    admin = await playwright.request.newContext({ baseURL });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    const { csrfToken } = (await (await admin.get("/api/v1/me")).json()) as { csrfToken: string };
    expect(await useDemoProviderForSso(admin, csrfToken)).toBe(`${baseURL}/demo-idp`);
  });

  test.afterAll(async () => {
    await admin?.dispose();
  });

  test("a security person signs in from the console's login page through the demo provider and approves the seeded scope expansion", async ({ page }) => {
    await page.goto("/approvals");
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await expect(page).toHaveURL(/\/demo-idp\/interaction\/[\w-]+$/);
    await expect(page.getByText("Demo sign-in: for the demo only, never for production.")).toBeVisible();
    await expect(page.getByRole("button")).toHaveCount(6);
    await page.getByRole("button", { name: /Omar Haddad/ }).click();

    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await expect(page).toHaveURL(/\/approvals/);
    const row = page.getByRole("row").filter({ hasText: "acme-triage-bot" }).filter({ hasText: /scope expansion/i });
    await expect(row).toHaveCount(1);
    // As the README says: click the request's line (here its requester, not a link).
    await row.getByText("lucas.meyer@acme.example").click();
    await expect(page.getByTestId("approval-status")).toContainText(/pending/i);
    await expect(page.getByText("github:pull_requests:read").first()).toBeVisible();
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await page.getByRole("dialog", { name: "Approve this request?" }).getByRole("button", { name: "Approve request" }).click();
    await expect(page.getByTestId("approval-status")).toContainText(/approved/i);
    await expect(page.getByTestId("approval-history")).toContainText("Approved by Omar Haddad");

    // who signed in, as the server saw it
    const me = (await (await page.request.get("/api/v1/me")).json()) as { email: string; roles: string[] };
    expect(me).toMatchObject({ email: "omar.haddad@acme.example", roles: ["security"] });

    // signing out also ends the demo provider's session (RP-initiated logout), then back to Bridle
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/demo-idp\/session\/end/);
    await page.getByRole("button", { name: "Yes, sign out" }).click();
    await expect(page.getByRole("button", { name: "Sign in with SSO" })).toBeVisible();
    // the provider sent the browser back to Bridle's "/", which shows the inventory's address
    expect(new URL(page.url()).pathname).toBe("/bots");
  });

  test("what one person typed before their session ended is not offered to another person signing in in the same tab", async ({ page }) => {
    await signIn(page);
    await page.getByRole("button", { name: "Register bot" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("acme-e2e-admins-draft-bot");
    await dialog.getByRole("textbox", { name: "Business purpose" }).fill("The admin's draft, not for anyone else");
    // The admin's session ends with the form open; the values are kept in this tab.
    await page.context().clearCookies();
    await dialog.getByRole("button", { name: "Create bot" }).click();
    await expect(page.getByTestId("session-ended")).toBeVisible();

    // Someone else signs in in this tab, through the demo provider.
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.getByRole("button", { name: /Lucas Meyer/ }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(((await (await page.request.get("/api/v1/me")).json()) as { email: string }).email).toBe("lucas.meyer@acme.example");
    await expect(page.getByRole("heading", { name: "Inventory", exact: true })).toBeVisible();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    expect(await page.evaluate(() => window.sessionStorage.getItem("bridle.keptForms"))).toBeNull();
    // Opening the form shows an empty one.
    await page.getByRole("button", { name: "Register bot" }).click();
    await expect(page.getByRole("dialog").getByRole("textbox", { name: "Name", exact: true })).toHaveValue("");
    await page.screenshot({ path: "/tmp/secreview-kept-forms-other-person.png", fullPage: true });
  });
});
