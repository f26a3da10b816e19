import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./fixtures.ts";
import { E2E_SSO_CLIENT_ID, startE2eProvider, type E2eProvider } from "./oidc-provider.ts";

/**
 * An organization started from empty (BRIDLE_SEED=none; its own server, project `empty-org`):
 * the bootstrap admin follows the first-run checklist through the console, from nothing to a
 * registered bot, and sees every step tick.
 */
test.describe("an organization from empty", () => {
  let idp: E2eProvider;

  test.beforeAll(async ({ playwright: _playwright }, testInfo) => {
    idp = await startE2eProvider(testInfo.project.use.baseURL!);
  });
  test.afterAll(async () => {
    await idp?.close();
  });
  test.beforeEach(async ({ context }) => {
    // Nothing here may leave the machine (the provider's pages import a web font).
    await context.route((url) => !["127.0.0.1", "localhost"].includes(url.hostname), (route) => route.abort());
  });

  const checklist = (page: Page) => page.getByRole("region", { name: "Setup checklist" });
  const expectDone = async (page: Page, done: string[]) => {
    for (const key of ["sso", "teams", "systems", "channels", "first_bot"])
      await expect(page.getByTestId(`setup-step-${key}`)).toHaveAttribute("data-done", String(done.includes(key)));
    await expect(page.getByTestId("setup-progress")).toHaveText(`${done.length} of 5 done`);
  };

  test("the admin goes from an empty organization to a registered bot by the checklist", async ({ page }) => {
    await signIn(page);
    // The inventory is empty and shows the checklist, nothing done.
    await expect(checklist(page)).toBeVisible();
    await expectDone(page, []);
    await expect(page.getByText("No bots registered yet")).toBeVisible();

    // Teams: the empty state explains, and the admin creates one.
    await checklist(page).getByRole("link", { name: "Go to teams" }).click();
    await expect(page.getByRole("heading", { name: "Teams" })).toBeVisible();
    await expect(page.getByText("No teams yet")).toBeVisible();
    await page.getByRole("button", { name: "Create team" }).click();
    const teamDialog = page.getByRole("dialog", { name: "Create a team" });
    await teamDialog.getByRole("textbox", { name: "Name" }).fill("Platform Engineering");
    await teamDialog.getByRole("button", { name: "Create team" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    const teams = page.getByRole("table", { name: "Teams" });
    await expect(teams.getByRole("link", { name: "Platform Engineering" })).toBeVisible();
    await expect(teams.getByText("platform-engineering", { exact: true })).toBeVisible();

    // Connected systems: GitHub (internal data) and Slack (internal data), the second one used as a channel.
    await page.getByRole("link", { name: "Connected systems" }).click();
    await expect(page.getByText("No connected systems yet")).toBeVisible();
    for (const [key, name] of [
      ["github", "GitHub"],
      ["slack-internal", "Slack (internal)"],
    ] as const) {
      await page.getByRole("button", { name: "Add system" }).click();
      const dialog = page.getByRole("dialog", { name: "Add a connected system" });
      await dialog.getByRole("textbox", { name: "Key" }).fill(key);
      await dialog.getByRole("textbox", { name: "Name" }).fill(name);
      await dialog.getByRole("radio", { name: "Internal data" }).check();
      await dialog.getByRole("button", { name: "Add system" }).click();
      await expect(page.getByRole("dialog")).toHaveCount(0);
    }
    const systems = page.getByRole("table", { name: "Connected systems" });
    await expect(systems.getByRole("row")).toHaveCount(3);
    await expect(systems.getByRole("row", { name: /GitHub/ }).getByText("Internal data")).toBeVisible();
    // A key in use is refused next to the field.
    await page.getByRole("button", { name: "Add system" }).click();
    const dup = page.getByRole("dialog", { name: "Add a connected system" });
    await dup.getByRole("textbox", { name: "Key" }).fill("github");
    await dup.getByRole("textbox", { name: "Name" }).fill("GitHub again");
    await dup.getByRole("radio", { name: "Neither" }).check();
    await dup.getByRole("button", { name: "Add system" }).click();
    await expect(dup.getByText("already in use")).toBeVisible();
    await dup.getByRole("button", { name: "Cancel" }).click();

    // Channels: the allowlist in org policy.
    await page.getByRole("link", { name: "Org policy" }).click();
    const allowlist = page.getByRole("combobox", { name: "Channel allowlist" });
    await allowlist.fill("slack-internal");
    await allowlist.press("Enter");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect(page.getByText(/saved/i).first()).toBeVisible();

    // Single sign-on against a real OpenID Connect provider.
    await page.goto("/get-started");
    await expectDone(page, ["teams", "systems", "channels"]);
    await checklist(page).getByRole("link", { name: "Open SSO settings" }).click();
    const sso = page.getByRole("form", { name: "Single sign-on settings" });
    await sso.getByRole("switch", { name: "Enable single sign-on" }).check({ force: true });
    await sso.getByRole("textbox", { name: "Issuer URL" }).fill(idp.issuer);
    await sso.getByRole("textbox", { name: "Client ID" }).fill(E2E_SSO_CLIENT_ID);
    await sso.getByLabel("Client secret").fill(idp.clientSecret);
    await sso.getByRole("button", { name: "Save SSO settings" }).click();
    await expect(sso.getByText("Replace secret")).toBeVisible();

    // The first bot, owned by the admin, in the new team.
    await page.getByRole("link", { name: "Inventory" }).click();
    await expectDone(page, ["sso", "teams", "systems", "channels"]);
    await page.getByRole("button", { name: "Register the first bot" }).click();
    const bot = page.getByRole("dialog");
    await bot.getByRole("textbox", { name: "Name", exact: true }).fill("platform-triage-bot");
    await bot.getByRole("combobox", { name: "Owner" }).click();
    await page.getByRole("option", { name: /admin@acme\.example/ }).click();
    await bot.getByRole("combobox", { name: "Team" }).click();
    await page.getByRole("option", { name: /Platform Engineering/ }).click();
    await bot.getByRole("textbox", { name: "Business purpose" }).fill("Labels new GitHub issues for the platform team");
    await bot.getByRole("combobox", { name: "Environment" }).click();
    await page.getByRole("option", { name: /production/i }).click();
    await bot.getByRole("button", { name: "Create bot" }).click();
    await expect(page.getByRole("heading", { name: "platform-triage-bot" })).toBeVisible();

    // Every step is done now.
    await page.getByRole("link", { name: "Get started" }).click();
    await expectDone(page, ["sso", "teams", "systems", "channels", "first_bot"]);
    await expect(checklist(page).getByRole("heading", { name: "Your organization is set up" })).toBeVisible();
    // The inventory no longer shows the checklist.
    await page.getByRole("link", { name: "Inventory" }).click();
    await expect(page.getByRole("link", { name: "platform-triage-bot" })).toBeVisible();
    await expect(checklist(page)).toHaveCount(0);

    // Once SCIM provisioning is on, the identity provider owns the teams: read-only, and the page says so.
    const { csrfToken } = (await (await page.request.get("/api/v1/me")).json()) as { csrfToken: string };
    const scim = (on: boolean) => page.request.patch("/api/v1/identity-settings", { headers: { "x-csrf-token": csrfToken }, data: { scimEnabled: on } });
    expect((await scim(true)).ok()).toBe(true);
    await page.goto("/teams");
    await expect(page.getByText("Managed by your identity provider")).toBeVisible();
    await expect(page.getByRole("table", { name: "Teams" }).getByText("Identity provider")).toBeVisible();
    await expect(page.getByRole("button", { name: "Create team" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Rename / })).toHaveCount(0);
    expect((await scim(false)).ok()).toBe(true);
  });

  test("the Skills page explains an empty registry, and the admin registers the first version", async ({ page }) => {
    await signIn(page);
    await page.getByRole("link", { name: "Skills", exact: true }).click();
    await expect(page.getByTestId("empty-state")).toContainText("The registry is empty");
    await page.screenshot({ path: "/tmp/is-skills-empty.png" });
    await page.getByRole("button", { name: "Register a skill" }).click();
    const dialog = page.getByRole("dialog", { name: "Register a skill version" });
    await dialog.getByRole("textbox", { name: "Name" }).fill("openclaw-skill-github");
    await dialog.getByRole("textbox", { name: "Version" }).fill("^1.4.2");
    await dialog.getByRole("textbox", { name: "Source" }).fill("@openclaw/skill-github");
    await dialog.getByRole("combobox", { name: "Owner" }).click();
    await page.getByRole("option", { name: /admin@acme\.example/ }).click();
    await dialog.getByRole("button", { name: "Register" }).click();
    // a range is refused next to the field, and what was typed stays
    await expect(dialog.getByText(/Version: must be one exact version/).first()).toBeVisible();
    await page.screenshot({ path: "/tmp/is-skill-form.png" });
    await dialog.getByRole("textbox", { name: "Version" }).fill("1.4.2");
    await dialog.getByRole("button", { name: "Register" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    const row = page.locator('[data-testid="skill-row"][data-ref="openclaw-skill-github@1.4.2"]');
    await expect(row).toContainText("Pending review");
    // an admin registers; only security reviews
    await expect(row.getByRole("button", { name: /^Review / })).toHaveCount(0);
  });
});
