import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { adminApi, signIn, signInWithDemoSso } from "./fixtures.ts";

/**
 * The navigation in sections (Respond, Govern, Organization, Records): each a named group, showing
 * only the pages the signed-in person may use, and no section at all when none of its pages are.
 */
test.describe("navigation sections", () => {
  let admin: APIRequestContext;

  test.beforeAll(async ({ playwright }, testInfo) => {
    ({ admin } = await adminApi(playwright.request, testInfo.project.use.baseURL!));
  });
  test.afterAll(async () => {
    await admin?.dispose();
  });

  const nav = (page: Page) => page.getByRole("navigation", { name: "Main navigation" });
  /** The accessible names of the links in the navigation section `name`, in order (a count badge only describes its link). */
  async function linksOf(page: Page, name: string): Promise<string[]> {
    const snapshot = await nav(page).getByRole("group", { name, exact: true }).ariaSnapshot();
    return [...snapshot.matchAll(/- link "([^"]+)"/g)].map((m) => m[1]!);
  }

  test("the admin sees every section under its heading", async ({ page }) => {
    await signIn(page);
    for (const heading of ["Respond", "Govern", "Organization", "Records"]) await expect(nav(page).getByText(heading, { exact: true })).toBeVisible();
    await expect(nav(page).getByRole("group")).toHaveCount(4);
    expect(await linksOf(page, "Respond")).toEqual(["Approvals", "Alerts", "Incidents", "Leak playbooks", "Kill switch", "On-call runbook"]);
    expect(await linksOf(page, "Records")).toEqual(["Audit log", "SIEM streaming", "Import / export", "Settings"]);
  });

  test("IT sees no Respond page it cannot use, only Import / export under Records, and navigates from a section", async ({ page }) => {
    await signInWithDemoSso(page, /Sam Taylor/, "/bots");
    // IT reads incidents but not alerts (PERMISSION_MATRIX): no Alerts link
    expect(await linksOf(page, "Respond")).toEqual(["Approvals", "Incidents", "Leak playbooks", "Kill switch", "On-call runbook"]);
    await expect(nav(page).getByRole("link", { name: "Alerts" })).toHaveCount(0);
    expect(await linksOf(page, "Records")).toEqual(["Import / export"]);
    await nav(page).getByRole("group", { name: "Respond" }).getByRole("link", { name: "Incidents" }).click();
    await expect(page).toHaveURL(/\/incidents$/);
    await expect(nav(page).getByRole("link", { name: "Incidents" })).toHaveAttribute("aria-current", "page");
  });

  test("a bot owner sees no Records section, since none of its pages are theirs", async ({ page }) => {
    await signInWithDemoSso(page, /Lucas Meyer/, "/my-bots");
    await expect(nav(page).getByRole("link", { name: "My bots" })).toBeVisible();
    await expect(nav(page).getByRole("group")).toHaveCount(3);
    await expect(nav(page).getByText("Records", { exact: true })).toHaveCount(0);
    await expect(nav(page).getByRole("link", { name: "Audit log" })).toHaveCount(0);
  });
});
