import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD } from "./fixtures.ts";
import { E2E_SSO_ACCOUNTS, E2E_SSO_CLIENT_ID, E2E_SSO_ROLE_MAPPING, startE2eProvider, type E2eProvider } from "./oidc-provider.ts";

/**
 * Single sign-on through a real OpenID Connect provider started by this spec on 127.0.0.1. The
 * bootstrap admin turns SSO on through the API first, and turns it (and SCIM provisioning) off
 * again afterwards so the other specs see the login page they expect.
 */
test.describe("single sign-on", () => {
  let idp: E2eProvider;
  let api: APIRequestContext;

  const patchSettings = async (data: Record<string, unknown>) => {
    const { csrfToken } = (await (await api.get("/api/v1/me")).json()) as { csrfToken: string };
    const res = await api.patch("/api/v1/identity-settings", { headers: { "x-csrf-token": csrfToken }, data });
    expect(res.ok(), await res.text()).toBe(true);
  };

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL!;
    idp = await startE2eProvider(baseURL);
    api = await playwright.request.newContext({ baseURL });
    const login = await api.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } });
    expect(login.ok()).toBe(true);
    await patchSettings({
      ssoEnabled: true,
      issuerUrl: idp.issuer,
      clientId: E2E_SSO_CLIENT_ID,
      clientSecret: idp.clientSecret,
      scopes: ["openid", "email", "profile", "groups"],
      groupsClaim: "groups",
      roleMapping: E2E_SSO_ROLE_MAPPING,
      jitProvisioning: false,
    });
  });

  test.afterAll(async () => {
    await patchSettings({ ssoEnabled: false, jitProvisioning: true, scimEnabled: false }).catch(() => {});
    await api?.dispose();
    await idp?.close();
  });

  test.beforeEach(async ({ context }) => {
    // The provider's pages import a web font; nothing here may leave the machine.
    await context.route((url) => !["127.0.0.1", "localhost"].includes(url.hostname), (route) => route.abort());
  });

  /** From the console's login page (its SSO button, or /auth/login directly) to the provider's login form. */
  async function startSso(page: Page, path: string) {
    await page.goto(path);
    const ssoButton = page.getByRole("button", { name: "Sign in with SSO" });
    await expect(ssoButton.or(page.getByLabel("Password")).first()).toBeVisible();
    if (await ssoButton.isVisible()) await ssoButton.click();
    else await page.goto(`/auth/login?returnTo=${encodeURIComponent(path)}`);
    await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  }

  async function signInAtProvider(page: Page, login: string) {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any password works here");
    await page.getByRole("button", { name: "Sign-in" }).click();
  }

  test("a person whose group maps to auditor signs in, sees the inventory and signs out", async ({ page, baseURL }) => {
    await startSso(page, "/bots");
    await signInAtProvider(page, E2E_SSO_ACCOUNTS.auditor.sub);

    await expect(page).toHaveURL(`${baseURL}/bots`);
    const table = page.getByRole("table", { name: "Bot inventory" });
    await expect(table).toBeVisible();
    await expect(table.getByRole("link", { name: "acme-deploy-bot", exact: true })).toBeVisible();
    const me = await page.evaluate(async () => (await fetch("/api/v1/me")).json());
    expect(me).toMatchObject({ email: E2E_SSO_ACCOUNTS.auditor.email, roles: ["auditor"], isBootstrapAdmin: false });

    await page.getByRole("button", { name: "Sign out" }).click();
    // The console follows the provider's logout URL; the provider asks to confirm, then returns to Bridle.
    const confirm = page.getByRole("button", { name: "Yes, sign me out" });
    const loginPage = page.getByRole("button", { name: "Sign in with SSO" }).or(page.getByLabel("Password")).first();
    await expect(confirm.or(loginPage).first()).toBeVisible();
    if (await confirm.isVisible()) await confirm.click();
    await expect(loginPage).toBeVisible();
    expect(new URL(page.url()).origin).toBe(baseURL);
    expect(await page.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(401);
  });

  test("a person Bridle does not know is refused and told why", async ({ page }) => {
    await startSso(page, "/findings");
    await signInAtProvider(page, E2E_SSO_ACCOUNTS.unknown.sub);
    await expect(page).toHaveURL(/\/\?ssoError=not_provisioned$/);
    await expect(page.getByText(/not provisioned in Bridle/)).toBeVisible();
    expect(await page.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(401);
  });

  test("a person deactivated by SCIM is signed out on the next request", async ({ page }) => {
    await startSso(page, "/bots");
    await signInAtProvider(page, E2E_SSO_ACCOUNTS.auditor.sub);
    await expect(page.getByRole("table", { name: "Bot inventory" })).toBeVisible();

    // The identity provider deprovisions her, as Okta does: PATCH active=false with a SCIM token.
    // An admin turns SCIM provisioning on first (it is off by default, and /scim/v2 answers 403 then).
    // This comes last in the spec: while SCIM is on, just-in-time provisioning is refused.
    await patchSettings({ scimEnabled: true });
    const { csrfToken } = (await (await api.get("/api/v1/me")).json()) as { csrfToken: string };
    const created = await api.post("/api/v1/scim-tokens", { headers: { "x-csrf-token": csrfToken }, data: { name: "e2e okta" } });
    expect(created.status()).toBe(201);
    const scim = { authorization: `Bearer ${((await created.json()) as { token: string }).token}`, "content-type": "application/scim+json" };
    const found = await api.get(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${E2E_SSO_ACCOUNTS.auditor.email}"`)}`, { headers: scim });
    expect(found.status(), await found.text()).toBe(200);
    const id = ((await found.json()) as { Resources: { id: string }[] }).Resources[0]!.id;
    const patched = await api.patch(`/scim/v2/Users/${id}`, {
      headers: scim,
      data: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", value: { active: false } }] },
    });
    expect(patched.status()).toBe(200);

    // Her very next request to Bridle (here, opening the People page, which asks the API for
    // people) finds the session gone, and the console shows the login page.
    await page.getByRole("link", { name: "People" }).click();
    await expect(page.getByRole("button", { name: "Sign in with SSO" })).toBeVisible();
    expect(await page.evaluate(async () => (await fetch("/api/v1/me")).status)).toBe(401);
  });
});
