import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures.ts";

test("the admin registers a bot, sees its generated identity and findings, then edits it", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Register bot" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();

  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill("acme-e2e-triage-bot");
  await dialog.getByRole("combobox", { name: "Owner" }).click();
  await page.getByRole("option", { name: /daniel\.kim@acme\.example/ }).click();
  await dialog.getByRole("combobox", { name: "Team" }).click();
  await page.getByRole("option", { name: /Platform/ }).click();
  await dialog.getByRole("textbox", { name: "Business purpose" }).fill("Labels new GitHub issues for the platform team");
  await dialog.getByRole("combobox", { name: "Environment" }).click();
  await page.getByRole("option", { name: /staging/i }).click();
  await dialog.getByRole("button", { name: "Create bot" }).click();

  await expect(page.getByRole("heading", { name: "acme-e2e-triage-bot" })).toBeVisible();
  await expect(page.getByText("acme-e2e-triage-bot.bot@acme.example").first()).toBeVisible();
  // registered without a runtime profile: the bot page says what is missing
  await expect(page.getByTestId("finding").filter({ hasText: "BR-RUNTIME-PROFILE" })).toBeVisible();

  await page.getByRole("button", { name: "Edit", exact: true }).first().click();
  const edit = page.getByRole("dialog");
  // the owner changes only through Transfer ownership, never through Edit
  await expect(edit.getByRole("combobox", { name: "Owner" })).toBeDisabled();
  await expect(edit.getByText("use Transfer ownership on the bot's page")).toBeVisible();
  const purpose = edit.getByRole("textbox", { name: "Business purpose" });
  await purpose.fill("Labels and deduplicates new GitHub issues");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByText("Labels and deduplicates new GitHub issues").first()).toBeVisible();

  // a duplicate name is refused with a clear message
  await page.goto("/bots");
  await page.getByRole("button", { name: "Register bot" }).click();
  const again = page.getByRole("dialog");
  await again.getByRole("textbox", { name: "Name", exact: true }).fill("acme-e2e-triage-bot");
  await again.getByRole("combobox", { name: "Owner" }).click();
  await page.getByRole("option", { name: /daniel\.kim@acme\.example/ }).click();
  await again.getByRole("combobox", { name: "Team" }).click();
  await page.getByRole("option", { name: /Platform/ }).click();
  await again.getByRole("textbox", { name: "Business purpose" }).fill("Duplicate");
  await again.getByRole("combobox", { name: "Environment" }).click();
  await page.getByRole("option", { name: /test/i }).click();
  await again.getByRole("button", { name: "Create bot" }).click();
  await expect(again.getByText(/already exists/)).toBeVisible();
});
