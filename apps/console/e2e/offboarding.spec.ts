import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, signIn, useDemoProviderForSso } from "./fixtures.ts";

/**
 * IT offboards a departed person's three bots from the console (README "Offboarding"): Ethan
 * Brooks leaves ("Offboard person" on his page, confirmed with a reason); one of his bots goes to
 * his manager Lucas Meyer, who accepts it from his notification; the two others are offboarded,
 * their manual steps recorded; every decision for the offboarded ones is then denied (their bot
 * tokens are refused, and the bots are offboarded).
 */
test.describe("offboarding", () => {
  let admin: APIRequestContext;
  let runtime: APIRequestContext;
  let csrf: string;
  const BOTS = ["acme-e2e-leaver-keep-bot", "acme-e2e-leaver-gone-bot", "acme-e2e-leaver-old-bot"] as const;
  const tokens: Record<string, string> = {};

  test.beforeAll(async ({ playwright }, testInfo) => {
    admin = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL! });
    runtime = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL! });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
    await useDemoProviderForSso(admin, csrf);
    for (const name of BOTS) {
      const created = await admin.post("/api/v1/bots", {
        headers: { "x-csrf-token": csrf },
        data: {
          name,
          owner: "ethan.brooks@acme.example",
          team: "platform",
          purpose: "A bot of a person who leaves, in the offboarding e2e test",
          environment: "production",
          internalDataAccess: "internal",
          channels: ["slack-internal"],
          grants: [{ system: "github", scope: "github:issues:read", access: "read" }],
          credentialReferences: [{ system: "github", reference: `op://platform/${name}/token` }],
        },
      });
      expect(created.status(), await created.text()).toBe(201);
      const id = ((await created.json()) as { id: string }).id;
      const token = await admin.post(`/api/v1/bots/${id}/tokens`, { headers: { "x-csrf-token": csrf }, data: { name: "e2e runtime", expiresInDays: 1 } });
      expect(token.status()).toBe(201);
      tokens[name] = ((await token.json()) as { token: string }).token;
    }
  });

  test.afterAll(async () => {
    await admin?.dispose();
    await runtime?.dispose();
  });

  const decide = (token: string, requestId: string) =>
    runtime.post("/api/v1/decisions", { headers: { authorization: `Bearer ${token}` }, data: { action: "issues.read", target: { system: "github" }, requestId } });

  async function openCase(page: Page, bot: string) {
    await page.goto("/offboarding");
    const group = page.getByRole("region", { name: "Cases of Ethan Brooks" });
    await group.getByRole("link", { name: bot, exact: true }).click();
    await expect(page.getByRole("heading", { name: `Offboarding ${bot}` })).toBeVisible();
  }

  test("IT offboards a departed person's three bots: one transferred to the manager, who accepts; two offboarded, and every decision for them denied", async ({ page, browser }) => {
    // Before: the runtimes may act.
    const before = await decide(tokens[BOTS[1]]!, "e2e-offboarding-before");
    expect(((await before.json()) as { decision: string }).decision).toBe("allow");

    await signIn(page);
    await page.goto("/people");
    await page.getByRole("link", { name: "Ethan Brooks" }).first().click();
    await page.getByRole("button", { name: "Offboard person" }).click();
    const confirm = page.getByRole("dialog", { name: "Offboard Ethan Brooks?" });
    await confirm.getByLabel("Reason").fill("Left Acme on 30 November");
    await confirm.getByRole("button", { name: "Offboard person" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole("table", { name: "Offboarding cases" }).getByRole("link", { name: BOTS[0], exact: true })).toBeVisible();

    // The Offboarding page lists his open cases, Lucas Meyer (his manager) proposed.
    await page.getByRole("link", { name: "Offboarding", exact: true }).click();
    const group = page.getByRole("region", { name: "Cases of Ethan Brooks" });
    for (const bot of BOTS) await expect(group.getByRole("row").filter({ hasText: bot })).toContainText("Lucas Meyer");
    await page.screenshot({ path: "/tmp/offboarding-page.png", fullPage: true });

    // 1. Transfer the first to the manager.
    await openCase(page, BOTS[0]);
    await page.getByRole("button", { name: "Transfer to Lucas Meyer" }).click();
    await expect(page.getByRole("table", { name: "Offboarding checklist" }).locator('[data-step="accept_transfer"]')).toContainText("Pending");

    // 2 and 3. Offboard the others, confirmed; then record the manual steps.
    for (const bot of BOTS.slice(1)) {
      await openCase(page, bot);
      await page.getByRole("button", { name: "Offboard", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: `Offboard ${bot}?` });
      await dialog.getByRole("button", { name: "Offboard", exact: true }).click();
      await expect(dialog).toBeHidden();
      const checklist = page.getByRole("table", { name: "Offboarding checklist" });
      for (const step of ["pause", "revoke_tokens", "revoke_credentials", "remove_access"]) await expect(checklist.locator(`[data-step="${step}"]`)).toContainText("Done");
      await expect(checklist.locator('[data-step="revoke_credentials"]')).toContainText(`op://platform/${bot}/token`);

      await checklist.locator('[data-step="destroy_runtime"]').getByRole("button", { name: "Mark done" }).click();
      let modal = page.getByRole("dialog", { name: "Destroy its runtime" });
      await modal.getByLabel("Note").fill("k8s deployment deleted");
      await modal.getByLabel("Link (ticket, runbook, archive)").fill("https://tickets.acme.example/IT-4242");
      await modal.getByRole("button", { name: "Mark done" }).click();
      await expect(modal).toBeHidden();
      await checklist.locator('[data-step="archive_workspace"]').getByRole("button", { name: "Mark done" }).click();
      modal = page.getByRole("dialog", { name: "Archive its workspace" });
      await modal.getByLabel("Note").fill("Workspace archived, kept 1 year");
      await modal.getByRole("button", { name: "Mark done" }).click();
      await expect(modal).toBeHidden();
      await expect(checklist.locator('[data-step="mark_offboarded"]')).toContainText("Done");
      await expect(checklist.locator('[data-step="destroy_runtime"]')).toContainText(E2E_ADMIN_EMAIL);
      await expect(page.getByText("Bot offboarded", { exact: true })).toBeVisible();
    }
    await page.screenshot({ path: "/tmp/offboarding-case.png", fullPage: true });

    // Lucas Meyer accepts the first from his notification.
    const lucasContext = await browser.newContext();
    const lucas = await lucasContext.newPage();
    await lucas.goto("/notifications");
    await lucas.getByRole("button", { name: "Sign in with SSO" }).click();
    await lucas.getByRole("button", { name: /Lucas Meyer/ }).click();
    await lucas.getByRole("button", { name: new RegExp(`${BOTS[0]} is offered to you`) }).first().click();
    await expect(lucas.getByRole("heading", { name: `Offboarding ${BOTS[0]}` })).toBeVisible();
    await lucas.getByRole("button", { name: "Accept transfer" }).click();
    await expect(lucas.getByText("Transferred", { exact: true })).toBeVisible();
    await expect(lucas.getByRole("table", { name: "Offboarding checklist" }).locator('[data-step="rotation_due"]')).toContainText("Done");
    await lucasContext.close();

    // The transferred bot still acts (its owner is Lucas now); every decision for the offboarded ones is denied.
    const kept = await decide(tokens[BOTS[0]]!, "e2e-offboarding-kept");
    expect(kept.status()).toBe(200);
    for (const bot of BOTS.slice(1)) {
      const res = await decide(tokens[bot]!, `e2e-offboarding-${bot}`);
      expect(res.status() === 401 || ((await res.json()) as { decision: string }).decision === "deny", `${bot}: ${res.status()}`).toBe(true);
    }
    const bots = (await (await admin.get("/api/v1/bots?q=acme-e2e-leaver")).json()) as { items: { name: string; status: string; owner: { email: string } | null }[] };
    expect(Object.fromEntries(bots.items.map((b) => [b.name, b.status]))).toEqual({ [BOTS[0]]: "active", [BOTS[1]]: "offboarded", [BOTS[2]]: "offboarded" });
  });
});
