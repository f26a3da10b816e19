import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, signIn, useDemoProviderForSso } from "./fixtures.ts";

/**
 * An owner completes an access review item with "reduce" (README "Access reviews"): an admin starts
 * a campaign for the platform team; Lucas Meyer signs in through the demo provider, opens the item
 * of his bot from My reviews, ticks one grant, one channel and one credential reference, confirms,
 * and exactly those are gone while the rest stays.
 */
test.describe("access reviews", () => {
  let admin: APIRequestContext;
  let csrf: string;
  let botId: string;
  let campaignId: string;
  const BOT = "acme-e2e-review-bot";

  test.beforeAll(async ({ playwright }, testInfo) => {
    admin = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL! });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
    await useDemoProviderForSso(admin, csrf);
    const created = await admin.post("/api/v1/bots", {
      headers: { "x-csrf-token": csrf },
      data: {
        name: BOT,
        owner: "lucas.meyer@acme.example",
        team: "platform",
        purpose: "Triage helper reviewed in the access review e2e test",
        environment: "production",
        internalDataAccess: "internal",
        channels: ["slack-internal", "company-chat"],
        grants: [
          { system: "github", scope: "github:issues:write", access: "write" },
          { system: "linear", scope: "linear:issues:read", access: "read" },
        ],
        credentialReferences: [
          { system: "github", reference: "op://platform/e2e-review-github/token" },
          { system: "linear", reference: "op://platform/e2e-review-linear/token" },
        ],
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    botId = ((await created.json()) as { id: string }).id;
    const teams = (await (await admin.get("/api/v1/teams")).json()) as { items: { id: string; slug: string }[] };
    const started = await admin.post("/api/v1/access-reviews", {
      headers: { "x-csrf-token": csrf },
      data: { name: "E2E platform review", scope: "team", teamId: teams.items.find((t) => t.slug === "platform")!.id, dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(), lookbackDays: 90 },
    });
    expect(started.status(), await started.text()).toBe(201);
    campaignId = ((await started.json()) as { id: string }).id;
  });

  test.afterAll(async () => {
    await admin?.dispose();
  });

  test("an owner completes a review item with reduce: exactly what they ticked is removed", async ({ page, browser }) => {
    await page.goto("/reviews");
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.getByRole("button", { name: /Lucas Meyer/ }).click();
    await expect(page.getByRole("heading", { name: "My reviews" })).toBeVisible();
    const row = page.getByRole("table", { name: "My review items" }).getByRole("row").filter({ hasText: BOT });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("To decide");
    await page.screenshot({ path: "/tmp/reviews-my-reviews.png", fullPage: true });

    await row.getByRole("link", { name: BOT }).click();
    await expect(page.getByRole("heading", { name: new RegExp(`Access review: ${BOT}`) })).toBeVisible();
    // Never used by an allowed decision: both grants are flagged unused.
    await expect(page.getByRole("table", { name: "Grants" }).getByText("Unused")).toHaveCount(2);
    // Mantine draws the segmented control's radios under their labels: click the label, as a person does.
    await page.locator("label", { hasText: /^Reduce$/ }).click();
    await expect(page.getByRole("radio", { name: "Reduce" })).toBeChecked();
    await page.getByRole("checkbox", { name: "Remove grant linear:issues:read" }).check();
    await page.getByRole("checkbox", { name: "Remove channel company-chat" }).check();
    await page.getByRole("checkbox", { name: "Revoke credential reference op://platform/e2e-review-linear/token" }).check();
    await page.screenshot({ path: "/tmp/reviews-item-reduce.png", fullPage: true });
    await page.getByRole("button", { name: "Remove 3 and complete the review" }).click();
    const dialog = page.getByRole("dialog", { name: `Remove access from ${BOT}?` });
    await expect(dialog).toContainText("grant linear:issues:read");
    await expect(dialog).toContainText("channel company-chat");
    await page.screenshot({ path: "/tmp/reviews-item-confirm.png" });
    await dialog.getByRole("button", { name: "Remove and complete" }).click();

    await expect(page.getByText("Decided: Reduce")).toBeVisible();
    await expect(page.getByRole("list", { name: "Removed" })).toContainText("Removed grant linear:linear:issues:read (read)");
    await expect(page.getByRole("radio", { name: "Reduce" })).toHaveCount(0);
    await page.screenshot({ path: "/tmp/reviews-item-decided.png", fullPage: true });

    // What the server holds now: only the rest.
    const bot = (await (await admin.get(`/api/v1/bots/${botId}`)).json()) as {
      grants: { scope: string }[];
      channels: string[];
      credentialReferences: { reference: string; status: string }[];
      lastReviewedAt: string | null;
    };
    expect(bot.grants.map((g) => g.scope)).toEqual(["github:issues:write"]);
    expect(bot.channels).toEqual(["slack-internal"]);
    expect(bot.credentialReferences.map((r) => `${r.reference} ${r.status}`).sort()).toEqual([
      "op://platform/e2e-review-github/token rotation_due", // its bot's scope changed: due for rotation
      "op://platform/e2e-review-linear/token revoked",
    ]);
    expect(bot.lastReviewedAt).not.toBeNull();

    // The review pins the bot's persistent instructions as they were when it was decided.
    await page.getByRole("link", { name: "Instructions as decided" }).click();
    await expect(page).toHaveURL(/\/instructions\?.*tab=at.*&at=|\/instructions\?.*at=.*tab=at/);
    await expect(page.getByRole("tab", { name: "As of a time" })).toHaveAttribute("aria-selected", "true");

    // The admin sees the campaign's progress and can take the evidence pack.
    const adminPage = await browser.newPage();
    await signIn(adminPage);
    await adminPage.goto(`/reviews/campaigns/${campaignId}`);
    await expect(adminPage.getByRole("heading", { name: "E2E platform review" })).toBeVisible();
    await expect(adminPage.getByRole("img", { name: /Review items by state: Kept 0, Reduced 1/ })).toBeVisible();
    await adminPage.screenshot({ path: "/tmp/reviews-campaign.png", fullPage: true });
    const download = adminPage.waitForEvent("download");
    await adminPage.getByRole("button", { name: "Evidence pack (CSV)" }).click();
    expect((await download).suggestedFilename()).toBe(`bridle-access-review-${campaignId}.csv`);
    // Where admins start a campaign and set the schedule.
    await adminPage.goto("/reviews");
    await expect(adminPage.getByRole("table", { name: "Campaigns" }).getByRole("link", { name: "E2E platform review" })).toBeVisible();
    await adminPage.getByRole("button", { name: "Start an access review" }).click();
    await expect(adminPage.getByRole("dialog", { name: "Start an access review" })).toBeVisible();
    await adminPage.screenshot({ path: "/tmp/reviews-start-modal.png" });
    await adminPage.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await adminPage.goto("/policy");
    const reviews = adminPage.getByRole("group", { name: "Access reviews" });
    await expect(reviews.getByRole("switch", { name: "Pause gated actions when a review is overdue" })).toBeChecked();
    await reviews.screenshot({ path: "/tmp/reviews-policy.png" });
    await adminPage.close();
  });
});
