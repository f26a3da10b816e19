import { expect, test, type Locator, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, signIn } from "./fixtures.ts";

async function openRegisterForm(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Register bot" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  return dialog;
}

async function fillBot(page: Page, dialog: Locator, name: string, purpose: string) {
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await dialog.getByRole("combobox", { name: "Owner" }).click();
  await page.getByRole("option", { name: /daniel\.kim@acme\.example/ }).click();
  await dialog.getByRole("combobox", { name: "Team" }).click();
  await page.getByRole("option", { name: /Platform/ }).click();
  await dialog.getByRole("textbox", { name: "Business purpose" }).fill(purpose);
}

test("the server's field errors show next to the fields, as sentences", async ({ page }) => {
  await signIn(page);
  const dialog = await openRegisterForm(page);
  await dialog.getByRole("textbox", { name: "Business purpose" }).fill("Has no name, owner or team yet");
  await dialog.getByRole("button", { name: "Create bot" }).click();

  await expect(dialog.getByRole("textbox", { name: "Name", exact: true })).toHaveAccessibleDescription(/Name is required/);
  await expect(dialog.getByRole("combobox", { name: "Owner" })).toHaveAccessibleDescription(/Owner: choose the owner/);
  await expect(dialog.getByRole("combobox", { name: "Team" })).toHaveAccessibleDescription(/Team: choose a team/);
  const summary = dialog.getByTestId("bot-form-errors");
  await expect(summary).toContainText("Name is required (and 2 more problems)");
  // No validator wording reaches people.
  await expect(summary).not.toContainText(/Invalid|expected|body\./);
  await page.screenshot({ path: "/tmp/clear-answers-field-errors.png", fullPage: true });
});

test("a save made offline says so at once and keeps the form; back online it saves", async ({ page }) => {
  await signIn(page);
  const dialog = await openRegisterForm(page);
  await fillBot(page, dialog, "acme-e2e-offline-bot", "Saved once the network is back");

  await page.context().setOffline(true);
  await dialog.getByRole("button", { name: "Create bot" }).click();
  await expect(dialog.getByTestId("bot-form-errors")).toContainText("You are offline; nothing was saved. Your changes are kept.", { timeout: 2_000 });
  await expect(dialog.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("acme-e2e-offline-bot");
  await expect(dialog.getByRole("textbox", { name: "Business purpose" })).toHaveValue("Saved once the network is back");
  await page.screenshot({ path: "/tmp/clear-answers-offline.png", fullPage: true });

  await page.context().setOffline(false);
  await dialog.getByRole("button", { name: "Create bot" }).click();
  await expect(page.getByRole("heading", { name: "acme-e2e-offline-bot" })).toBeVisible();
});

test("a save after the session ended says so, and after sign-in the form comes back with what was typed", async ({ page }) => {
  await signIn(page);
  const dialog = await openRegisterForm(page);
  await fillBot(page, dialog, "acme-e2e-resumed-bot", "Typed before the session ended");

  // The session ends (expired, or signed out elsewhere): the browser no longer holds it.
  await page.context().clearCookies();
  await dialog.getByRole("button", { name: "Create bot" }).click();

  const notice = page.getByTestId("session-ended");
  await expect(notice).toContainText("Your session ended; sign in again to save");
  await page.screenshot({ path: "/tmp/clear-answers-session-ended.png", fullPage: true });
  await page.getByLabel("Email").fill(E2E_ADMIN_EMAIL);
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  const resumed = page.getByRole("dialog");
  await expect(resumed.getByTestId("bot-form-resumed")).toBeVisible();
  await expect(resumed.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("acme-e2e-resumed-bot");
  await expect(resumed.getByRole("textbox", { name: "Business purpose" })).toHaveValue("Typed before the session ended");
  await expect(resumed.getByRole("combobox", { name: "Team" })).toHaveValue("Platform Engineering");
  await page.screenshot({ path: "/tmp/clear-answers-resumed.png", fullPage: true });
  await resumed.getByRole("button", { name: "Create bot" }).click();
  await expect(page.getByRole("heading", { name: "acme-e2e-resumed-bot" })).toBeVisible();

  // Kept once: opening the form again starts empty.
  await page.goto("/");
  const fresh = await openRegisterForm(page);
  await expect(fresh.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("");
});
