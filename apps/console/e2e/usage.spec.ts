import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { adminApi, botIdByName, runtimeOf, signIn, signInWithDemoSso } from "./fixtures.ts";

/**
 * Usage and budgets through the console: a runtime reports $3.50 of model usage for
 * acme-log-summary-bot (lucas.meyer's); the admin sees it on the Usage page and sets a $4.00
 * daily cap there; the owner sees the spend against the cap on the bot's page and cannot set caps;
 * the admin removes the cap after confirming. An owner whose bot sits in another team sees that
 * team's cap without its spend (shown to the team's members).
 */
test.describe("usage and budgets", () => {
  let admin: APIRequestContext;
  let csrf: string;
  let botId: string;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL!;
    ({ admin, csrf } = await adminApi(playwright.request, baseURL));
    botId = await botIdByName(admin, "acme-log-summary-bot");
    const runtime = await runtimeOf({ request: playwright.request, baseURL, admin, csrf, botId, tokenName: "e2e usage runtime" });
    const sessionId = `e2e-usage-${randomUUID().slice(0, 8)}`;
    const time = new Date().toISOString();
    const sent = await runtime.post("/api/v1/events", {
      data: {
        events: [
          { type: "session_start", sessionId, time },
          { type: "tool_call", sessionId, time, tool: "axiom.query" },
          { type: "usage", sessionId, time, model: "gpt-5", inputTokens: 120_000, outputTokens: 8_000, costUsd: 3.5 },
        ],
      },
    });
    expect(sent.status(), await sent.text()).toBe(200);
    await runtime.dispose();
  });
  test.afterAll(async () => {
    await admin?.dispose();
  });

  async function signedInAs(browser: Browser, name: RegExp, path: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await signInWithDemoSso(page, name, path);
    return page;
  }

  test("the admin sees the bot's cost and sets a daily cap; its owner sees the spend against it", async ({ page, browser }) => {
    await signIn(page);
    await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Usage and budgets" }).click();
    await expect(page.getByRole("heading", { name: "Usage and budgets" })).toBeVisible();
    await page.getByRole("combobox", { name: "Show" }).click();
    await page.getByRole("option", { name: "One bot" }).click();
    // the usage picker comes before the budget form's
    await page.getByRole("combobox", { name: "Bot", exact: true }).first().click();
    await page.getByRole("option", { name: "acme-log-summary-bot" }).click();
    await expect(page.getByTestId("usage-scope")).toContainText("acme-log-summary-bot · 1 bot");
    await expect(page.getByTestId("usage-totals")).toContainText("$3.50");
    await expect(page.getByRole("region", { name: "Cost (USD)" })).toBeVisible();
    // Mantine draws the segmented control's radios under their labels: click the label, as a person does.
    await page.locator("label", { hasText: /^Month$/ }).click();
    await expect(page.getByRole("radio", { name: "Month" })).toBeChecked();
    await expect(page).toHaveURL(/granularity=month/);
    await expect(page.getByTestId("usage-totals")).toContainText("$3.50");

    const caps = page.getByRole("region", { name: "Budget caps" });
    await caps.getByRole("combobox", { name: "Cap for" }).click();
    await page.getByRole("option", { name: "A bot" }).click();
    await caps.getByRole("combobox", { name: "Bot", exact: true }).click();
    await page.getByRole("option", { name: "acme-log-summary-bot" }).click();
    await caps.getByRole("textbox", { name: "Cap (USD)" }).fill("4");
    await caps.getByRole("button", { name: "Set cap" }).click();
    const row = caps.getByTestId("budget-list").getByRole("row").filter({ hasText: "acme-log-summary-bot" });
    await expect(row).toContainText("$3.50 of $4.00 today");
    await expect(row.getByRole("progressbar", { name: "88% of the daily budget spent" })).toBeVisible();
    await page.screenshot({ path: "/tmp/usage-page.png", fullPage: true });

    const lucas = await signedInAs(browser, /Lucas Meyer/, `/bots/${botId}`);
    const card = lucas.getByTestId("bot-spend-card");
    await expect(card).toContainText("$3.50 of $4.00 today");
    await expect(card).toContainText("This bot: daily cap");
    await lucas.goto("/usage");
    await expect(lucas.getByRole("combobox", { name: "Show" })).toHaveValue("My bots");
    await expect(lucas.getByRole("region", { name: "Budget caps" }).getByTestId("budget-list")).toContainText("acme-log-summary-bot");
    await expect(lucas.getByRole("button", { name: "Set cap" })).toHaveCount(0);
    await lucas.context().close();

    await row.getByRole("button", { name: "Remove the daily cap of acme-log-summary-bot" }).click();
    await page.getByRole("dialog", { name: "Remove this budget cap?" }).getByRole("button", { name: "Remove cap" }).click();
    await expect(caps.getByText("No budget caps")).toBeVisible();
  });

  test("an owner whose bot sits in another team sees that team's cap, and that its spend is shown to the team's members", async ({ browser }) => {
    const teams = (await (await admin.get("/api/v1/teams")).json()) as { items: { id: string; name: string }[] };
    const support = teams.items.find((t) => t.name === "Customer Support")!;
    const headers = { "x-csrf-token": csrf };
    const cap = await admin.put("/api/v1/budgets", { headers, data: { scope: "team", subjectId: support.id, period: "month", capUsd: 500 } });
    expect(cap.status(), await cap.text()).toBe(200);
    const moved = await admin.patch(`/api/v1/bots/${botId}`, { headers, data: { team: "support" } });
    expect(moved.status(), await moved.text()).toBe(200);
    try {
      const lucas = await signedInAs(browser, /Lucas Meyer/, "/usage");
      const row = lucas.getByRole("region", { name: "Budget caps" }).getByTestId("budget-list").getByRole("row").filter({ hasText: "Customer Support" });
      await expect(row).toContainText("Cap $500.00 this month — below 80 %");
      await expect(row.getByTestId("spend-hidden")).toHaveText("Team spend visible to team members");
      await expect(row.getByRole("progressbar")).toHaveCount(0);
      await lucas.context().close();
    } finally {
      expect((await admin.patch(`/api/v1/bots/${botId}`, { headers, data: { team: "platform" } })).status()).toBe(200);
      expect((await admin.delete(`/api/v1/budgets/${((await cap.json()) as { id: string }).id}`, { headers })).status()).toBe(204);
    }
  });
});

