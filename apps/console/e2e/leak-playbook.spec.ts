import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, useDemoProviderForSso } from "./fixtures.ts";

/**
 * Security runs the leak playbook on a credential reference, end to end: Omar Haddad (security,
 * through the demo provider) starts "suspected leak" on acme-incident-digest-bot's Sentry token
 * from the bot page, works the four steps on the playbook page, and the bot's runtime sees its
 * gated actions held for security's approval while the playbook is open, and the usual rule
 * again once it closes.
 */
test.describe("leak playbook", () => {
  let admin: APIRequestContext;
  let runtime: APIRequestContext;
  let botId: string;
  let asked = 0;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL!;
    admin = await playwright.request.newContext({ baseURL });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    const csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
    await useDemoProviderForSso(admin, csrf);
    botId = ((await (await admin.get("/api/v1/bots?q=acme-incident-digest-bot")).json()) as { items: { id: string; name: string }[] }).items.find((b) => b.name === "acme-incident-digest-bot")!.id;
    const token = await admin.post(`/api/v1/bots/${botId}/tokens`, { headers: { "x-csrf-token": csrf }, data: { name: "e2e leak runtime", expiresInDays: 1 } });
    expect(token.status()).toBe(201);
    runtime = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${((await token.json()) as { token: string }).token}` } });
  });

  test.afterAll(async () => {
    await runtime?.dispose();
    await admin?.dispose();
  });

  /** The reason code the runtime gets for a gated action (shell.exec needs an approval by org policy). */
  async function gatedReason(): Promise<string> {
    const res = await runtime.post("/api/v1/decisions", { data: { action: "shell.exec", target: {}, params: { command: "ls" }, requestId: `e2e-leak-${Date.now()}-${++asked}` } });
    expect(res.ok(), await res.text()).toBe(true);
    const body = (await res.json()) as { decision: string; reasons: { code: string }[] };
    expect(body.decision).toBe("require_approval");
    return body.reasons[0]!.code;
  }

  async function signedInAs(browser: Browser, name: RegExp, path: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(path);
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.getByRole("button", { name }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    return page;
  }

  test("security starts a suspected leak from the bot page and closes it through the four steps; gated actions are held meanwhile", async ({ browser }) => {
    expect(await gatedReason()).toBe("approval_required");

    const omar = await signedInAs(browser, /Omar Haddad/, `/bots/${botId}`);
    const section = omar.getByTestId("bot-credential-references");
    await expect(section.getByTestId("credential-reference-row")).toHaveCount(3);
    await section.screenshot({ path: "/tmp/credentials-bot-section.png" });
    // security reads the references and may start the playbook, but does not edit them
    await expect(section.getByRole("button", { name: /^Edit / })).toHaveCount(0);
    await section.getByRole("button", { name: "Suspected leak: sentry op://bots-prod/incident-digest-bot/sentry-token" }).click();

    const dialog = omar.getByRole("dialog", { name: "Start the leak playbook" });
    await expect(dialog).toContainText("needs security's approval");
    await dialog.getByRole("textbox", { name: "Reason" }).fill("The Sentry token was visible in a screen share during Tuesday's incident review");
    await omar.screenshot({ path: "/tmp/credentials-start-leak.png" });
    await dialog.getByRole("button", { name: "Start leak playbook" }).click();

    await expect(omar).toHaveURL(/\/leak-playbooks\/[0-9a-f-]{36}$/);
    await expect(omar.getByTestId("playbook-status")).toHaveText("Open");
    await expect(omar.getByTestId("playbook-hold")).toBeVisible();
    // held: the runtime's gated action now waits for security because of the leak
    await expect.poll(gatedReason).toBe("credential_leak_suspected");

    // 1. revoke
    const revoke = omar.getByTestId("step-revoke");
    await revoke.getByRole("textbox", { name: "Notes: Revoke the credential reference" }).fill("Revoked in Bridle; Sentry token regenerated");
    await revoke.getByRole("button", { name: "Revoke" }).click();
    await expect(revoke).toHaveAttribute("data-done", "true");
    await expect(revoke).toContainText("Done by omar.haddad@acme.example");
    await expect(revoke).toContainText("Revoked op://bots-prod/incident-digest-bot/sentry-token");

    // 2. review recent usage: the bot's events in the window, with the runtime's decisions
    const review = omar.getByTestId("step-review_usage");
    await expect(review.getByRole("table", { name: "Recent usage" })).toContainText("was told an action needs approval");
    await expect(review.getByRole("link", { name: "Open in the audit log" })).toHaveAttribute("href", new RegExp(`/audit\\?botId=${botId}&from=\\d{4}-\\d{2}-\\d{2}&to=\\d{4}-\\d{2}-\\d{2}`));
    await omar.screenshot({ path: "/tmp/credentials-playbook-open.png", fullPage: true });
    await review.getByRole("textbox", { name: "Notes: Review recent usage" }).fill("Only the usual shell.exec requests");
    await review.getByRole("button", { name: "Mark reviewed" }).click();
    await expect(review).toHaveAttribute("data-done", "true");

    // 3. notify stakeholders: the owner, the incident response owner (Omar himself) and security
    const notify = omar.getByTestId("step-notify");
    await expect(notify).toContainText("Bot owner: Hana Sato");
    await expect(notify).toContainText("Incident response owner: Omar Haddad");
    await notify.getByRole("button", { name: "Notify stakeholders" }).click();
    await expect(notify).toHaveAttribute("data-done", "true");
    await expect(notify).toContainText("hana.sato@acme.example");
    await expect(omar.getByTestId("playbook-status")).toHaveText("Open");
    expect(await gatedReason()).toBe("credential_leak_suspected");

    // 4. trace how it leaked: this closes the playbook
    const trace = omar.getByTestId("step-trace");
    await trace.getByRole("combobox", { name: "How it leaked" }).click();
    await omar.getByRole("option", { name: "Screen share" }).click();
    await trace.getByRole("textbox", { name: "Notes: Trace how it leaked" }).fill("Shared a terminal with the token in the environment");
    await trace.getByRole("button", { name: "Record how it leaked" }).click();
    await expect(omar.getByTestId("playbook-status")).toHaveText("Closed");
    await expect(trace).toContainText("How it leaked: Screen share");
    await omar.screenshot({ path: "/tmp/credentials-playbook-closed.png", fullPage: true });

    // released: the usual rule again
    await expect.poll(gatedReason).toBe("approval_required");

    // the bot page shows the reference revoked; the Rotation page lists what is due
    await omar.getByRole("link", { name: "Open the bot" }).click();
    const row = omar.getByTestId("bot-credential-references").getByTestId("credential-reference-row").filter({ hasText: "sentry-token" });
    await expect(row).toContainText("Revoked");
    await omar.goto("/rotation");
    await expect(omar.getByRole("heading", { name: "Rotation" })).toBeVisible();
    await expect(omar.getByTestId("rotation-row").first()).toBeVisible();
    await omar.screenshot({ path: "/tmp/credentials-rotation.png", fullPage: true });
    await omar.context().close();
  });

  test("the owner adds a reference with the vault's form as a hint; a pasted secret is refused naming the field; mark rotated records who", async ({ browser }) => {
    const found = (await (await admin.get("/api/v1/bots?q=acme-log-summary-bot")).json()) as { items: { id: string; name: string }[] };
    const logSummaryId = found.items.find((b) => b.name === "acme-log-summary-bot")!.id;
    const lucas = await signedInAs(browser, /Lucas Meyer/, `/bots/${logSummaryId}`);
    const section = lucas.getByTestId("bot-credential-references");
    await section.getByRole("button", { name: "Add credential reference" }).click();
    const dialog = lucas.getByRole("dialog", { name: "Add credential reference" });
    await dialog.getByRole("combobox", { name: "System" }).click();
    await lucas.getByRole("option", { name: "Axiom" }).click();
    await dialog.getByRole("combobox", { name: "Vault" }).click();
    await lucas.getByRole("option", { name: "HashiCorp Vault / OpenBao" }).click();
    await expect(dialog).toContainText("vault:<mount>/<path>[#<field>]");
    const secret = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    await dialog.getByRole("textbox", { name: "Reference" }).fill(secret);
    await dialog.getByRole("button", { name: "Add reference" }).click();
    await expect(dialog.getByRole("alert")).toContainText("looks like a secret");
    await expect(dialog.getByRole("alert")).not.toContainText(secret);
    await lucas.screenshot({ path: "/tmp/credentials-add-refused.png" });
    await dialog.getByRole("textbox", { name: "Reference" }).fill("vault:secret/data/bots/log-summary#axiom_token");
    await dialog.getByRole("button", { name: "Add reference" }).click();
    await expect(dialog).toHaveCount(0);
    const added = section.getByTestId("credential-reference-row").filter({ hasText: "vault:secret/data/bots/log-summary#axiom_token" });
    await expect(added).toContainText("HashiCorp Vault / OpenBao");
    await expect(added).toContainText("Active");

    // the Slack reference is due; Lucas rotated it in 1Password
    await section.getByRole("button", { name: "Mark rotated: slack-internal op://bots-prod/log-summary-bot/slack-bot-token" }).click();
    const rotate = lucas.getByRole("dialog", { name: "Mark rotated" });
    await rotate.getByRole("textbox", { name: "Note" }).fill("New bot token issued");
    await rotate.getByRole("button", { name: "Mark rotated" }).click();
    await expect(rotate).toHaveCount(0);
    const slack = section.getByTestId("credential-reference-row").filter({ hasText: "slack-bot-token" });
    await expect(slack).toContainText("by lucas.meyer@acme.example");
    await expect(slack).toContainText("On time");
    await section.screenshot({ path: "/tmp/credentials-owner-section.png" });
    await lucas.context().close();
  });
});
