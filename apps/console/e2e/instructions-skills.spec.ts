import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, useDemoProviderForSso } from "./fixtures.ts";

/**
 * Persistent instructions and the skills registry through the console, signed in as demo people
 * through the demo provider: the owner of acme-triage-bot uploads a new SOUL.md version and reads
 * the diff; security approves a skill version and the bot's finding clears.
 */
test.describe("instructions and skills", () => {
  let admin: APIRequestContext;
  let csrf: string;
  let botId: string;

  const signInAs = async (page: Page, name: RegExp, returnTo: string) => {
    await page.goto(returnTo);
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.getByRole("button", { name }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  };

  test.beforeAll(async ({ playwright }, testInfo) => {
    admin = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL! });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
    await useDemoProviderForSso(admin, csrf);
    const found = (await (await admin.get("/api/v1/bots?q=acme-triage-bot")).json()) as { items: { id: string; name: string }[] };
    botId = found.items.find((b) => b.name === "acme-triage-bot")!.id;
  });

  test.afterAll(async () => {
    await admin?.dispose();
  });

  test("the owner uploads a new SOUL.md version and reads the diff", async ({ page }) => {
    // version 1, as the bot's runtime or an admin would have uploaded it earlier
    const v1 = await admin.post(`/api/v1/bots/${botId}/instructions/files/SOUL.md/versions`, {
      headers: { "x-csrf-token": csrf },
      data: { content: "# Soul\n\nYou triage GitHub issues for Acme.\nBe brief.\nLink duplicates.\n" },
    });
    expect(v1.status()).toBe(201);

    await signInAs(page, /Lucas Meyer/, `/bots/${botId}`);
    const section = page.getByTestId("bot-instructions");
    await expect(section.getByTestId("instruction-file")).toContainText("SOUL.md");
    await section.getByRole("link", { name: "History, diffs and uploads" }).click();
    await expect(page.getByRole("heading", { name: "Instructions of acme-triage-bot" })).toBeVisible();

    await page.getByRole("button", { name: "Upload new version" }).click();
    const dialog = page.getByRole("dialog", { name: "New version of SOUL.md" });
    const content = dialog.getByRole("textbox", { name: "Content" });
    // it starts from the version in force
    await expect(content).toHaveValue(/Be brief\.\nLink duplicates\./);
    await content.fill("# Soul\n\nYou triage GitHub issues for Acme.\nBe brief and kind.\nLink duplicates.\nNever close an issue without a comment.\n");
    await page.screenshot({ path: "/tmp/is-instructions-upload.png" });
    await dialog.getByRole("button", { name: "Upload version" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);

    // the history shows both versions, the new one current; the diff compares v1 with v2
    await expect(page.getByTestId("version-row")).toHaveCount(2);
    await expect(page.locator('[data-testid="version-row"][data-version="2"]')).toContainText("Current");
    await expect(page.locator('[data-testid="version-row"][data-version="2"]')).toContainText("lucas.meyer@acme.example");
    const diff = page.getByTestId("diff");
    await expect(diff.locator('[data-kind="del"]')).toHaveText([/Be brief\.$/]);
    await expect(diff.locator('[data-kind="add"]')).toHaveText([/Be brief and kind\./, /Never close an issue without a comment\./]);
    await page.screenshot({ path: "/tmp/is-instructions-diff.png", fullPage: true });
    await page.getByText("Side by side", { exact: true }).click();
    await expect(diff.locator('td[data-kind="add"]')).toHaveText([/Be brief and kind\./, /Never close an issue without a comment\./]);
    await page.screenshot({ path: "/tmp/is-instructions-split.png", fullPage: true });

    // a secret pasted into a version is refused, naming the line, and what was typed stays
    await page.getByRole("button", { name: "Upload new version" }).click();
    const again = page.getByRole("dialog", { name: "New version of SOUL.md" });
    await again.getByRole("textbox", { name: "Content" }).fill("# Soul\n\nToken: ghp_0123456789abcdefghijABCDEFGHIJ012345\n");
    await again.getByRole("button", { name: "Upload version" }).click();
    await expect(again.getByText(/SOUL\.md line 3 looks like a secret/).first()).toBeVisible();
    await expect(again.getByRole("textbox", { name: "Content" })).toHaveValue(/ghp_0123/);
    await page.screenshot({ path: "/tmp/is-instructions-secret.png" });
    await again.getByRole("button", { name: "Cancel" }).click();

    // the set as it was: now, both files' versions in force
    await page.getByRole("tab", { name: "As of a time" }).click();
    await expect(page.getByTestId("file-at")).toHaveCount(1);
    await expect(page.getByTestId("file-at")).toContainText("v2");
    await page.screenshot({ path: "/tmp/is-instructions-at.png", fullPage: true });
  });

  test("security approves a skill version and the bot's finding clears", async ({ page }) => {
    // a version nobody has reviewed yet, which the bot's owner already lists in its allowed tools
    const created = await admin.post("/api/v1/skills", {
      headers: { "x-csrf-token": csrf },
      data: { name: "acme-e2e-summarizer", version: "1.0.0", source: { registry: "npm", package: "@acme/e2e-summarizer" }, owner: "lucas.meyer@acme.example", notes: "Summarises long issue threads" },
    });
    expect(created.status(), await created.text()).toBe(201);
    const bot = (await (await admin.get(`/api/v1/bots/${botId}`)).json()) as { runtimeProfile: { allowedTools: string[] }; version: number };
    const patched = await admin.patch(`/api/v1/bots/${botId}`, {
      headers: { "x-csrf-token": csrf },
      data: { runtimeProfile: { ...bot.runtimeProfile, allowedTools: [...bot.runtimeProfile.allowedTools, "acme-e2e-summarizer@1.0.0"] } },
    });
    expect(patched.ok(), await patched.text()).toBe(true);

    await signInAs(page, /Omar Haddad/, `/bots/${botId}`);
    await expect(page.getByTestId("finding").filter({ hasText: "BR-SKILL-REGISTRY" })).toBeVisible();
    await expect(page.locator('[data-testid="bot-skill"][data-tool="acme-e2e-summarizer@1.0.0"]')).toContainText("Pending review");
    await page.screenshot({ path: "/tmp/is-bot-finding.png", fullPage: true });

    await page.getByRole("link", { name: "Skills", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Skills", exact: true })).toBeVisible();
    await page.getByText("Pending review", { exact: true }).first().click();
    const row = page.locator('[data-testid="skill-row"][data-ref="acme-e2e-summarizer@1.0.0"]');
    await expect(row).toContainText("Pending review");
    await expect(row).toContainText("1 bot");
    await page.screenshot({ path: "/tmp/is-skills-pending.png", fullPage: true });
    await row.getByRole("button", { name: "Review acme-e2e-summarizer@1.0.0" }).click();
    const dialog = page.getByRole("dialog", { name: "Review acme-e2e-summarizer@1.0.0" });
    await dialog.getByRole("textbox", { name: "Note" }).fill("Read the source: no network access beyond GitHub");
    await page.screenshot({ path: "/tmp/is-skill-review.png" });
    await dialog.getByRole("button", { name: "Approve" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);

    await page.goto(`/bots/${botId}`);
    await expect(page.locator('[data-testid="bot-skill"][data-tool="acme-e2e-summarizer@1.0.0"]')).toContainText("Approved");
    await expect(page.getByTestId("finding").filter({ hasText: "BR-SKILL-REGISTRY" })).toHaveCount(0);
    await page.screenshot({ path: "/tmp/is-bot-cleared.png", fullPage: true });
    await page.goto("/skills");
    await page.screenshot({ path: "/tmp/is-skills.png", fullPage: true });
  });
});
