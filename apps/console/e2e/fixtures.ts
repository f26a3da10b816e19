import { expect, type APIRequest, type APIRequestContext, type Page } from "@playwright/test";
import { DEMO_ROLE_MAPPING } from "../../api/src/demo/demo-people.ts";

export const E2E_ADMIN_EMAIL = "admin@acme.example";
export const E2E_ADMIN_PASSWORD = "e2e-correct-horse-battery";

export async function signIn(page: Page) {
  await page.goto("/");
  await page.getByLabel("Email").fill(E2E_ADMIN_EMAIL);
  await page.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  // exact: in demo mode the page also offers "Sign in with SSO"
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // signed in once the app shell shows, so a following page.goto carries the session
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/**
 * Makes the demo provider (`/demo-idp`) Bridle's SSO again through the identity settings API, as
 * the signed-in admin `admin` (other specs point SSO at providers of their own).
 * @returns the provider's issuer
 */
export async function useDemoProviderForSso(admin: APIRequestContext, csrfToken: string): Promise<string> {
  const discovery = await admin.get("/demo-idp/.well-known/openid-configuration");
  expect(discovery.ok()).toBe(true);
  const { issuer } = (await discovery.json()) as { issuer: string };
  const res = await admin.patch("/api/v1/identity-settings", {
    headers: { "x-csrf-token": csrfToken },
    data: {
      ssoEnabled: true,
      issuerUrl: issuer,
      clientId: "bridle-demo",
      clientSecret: null,
      scopes: ["openid", "email", "profile", "groups"],
      groupsClaim: "groups",
      roleMapping: DEMO_ROLE_MAPPING,
      jitProvisioning: true,
    },
  });
  expect(res.ok(), await res.text()).toBe(true);
  return issuer;
}

/**
 * An API client signed in as the e2e admin (local sign-in), with its CSRF token for writes, after
 * making the demo provider Bridle's SSO again so the spec can sign demo people in
 * (`signInWithDemoSso`). Dispose `admin` in the spec's afterAll.
 * @param request the worker's `playwright.request`
 */
export async function adminApi(request: APIRequest, baseURL: string): Promise<{ admin: APIRequestContext; csrf: string }> {
  const admin = await request.newContext({ baseURL });
  expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
  const csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
  await useDemoProviderForSso(admin, csrf);
  return { admin, csrf };
}

/** The id of the demo bot named exactly `name` (fails the test when there is none). */
export async function botIdByName(api: APIRequestContext, name: string): Promise<string> {
  const found = (await (await api.get(`/api/v1/bots?q=${encodeURIComponent(name)}`)).json()) as { items: { id: string; name: string }[] };
  const bot = found.items.find((b) => b.name === name);
  expect(bot, `no bot named ${name}`).toBeDefined();
  return bot!.id;
}

/**
 * A bot's runtime: an API client carrying a new runtime token of the bot (valid one day), issued by
 * the admin as an owner would in the console. Dispose it in the spec's afterAll.
 */
export async function runtimeOf({
  request,
  baseURL,
  admin,
  csrf,
  botId,
  tokenName,
}: {
  request: APIRequest;
  baseURL: string;
  admin: APIRequestContext;
  csrf: string;
  botId: string;
  tokenName: string;
}): Promise<APIRequestContext> {
  const created = await admin.post(`/api/v1/bots/${botId}/tokens`, { headers: { "x-csrf-token": csrf }, data: { name: tokenName, expiresInDays: 1 } });
  expect(created.status(), await created.text()).toBe(201);
  const { token } = (await created.json()) as { token: string };
  return request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

/**
 * Opens `path` and signs in there as a demo person through "Sign in with SSO" (the demo provider
 * must be Bridle's SSO: `adminApi` makes it so); done once the signed-in frame shows.
 * @param person matches the person's button on the demo sign-in page, e.g. /Omar Haddad/
 */
export async function signInWithDemoSso(page: Page, person: RegExp, path: string) {
  await page.goto(path);
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await page.getByRole("button", { name: person }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}
