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

  test("an import that removes a grant shows the removal in the dry run and imports only after explicit confirmation", async ({ page }) => {
    await signIn(page);
    await page.getByRole("link", { name: "Import / export" }).click();
    const upload = (name: string, csv: string[]) =>
      page.getByLabel("Inventory file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv.join("\n")) });
    const grantsOf = () =>
      page.evaluate(async () => {
        const list = await (await fetch("/api/v1/bots?q=acme-e2e-scope-bot")).json();
        const bot = await (await fetch(`/api/v1/bots/${list.items[0].id}`)).json();
        return (bot.grants as { scope: string }[]).map((g) => g.scope).sort();
      });

    // A new bot removes nothing: Import goes straight through.
    await upload("scope.csv", [
      "name,owner,team,purpose,environment,grants",
      "acme-e2e-scope-bot,daniel.kim@acme.example,platform,Labels issues,test,github:issues:write;github:actions:read",
    ]);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect(page.getByText("1 created, 0 updated, 0 unchanged.", { exact: true })).toBeVisible();
    expect(await grantsOf()).toEqual(["github:actions:read", "github:issues:write"]);

    // Only the grants column: the dry run shows the grant before and after, and the removal.
    await upload("fewer-grants.csv", ["name,grants", "acme-e2e-scope-bot,github:actions:read"]);
    await page.getByRole("button", { name: "Dry run" }).click();
    const result = page.getByTestId("import-result");
    await expect(page.getByTestId("import-removal-summary")).toContainText("Importing would remove 1 grant from 1 bot");
    await expect(result.getByTestId("import-change")).toHaveText(["grants: github:actions:read; github:issues:write → github:actions:read"]);
    await expect(result.getByTestId("import-removals")).toHaveText("Removes grant github:issues:write");

    // Import asks first; cancelling writes nothing.
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Remove scope from bots?" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId("confirm-removals")).toContainText("This import removes 1 grant");
    await expect(dialog.getByTestId("import-removals")).toHaveText("Removes grant github:issues:write");
    await page.screenshot({ path: "/tmp/import-safe-confirm.png", fullPage: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect(await grantsOf()).toEqual(["github:actions:read", "github:issues:write"]);

    await page.getByRole("button", { name: "Import", exact: true }).click();
    await dialog.getByRole("button", { name: "Import and remove 1" }).click();
    // The first import's notice may still be showing: this one names what the second import did.
    await expect(page.getByText("0 created, 1 updated, 0 unchanged.", { exact: true })).toBeVisible();
    await expect(page.getByTestId("import-removal-summary")).toContainText("The import removed 1 grant from 1 bot");
    await page.screenshot({ path: "/tmp/import-safe-result.png", fullPage: true });
    expect(await grantsOf()).toEqual(["github:actions:read"]);
  });
});
