import { expect, test } from "@playwright/test";
import { startWebhookReceiver } from "../../api/test/receivers.ts";
import { signIn } from "./fixtures.ts";

/**
 * Notifications through the console: the admin sets the org's chat webhook (a real HTTP receiver
 * started here), chooses channels for test notifications, sends one, sees the bell's badge, opens
 * it (which marks it read), and the webhook got the post from the server's delivery worker.
 * The e2e server has no BRIDLE_SMTP_URL, so the preferences page says email is off.
 */
test.describe("notifications", () => {
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  test.beforeAll(async () => {
    hook = await startWebhookReceiver();
  });
  test.afterAll(async () => {
    await hook?.close();
  });

  test("a notification appears with the badge, opening it marks it read; preferences and the webhook are saved", async ({ page }) => {
    await signIn(page);

    // start from nothing unread; while the list is loading the page claims nothing: no "All read",
    // and "Mark all read" waits (the list's answer is held here until that is checked)
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const list = /\/api\/v1\/notifications\?/;
    await page.route(list, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/notifications");
    await expect(page.getByRole("heading", { name: "Notifications", exact: true })).toBeVisible();
    const summary = page.getByTestId("unread-summary");
    await expect(page.getByText("Loading notifications")).toBeVisible();
    await expect(summary).toHaveText("");
    await expect(page.getByRole("button", { name: "Mark all read" })).toBeDisabled();
    release(); // from here on the list's answers pass at once
    await expect(summary).toHaveText(/^(All read|[\d,]+ unread notifications?)$/);
    if ((await summary.textContent()) !== "All read") await page.getByRole("button", { name: "Mark all read" }).click();
    await expect(summary).toHaveText("All read");
    await page.getByText("Unread", { exact: true }).click();
    await expect(page.getByTestId("empty-state")).toContainText("Nothing unread");
    await expect(page.getByTestId("notification-count")).toHaveCount(0);
    await page.screenshot({ path: "/tmp/notifications-empty.png", fullPage: true });

    // the admin sets the org webhook in Settings > Notifications; only a hint is shown afterwards
    const webhookUrl = `${hook.base}/services/T0/B0/e2eSecretPathXyZ9`;
    await page.goto("/settings?tab=notifications");
    await expect(page.getByTestId("webhook-off")).toBeVisible();
    await page.getByRole("textbox", { name: "Webhook URL" }).fill("http://hooks.example.com/x");
    await page.getByRole("button", { name: "Save webhook" }).click();
    await expect(page.getByText("Webhook URL must start with https:// (http:// only for localhost)")).toBeVisible();
    await page.getByRole("textbox", { name: "Webhook URL" }).fill(webhookUrl);
    await page.getByRole("button", { name: "Save webhook" }).click();
    await expect(page.getByTestId("webhook-hint")).toHaveText(`${hook.base}/…XyZ9`);
    await expect(page.getByText("e2eSecretPath")).toHaveCount(0);
    await page.screenshot({ path: "/tmp/notifications-settings.png", fullPage: true });

    // my channels for test notifications: no email (it is off here anyway), the chat webhook on
    await page.goto("/notifications/preferences");
    await expect(page.getByTestId("email-off")).toContainText("Email is off on this server");
    await expect(page.getByTestId("webhook-off")).toHaveCount(0);
    const byEmail = page.getByRole("switch", { name: "Test notification by email" });
    const byWebhook = page.getByRole("switch", { name: "Test notification in the chat webhook" });
    await expect(byEmail).toBeChecked();
    await expect(byWebhook).not.toBeChecked();
    await byEmail.uncheck({ force: true });
    await byWebhook.check({ force: true });
    await expect(page.getByText("2 changes not saved")).toBeVisible();
    await page.getByRole("button", { name: "Save preferences" }).click();
    await expect(page.getByText("Preferences saved")).toBeVisible();
    await page.screenshot({ path: "/tmp/notifications-preferences.png", fullPage: true });
    await page.reload();
    await expect(page.getByRole("switch", { name: "Test notification by email" })).not.toBeChecked();
    await expect(page.getByRole("switch", { name: "Test notification in the chat webhook" })).toBeChecked();

    // a notification arrives: the bell shows it
    await page.getByRole("button", { name: "Send me a test notification" }).click();
    await expect(page.getByTestId("notification-count")).toHaveText("1");
    await expect(page.getByRole("button", { name: "Notifications, 1 unread" })).toBeVisible();

    // the server's worker posted it to the webhook within seconds
    await expect.poll(() => hook.posts.length, { timeout: 15_000 }).toBe(1);
    expect(hook.posts[0]!.path).toBe("/services/T0/B0/e2eSecretPathXyZ9");
    expect((hook.posts[0]!.body as { text: string }).text).toContain("Test notification");

    // opening it from the bell marks it read and goes to its page
    await page.goto("/bots");
    await page.getByTestId("notification-bell").click();
    const panel = page.getByRole("dialog", { name: "Latest notifications" });
    const item = panel.getByRole("button", { name: "Unread: Test notification" }).first();
    await expect(item).toBeVisible();
    await page.screenshot({ path: "/tmp/notifications-bell.png" });
    await item.click();
    await expect(page).toHaveURL(/\/notifications\/preferences$/);
    await expect(page.getByTestId("notification-count")).toHaveCount(0);
    await page.goto("/notifications");
    const first = page.getByTestId("notification-item").first();
    await expect(first).toHaveAttribute("data-unread", "false");
    await expect(first).toContainText("Test notification");
    await expect(page.getByTestId("unread-summary")).toHaveText("All read");
    await page.screenshot({ path: "/tmp/notifications-list.png", fullPage: true });

    // the delivery shows as sent; then the admin removes the webhook (with confirmation)
    await page.goto("/settings?tab=notifications");
    await expect(page.getByRole("table", { name: "Deliveries" }).getByText("sent").first()).toBeVisible();
    await page.getByRole("button", { name: "Remove", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Remove webhook" }).click();
    await expect(page.getByTestId("webhook-off")).toBeVisible();
  });
});
