import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures.ts";

/** Collects every Content-Security-Policy violation Chromium reports on the page's console. */
function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  return violations;
}

test.describe("the console under its Content-Security-Policy", () => {
  test("loads and works with no CSP violation across its pages", async ({ page }) => {
    const violations = watchCsp(page);
    const res = await page.goto("/");
    expect(res?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await signIn(page);
    await expect(page.getByRole("table", { name: "Bot inventory" })).toBeVisible();

    await page.getByRole("link", { name: "acme-deploy-bot", exact: true }).click();
    await expect(page.getByRole("heading", { name: "acme-deploy-bot" })).toBeVisible();
    // every page of the navigation, once its data has loaded
    for (const path of ["/findings", "/approvals", "/policy", "/policy/gated-actions", "/people", "/teams", "/inventory", "/audit", "/settings", "/settings/tokens"]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    }
    expect(violations).toEqual([]);
  });

  test("the API docs render with no CSP violation", async ({ page }) => {
    const violations = watchCsp(page);
    await page.goto("/docs");
    await expect(page.getByRole("heading", { name: /Bridle API/ })).toBeVisible();
    // every tag is listed, collapsed (136 operations); opening one shows its operations
    await expect(page.getByRole("heading", { name: /^scim\b/ })).toBeVisible();
    await page.getByRole("heading", { name: /^bots\b/ }).click();
    await expect(page.getByRole("link", { name: "/api/v1/bots", exact: true }).first()).toBeVisible();
    expect(violations).toEqual([]);
  });
});
