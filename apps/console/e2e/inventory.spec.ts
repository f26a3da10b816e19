import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures.ts";

test.describe("the admin reviews the inventory", () => {
  test("refuses a wrong password, then signs in and sees the inventory", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("Email").fill("admin@acme.example");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("Email or password is incorrect")).toBeVisible();

    await signIn(page);
    const table = page.getByRole("table", { name: "Bot inventory" });
    await expect(table).toBeVisible();
    await expect(table.getByRole("link", { name: "acme-deploy-bot", exact: true })).toBeVisible();
    // the demo's 42 bots, plus any that other specs registered on this shared server
    const total = await page.evaluate(async () => (await (await fetch("/api/v1/bots?limit=1")).json()).total as number);
    expect(total).toBeGreaterThanOrEqual(42);
    await expect(page.getByTestId("inventory-count")).toContainText(String(total));
    await expect(table.getByRole("columnheader", { name: /Findings/ })).toBeVisible();
  });

  test("filters to Golden Rule violations and opens a bot with its finding and how to fix it", async ({ page }) => {
    await signIn(page);
    await page.getByRole("link", { name: "Findings" }).click();
    const card = page.getByRole("link", { name: "Golden Rule violations" });
    await expect(card).toContainText("5");
    await card.click();

    await expect(page).toHaveURL(/finding=golden_rule/);
    const table = page.getByRole("table", { name: "Bot inventory" });
    await expect(page.getByTestId("inventory-count")).toContainText("5");
    for (const name of ["acme-community-bot", "support-reply-bot", "sales-followup-bot", "acme-changelog-bot", "recruiting-outreach-bot"])
      await expect(table.getByRole("link", { name, exact: true })).toBeVisible();
    await expect(table.getByRole("link", { name: "incident-comms-bot", exact: true })).toHaveCount(0);

    await table.getByRole("link", { name: "recruiting-outreach-bot", exact: true }).click();
    await expect(page.getByRole("heading", { name: "recruiting-outreach-bot" })).toBeVisible();
    const finding = page.getByTestId("finding").filter({ hasText: "BR-GOLDEN-RULE" });
    await expect(finding).toBeVisible();
    await expect(finding).toContainText(/expired/i);
    await expect(page.getByTestId("golden-rule-exception")).toBeVisible();
    await expect(page.getByTestId("runtime-profile")).toBeVisible();
    await expect(page.getByText("recruiting-outreach-bot.bot@acme.example").first()).toBeVisible();
  });

  test("changing the naming rule changes the findings at once", async ({ page }) => {
    await signIn(page);
    await page.goto("/findings");
    await expect(page.getByRole("link", { name: "Naming rule violations" })).toContainText("3");

    await page.getByRole("link", { name: "Org policy" }).click();
    const tokens = page.getByRole("combobox", { name: "Required tokens" });
    await tokens.fill("drafter");
    await tokens.press("Enter");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText(/findings recomputed/i)).toBeVisible();

    await page.getByRole("link", { name: "Findings" }).click();
    const card = page.getByRole("link", { name: "Naming rule violations" });
    await expect(card).toContainText("2");
    await card.click();
    const table = page.getByRole("table", { name: "Bot inventory" });
    await expect(table.getByRole("link", { name: "standup-summarizer", exact: true })).toBeVisible();
    await expect(table.getByRole("link", { name: "pr-drafter", exact: true })).toHaveCount(0);
  });

  test("importing a CSV with a bad row shows the error with its line and imports nothing", async ({ page }) => {
    await signIn(page);
    await page.getByRole("link", { name: "Import / export" }).click();
    const csv = [
      "name,owner,team,purpose,environment",
      "acme-e2e-good-bot,daniel.kim@acme.example,platform,Drafts changelog entries,test",
      "acme-e2e-bad-bot,daniel.kim@acme.example,platform,Watches staging deploys,moon",
    ].join("\n");
    await page.getByLabel("Inventory file").setInputFiles({ name: "bots.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const errors = page.getByTestId("import-errors");
    await expect(errors).toBeVisible();
    await expect(errors).toContainText("Line 3");
    await expect(errors).toContainText("environment");

    await page.getByRole("link", { name: "Inventory" }).click();
    await page.getByLabel("Search").fill("acme-e2e-good");
    await expect(page.getByTestId("empty-state")).toBeVisible();
  });
});
