import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, useDemoProviderForSso } from "./fixtures.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs a command from the repository's root, as an auditor with a checkout of Bridle would. */
const run = (command: string, args: string[]) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(command, args, { cwd: REPO, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });

/**
 * The audit log in the console, for the demo organization's people signing in through the demo
 * provider (as README "Try every persona" says): Maya Chen (admin) changes the org policy, Inès
 * Moreau (auditor) finds who did it and what changed, filters by a bot, follows a runtime session,
 * checks the log's integrity and exports it (each file verified with `pnpm bridle audit verify`);
 * Lucas Meyer (a bot owner, no role) is refused.
 */
test.describe("audit log", () => {
  let admin: APIRequestContext;
  let csrf: string;
  let triageId: string;
  const SESSION = `e2e-session-${Date.now()}`;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL!;
    admin = await playwright.request.newContext({ baseURL });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
    await useDemoProviderForSso(admin, csrf);

    // acme-triage-bot's runtime asks two questions in one session; an admin edits the bot.
    triageId = ((await (await admin.get("/api/v1/bots?q=acme-triage-bot")).json()) as { items: { id: string; name: string }[] }).items.find((b) => b.name === "acme-triage-bot")!.id;
    const token = await admin.post(`/api/v1/bots/${triageId}/tokens`, { headers: { "x-csrf-token": csrf }, data: { name: "e2e audit runtime", expiresInDays: 1 } });
    expect(token.status()).toBe(201);
    const runtime = { authorization: `Bearer ${((await token.json()) as { token: string }).token}` };
    for (const [index, action] of ["issue.comment", "shell.exec"].entries()) {
      const res = await admin.post("/api/v1/decisions", {
        headers: runtime,
        data: { requestId: `${SESSION}-${index}`, action, target: { system: "github" }, params: { command: "gh issue list" }, sessionId: SESSION },
      });
      expect(res.ok(), await res.text()).toBe(true);
    }
    const edit = await admin.patch(`/api/v1/bots/${triageId}`, { headers: { "x-csrf-token": csrf }, data: { purpose: "Triages new GitHub issues and labels them by team" } });
    expect(edit.ok(), await edit.text()).toBe(true);
  });

  test.afterAll(async () => {
    await admin?.dispose();
  });

  /** A browser of its own per person, signed in through the demo provider's person picker. */
  async function signedInAs(browser: Browser, name: RegExp, path: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(path);
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.getByRole("button", { name }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    return page;
  }

  test("an auditor finds who changed the org policy, from the policy page to the event and its diff", async ({ browser }) => {
    const maya = await signedInAs(browser, /Maya Chen/, "/policy");
    const version = Number((await maya.getByTestId("policy-version").textContent())!.replace(/\D/g, ""));
    const interval = maya.getByRole("textbox", { name: "Review interval (days)" });
    const before = await interval.inputValue();
    const after = before === "77" ? "78" : "77";
    await interval.fill(after);
    await maya.getByRole("button", { name: "Save policy" }).click();
    await expect(maya.getByTestId("policy-version")).toHaveText(`Version ${version + 1}`);
    await maya.context().close();

    const ines = await signedInAs(browser, /Inès Moreau/, "/policy");
    await expect(ines.getByTestId("policy-version")).toHaveText(`Version ${version + 1}`);
    // one click from the policy page: who made this version
    await ines.getByTestId("policy-changed-by").getByRole("link", { name: "maya.chen@acme.example" }).click();
    await expect(ines).toHaveURL(/\/audit\/[0-9a-f-]{36}$/);
    await expect(ines.getByRole("heading", { name: "maya.chen@acme.example changed the org policy" })).toBeVisible();
    await expect(ines.getByTestId("policy-version-change")).toContainText(`Org policy version ${version} → ${version + 1}`);
    const row = ines.getByTestId("audit-diff").locator('tr[data-field="reviewIntervalDays"]');
    await expect(row.locator('[data-side="before"]')).toHaveText(before);
    await expect(row.locator('[data-side="after"]')).toHaveText(after);
    await expect(ines.getByTestId("audit-who")).toContainText("Person");
    await expect(ines.getByTestId("audit-where")).toContainText("127.0.0.1");

    // the policy's history is the audit log, filtered, with a shareable address
    await ines.goto("/policy");
    await ines.getByRole("link", { name: "History" }).click();
    await expect(ines).toHaveURL(/\/audit\?action=policy\.update&resourceType=org_policy$/);
    const lines = ines.getByTestId("audit-line");
    await expect(lines.first()).toContainText("maya.chen@acme.example");
    await expect(lines.first()).toContainText("changed the org policy");
    for (const text of await lines.allTextContents()) expect(text).toContain("policy.update");
    await ines.context().close();
  });

  test("an auditor filters by a bot, opens a change's diff, and follows a runtime session", async ({ browser }) => {
    const ines = await signedInAs(browser, /Inès Moreau/, "/audit");
    await expect(ines.getByRole("heading", { name: "Audit log" })).toBeVisible();
    await ines.getByRole("combobox", { name: "Bot" }).fill("acme-triage");
    await ines.getByRole("option", { name: "acme-triage-bot", exact: true }).click();
    await expect(ines).toHaveURL(new RegExp(`botId=${triageId}`));
    const lines = ines.getByTestId("audit-line");
    await expect(lines.first()).toContainText("changed a bot");
    // only this bot's events: none of another bot (acme-test-triage-bot's runtime also asked for decisions)
    const texts = await lines.allTextContents();
    expect(texts.filter((text) => text.includes("acme-triage-bot")).length).toBeGreaterThanOrEqual(4);
    for (const text of texts) expect(text).not.toMatch(/acme-test-triage-bot|acme-deploy-bot|acme-community-bot/);
    await expect(lines.filter({ hasText: "was allowed an action" }).filter({ hasText: "issue.comment on github" }).first()).toBeVisible();

    // the shared address opens the same view
    await ines.reload();
    await expect(ines.getByRole("combobox", { name: "Bot" })).toHaveValue("acme-triage-bot");

    await lines.first().getByRole("link", { name: "changed a bot" }).click();
    await expect(ines.getByRole("heading", { name: `${E2E_ADMIN_EMAIL} changed a bot` })).toBeVisible();
    const purpose = ines.getByTestId("audit-diff").locator('tr[data-field="purpose"]');
    await expect(purpose.locator('[data-side="after"]')).toHaveText("Triages new GitHub issues and labels them by team");
    await expect(purpose.locator('[data-side="before"] mark').first()).toBeVisible();

    // a decision of the session, then the session's story, oldest first
    await ines.goto(`/audit?botId=${triageId}&action=decision.`);
    await lines.filter({ hasText: "issue.comment" }).first().getByRole("link", { name: "was allowed an action" }).click();
    await ines.getByTestId("audit-session-link").click();
    await expect(ines).toHaveURL(new RegExp(`/audit/sessions/${SESSION}$`));
    const steps = ines.getByTestId("session-step");
    await expect(steps).toHaveCount(3); // allowed; the approval request it opened; told it needs approval
    await expect(steps.nth(0)).toContainText("was allowed an action");
    await expect(steps.nth(0)).toContainText("+0.0 s");
    await expect(steps.nth(1)).toContainText("opened an approval request");
    await expect(steps.nth(2)).toContainText("was told an action needs approval");
    await ines.context().close();
  });

  test("an auditor verifies the log's integrity, exports it as NDJSON and CSV, and each file verifies with the documented command", async ({ browser }, testInfo) => {
    const ines = await signedInAs(browser, /Inès Moreau/, "/audit?action=policy.");
    await ines.getByRole("button", { name: "Verify integrity" }).click();
    const integrity = ines.getByRole("dialog", { name: "Integrity of the audit log" });
    await expect(integrity.getByTestId("verify-ok")).toContainText("The audit log is intact");
    // the server runs with BRIDLE_ENCRYPTION_KEY (serve.ts): the encryption key vouches for the signing key, not the database alone
    await expect(integrity.getByTestId("verify-key-anchors")).toHaveText(
      "Signing keys vouched for by the encryption key (BRIDLE_ENCRYPTION_KEY), not by the database alone.",
    );
    await expect(integrity.getByTestId("verify-key-warning")).toHaveCount(0);
    const keys = integrity.getByTestId("verify-key");
    await expect(keys).toHaveCount(1);
    await expect(keys.first()).toHaveAttribute("data-trusted", "true");
    await expect(keys.first()).toContainText("Trusted");
    await integrity.screenshot({ path: "/tmp/audit-verify-key-trust.png" });
    await integrity.getByRole("button", { name: "Close" }).click();

    await ines.getByRole("button", { name: "Export" }).click();
    const dialog = ines.getByRole("dialog", { name: "Export the audit log" });
    await expect(dialog).toContainText("The events matching the current filters");
    for (const format of ["ndjson", "csv"] as const) {
      await dialog.getByText(format === "csv" ? "CSV (spreadsheets)" : "NDJSON (one record a line)").click();
      const download = ines.waitForEvent("download");
      await dialog.getByRole("button", { name: /^(Start export|Export again)$/ }).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(new RegExp(`^bridle-audit-.+\\.${format}$`));
      const path = testInfo.outputPath(file.suggestedFilename());
      await file.saveAs(path);
      await expect(dialog.getByTestId("export-done")).toContainText(file.suggestedFilename());
      await expect(dialog.getByTestId("export-verify-command")).toContainText(`pnpm bridle audit verify --file ${file.suggestedFilename()} --jwks`);
      // the documented offline check of the saved file (docs/AUDIT.md), with the server's public keys
      const verified = await run("pnpm", ["-s", "bridle", "audit", "verify", "--file", path, "--jwks", `${testInfo.project.use.baseURL}/.well-known/jwks.json`]);
      expect(verified.code, verified.output).toBe(0);
      expect(verified.output).toContain(": verified");
      expect(verified.output).toContain("key trust: vouched for by the JWKS given (--jwks)");
    }
    await ines.context().close();
  });

  test("a person without audit.read sees no Audit log entry and is refused the page", async ({ browser }) => {
    const lucas = await signedInAs(browser, /Lucas Meyer/, "/policy");
    await expect(lucas.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Inventory" })).toBeVisible();
    await expect(lucas.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Audit log" })).toHaveCount(0);
    await expect(lucas.getByTestId("policy-version")).toBeVisible();
    await expect(lucas.getByRole("link", { name: "History" })).toHaveCount(0);
    await lucas.goto("/audit?action=policy.update");
    await expect(lucas.getByText("You do not have access to this page")).toBeVisible();
    await expect(lucas.getByTestId("audit-line")).toHaveCount(0);
    await lucas.context().close();
  });
});
