import { expect, test, type APIRequestContext } from "@playwright/test";
import { startTestIdp, type TestIdp } from "../../api/test/test-idp.ts";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD } from "./fixtures.ts";

/**
 * IT gives the bot of someone who has left to a new owner at once. Jamal Reed is IT through his
 * group at a real OpenID provider; acme-anomaly-bot's owner Tomás Silva has left Acme, and his
 * manager Grace Okafor is proposed first. (Not Sam Taylor: other specs sign Sam in through the
 * demo provider, and a person stays linked to the first provider that signed them in.)
 */
const IT_PERSON = { sub: "e2e|jamal", email: "jamal.reed@acme.example", email_verified: true, name: "Jamal Reed", groups: ["bridle-it"] };
const CLIENT_ID = "bridle-e2e-transfer";
const CLIENT_SECRET = "e2e-transfer-client-secret-0123456789";

test.describe("ownership transfer", () => {
  let idp: TestIdp;
  let admin: APIRequestContext;
  let csrf: string;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL!;
    idp = await startTestIdp({
      accounts: [IT_PERSON],
      client: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${baseURL}/auth/callback`], postLogoutRedirectUris: [`${baseURL}/`] },
    });
    admin = await playwright.request.newContext({ baseURL });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
    const res = await admin.patch("/api/v1/identity-settings", {
      headers: { "x-csrf-token": csrf },
      data: {
        ssoEnabled: true,
        issuerUrl: idp.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        scopes: ["openid", "email", "profile", "groups"],
        groupsClaim: "groups",
        roleMapping: [{ group: "bridle-it", role: "it" }],
        jitProvisioning: false,
      },
    });
    expect(res.ok(), await res.text()).toBe(true);
  });

  test.afterAll(async () => {
    await admin?.patch("/api/v1/identity-settings", { headers: { "x-csrf-token": csrf }, data: { ssoEnabled: false, jitProvisioning: true } }).catch(() => {});
    await admin?.dispose();
    await idp?.close();
  });

  test("IT transfers a bot whose owner has left; the dialog proposes the owner's manager first", async ({ browser }) => {
    const found = (await (await admin.get("/api/v1/bots?q=acme-anomaly-bot")).json()) as { items: { id: string; name: string }[] };
    const bot = found.items.find((b) => b.name === "acme-anomaly-bot")!;

    const context = await browser.newContext();
    await context.route((url) => !["127.0.0.1", "localhost"].includes(url.hostname), (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`/auth/login?returnTo=${encodeURIComponent(`/bots/${bot.id}`)}`);
    await page.locator('input[name="login"]').fill(IT_PERSON.sub);
    await page.locator('input[name="password"]').fill("any password works here");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await expect(page.getByRole("heading", { name: "acme-anomaly-bot" })).toBeVisible();
    await expect(page.getByTestId("finding").filter({ hasText: "BR-ORPHANED" })).toBeVisible();

    await page.getByRole("button", { name: "Transfer ownership" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByText("Tomás Silva <tomas.silva@acme.example> (has left)")).toBeVisible();
    await expect(dialog.getByTestId("suggested-owner")).toHaveText("Proposed: Grace Okafor, the manager of the departed owner.");
    const newOwner = dialog.getByRole("combobox", { name: "New owner" });
    await expect(newOwner).toHaveValue("Grace Okafor <grace.okafor@acme.example>");
    // Listed first, under its own heading, before everyone else.
    await newOwner.click();
    const options = page.getByRole("option");
    await expect(options.first()).toHaveText("Grace Okafor <grace.okafor@acme.example>");
    expect(await options.count()).toBeGreaterThan(10);
    await page.keyboard.press("Escape");
    await page.screenshot({ path: "/tmp/facts-transfer-dialog.png", fullPage: false });

    await dialog.getByRole("textbox", { name: "Note" }).fill("Tomás left Acme; his manager takes the bot over");
    await dialog.getByRole("button", { name: "Transfer now" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByText("Ownership transferred")).toBeVisible();
    await expect(page.getByTestId("finding").filter({ hasText: "BR-ORPHANED" })).toHaveCount(0);
    await page.screenshot({ path: "/tmp/facts-transfer-done.png", fullPage: false });

    // the bot page and the API agree: Grace owns it, and the audit log says who did it and why
    const after = (await (await admin.get(`/api/v1/bots/${bot.id}`)).json()) as { owner: { email: string }; suggestedOwner: unknown };
    expect(after).toMatchObject({ owner: { email: "grace.okafor@acme.example" }, suggestedOwner: null });
    await context.close();
  });
});
