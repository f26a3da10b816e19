import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures.ts";

test.describe("the admin checks the organization's readiness", () => {
  test("sees the verdict, a failing line, and follows its link to exactly the bots that fail it", async ({ page }) => {
    await signIn(page);
    await page.getByRole("link", { name: "Readiness" }).click();
    await expect(page.getByRole("heading", { name: "Readiness", level: 1 })).toBeVisible();

    // The demo organization has Golden Rule violations (and more), so it is not ready.
    const verdict = page.getByTestId("readiness-verdict");
    await expect(verdict.getByRole("heading", { name: "Not ready" })).toBeVisible();
    await expect(verdict).toContainText(/Not ready: \d+ controls? fails?/);

    const line = page.getByRole("region", { name: "External communication and internal access are separated" });
    await expect(line.getByText("Fail", { exact: true })).toBeVisible();
    await expect(line).toContainText(/\d+ of \d+ bots have internal data access and external communication without a covering exception\./);
    // Every alert rule is on by default; the incident line counts incidents and drills of the last year.
    const alerts = page.getByRole("region", { name: "Alerts are on" });
    await expect(alerts).toContainText("All 7 alert rules are on.");
    const incidents = page.getByRole("region", { name: "An incident process exists" });
    await expect(incidents).toContainText(/recorded in the last 12 months/);

    const link = line.getByRole("link", { name: /bots? breaking the Golden Rule/ });
    const count = Number(/^(\d+)/.exec((await link.textContent()) ?? "")![1]);
    expect(count).toBeGreaterThan(0);
    await link.click();
    await expect(page).toHaveURL(/\/bots\?finding=golden_rule/);
    await expect(page.getByTestId("inventory-count")).toContainText(String(count));
    await expect(page.getByRole("table", { name: "Bot inventory" }).getByRole("link", { name: "recruiting-outreach-bot", exact: true })).toBeVisible();
  });
});
