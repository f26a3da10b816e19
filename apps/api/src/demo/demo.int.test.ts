import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { REPO_ROOT } from "@bridle/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, createTestApp, freshDatabase } from "../../test/harness.ts";
import { createTestBrowser } from "../../test/test-browser.ts";
import { loadConfig } from "../config.ts";
import { replaceSsoConnection } from "../modules/identity-settings/index.ts";
import { createDemoIdp, demoModeOf, demoSsoSettings } from "./demo-idp.ts";
import { DEMO_PEOPLE } from "./demo-people.ts";
import { syncDemoSso } from "./index.ts";

/**
 * Demo mode as `pnpm start` runs it: the real server (src/server.ts) in a child process on a
 * fresh database, signed in to through the demo provider with a plain HTTP client (the same
 * redirects and form a browser follows).
 */

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}


type Server = { base: string; port: number; output: () => string; stop: () => Promise<void> };

/** Starts src/server.ts like `pnpm start` and waits until it answers /readyz and has printed its banner. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  let out = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, "apps/api/src/server.ts")], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", BRIDLE_BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 45_000;
  while (!out.includes("API docs:")) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${out}`);
    if (Date.now() > deadline) throw new Error(`the server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

const admin = (base: string, path: string, init: RequestInit = {}) =>
  fetch(new URL(path, base), { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });

type Listed = { items: { id: string; kind: string; status: string; approverRole: string; approvalsRequired: number; requester: { type: string; id: string | null; label: string }; bot: { name: string } }[] };

describe("demo mode (pnpm start with BRIDLE_SEED=demo)", () => {
  let server: Server;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await freshDatabase();
    server = await startServer({ DATABASE_URL: databaseUrl, BRIDLE_SEED: "demo" });
  }, 60_000);
  afterAll(async () => server?.stop());

  it("serves the demo provider on Bridle's own origin and makes it Bridle's SSO", async () => {
    const discovery = await fetch(`${server.base}/demo-idp/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    const doc = (await discovery.json()) as { issuer: string; authorization_endpoint: string };
    expect(doc.issuer).toBe(`http://localhost:${server.port}/demo-idp`);
    expect((await (await fetch(`${server.base}/auth/providers`)).json()) as unknown).toEqual({ sso: { enabled: true }, local: { enabled: true } });
    const settings = (await (await admin(server.base, "/api/v1/identity-settings")).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({ ssoEnabled: true, issuerUrl: doc.issuer, clientId: "bridle-demo", managedBy: "console", clientSecretSet: false });
    expect(server.output()).toContain("for the demo only, never for production");
  });

  it("seeds one pending request of each kind, opened by people (and a bot) who do not review them", async () => {
    const res = await admin(server.base, "/api/v1/approval-requests?limit=200");
    const { items } = (await res.json()) as Listed;
    const summary = items.map((r) => [r.kind, r.status, r.bot.name, r.requester.type, r.requester.label, r.approverRole, r.approvalsRequired]);
    expect(summary.sort()).toEqual(
      [
        ["gated_action", "pending", "acme-test-triage-bot", "bot", "acme-test-triage-bot", "security", 1],
        ["golden_rule_exception", "pending", "acme-deploy-bot", "person", "sofia.rossi@acme.example", "security", 2],
        ["ownership_transfer", "pending", "acme-incident-digest-bot", "person", "hana.sato@acme.example", "it", 1],
        ["scope_expansion", "pending", "acme-triage-bot", "person", "lucas.meyer@acme.example", "security", 1],
      ].sort(),
    );
    // the seed's sessions and the bot's runtime token are gone again
    const tokens = (await (await admin(server.base, `/api/v1/bots?q=acme-test-triage-bot`)).json()) as { items: { id: string; name: string }[] };
    const bot = tokens.items.find((b) => b.name === "acme-test-triage-bot")!;
    const botTokens = (await (await admin(server.base, `/api/v1/bots/${bot.id}/tokens`)).json()) as { items: { revokedAt: string | null }[] };
    expect(botTokens.items).toHaveLength(1);
    expect(botTokens.items[0]!.revokedAt).not.toBeNull();
  });

  /** Signs in at the demo login page as `sub`, from Bridle's /auth/login; returns the session. */
  async function signInAs(sub: string, b = createTestBrowser()) {
    const start = await b.request(`${server.base}/auth/login?returnTo=/approvals`);
    expect(start.status).toBe(302);
    const login = await b.follow(new URL(start.headers.get("location")!));
    const html = await login.res.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    const picked = await b.request(new URL(action, login.url), { form: { account: sub } });
    expect(picked.status).toBe(303);
    let back = await b.follow(new URL(picked.headers.get("location")!, login.url), (u) => u.origin === server.base);
    if (!back.next) {
      // Another person than the provider's session remembers: the provider first ends that session
      // with a self-submitting form (its script is allowed by a CSP hash); submit it as a browser would.
      const html = await back.res.text();
      const form = /<form method="post" action="([^"]+)">/.exec(html)!;
      const inputs = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
      const ended = await b.request(new URL(form[1]!.replaceAll("&amp;", "&"), back.url), { form: inputs });
      back = await b.follow(new URL(ended.headers.get("location")!, back.url), (u) => u.origin === server.base);
    }
    const callback = await b.request(back.next!);
    expect(callback.headers.get("location")).toBe("/approvals");
    const me = (await (await b.request(`${server.base}/api/v1/me`)).json()) as { email: string; roles: string[]; csrfToken: string };
    const approve = async (id: string) => {
      const res = await fetch(`${server.base}/api/v1/approval-requests/${id}/approve`, {
        method: "POST",
        headers: { cookie: `bridle_session=${b.cookie(server.base, "bridle_session")}`, "x-csrf-token": me.csrfToken, "content-type": "application/json" },
        body: JSON.stringify({ note: `approved in the demo by ${me.email}` }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { status: string; approvals: number };
    };
    return { me, approve, get: (path: string) => b.request(`${server.base}${path}`) };
  }

  it("signs a security person in through the demo login page, with the security role, who approves the seeded scope expansion", async () => {
    const b = createTestBrowser();
    const start = await b.request(`${server.base}/auth/login?returnTo=/approvals`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.href.startsWith(`http://localhost:${server.port}/demo-idp/auth?`)).toBe(true);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");

    const login = await b.follow(authorize);
    expect(login.res.status).toBe(200);
    expect(login.url.pathname).toMatch(/^\/demo-idp\/interaction\/[\w-]+$/);
    const html = await login.res.text();
    expect(html).toContain("Demo sign-in: for the demo only, never for production.");
    // nothing inline, so the console's Content-Security-Policy needs no exception for this page
    expect(html).not.toMatch(/<script|<style|style=/);
    expect(login.res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const css = await fetch(`${server.base}/demo-idp/static/demo.css`);
    expect([css.status, css.headers.get("content-type")]).toEqual([200, "text/css; charset=utf-8"]);
    const offered = [...html.matchAll(/name="account" value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(DEMO_PEOPLE.map((p) => p.sub));

    const omar = await signInAs("demo|omar.haddad");
    expect(omar.me).toMatchObject({ email: "omar.haddad@acme.example", roles: ["security"] });
    const pending = (await (await omar.get("/api/v1/approval-requests?kind=scope_expansion&status=pending")).json()) as Listed;
    expect(pending.items).toHaveLength(1);
    expect((await omar.approve(pending.items[0]!.id)).status).toBe("approved");
  });

  it("asks who to be at every sign-in, even while the demo provider still remembers the last person", async () => {
    const b = createTestBrowser();
    expect((await signInAs("demo|omar.haddad", b)).me.email).toBe("omar.haddad@acme.example");
    // Bridle's session ended (or not): the provider's own session is still in this browser.
    const again = await b.request(`${server.base}/auth/login?returnTo=/approvals`);
    const page = await b.follow(new URL(again.headers.get("location")!));
    expect(page.url.pathname).toMatch(/^\/demo-idp\/interaction\//);
    expect(await page.res.text()).toContain("Priya Nair");
    expect((await signInAs("demo|priya.nair", b)).me.email).toBe("priya.nair@acme.example");
  });

  it("lets the person picker's redirect reach Bridle on each address it answers on (CSP form-action)", async () => {
    // The issuer is on localhost while this browser uses 127.0.0.1: the picker's form ends in a
    // redirect to 127.0.0.1/auth/callback, which a browser checks against form-action.
    const res = await fetch(`${server.base}/demo-idp/.well-known/openid-configuration`);
    const formAction = /form-action ([^;]+)/.exec(res.headers.get("content-security-policy") ?? "")?.[1]?.split(" ");
    expect(formAction).toEqual(["'self'", `http://localhost:${server.port}`, `http://127.0.0.1:${server.port}`]);
    // ... and nowhere else: the console keeps its own policy.
    expect(/form-action ([^;]+)/.exec((await fetch(`${server.base}/`)).headers.get("content-security-policy") ?? "")?.[1]).toBe("'self'");
  });

  it("lets the README's personas approve one request of each kind: security (twice for the exception) and IT", async () => {
    const { items } = (await (await admin(server.base, "/api/v1/approval-requests?status=pending&limit=200")).json()) as Listed;
    const byKind = new Map(items.map((r) => [r.kind, r.id]));
    expect([...byKind.keys()].sort()).toEqual(["gated_action", "golden_rule_exception", "ownership_transfer"]);
    const omar = await signInAs("demo|omar.haddad");
    expect(await omar.approve(byKind.get("golden_rule_exception")!)).toMatchObject({ status: "pending", approvals: 1 });
    expect((await omar.approve(byKind.get("gated_action")!)).status).toBe("approved");
    const priya = await signInAs("demo|priya.nair");
    expect(priya.me.roles).toEqual(["security"]);
    expect(await priya.approve(byKind.get("golden_rule_exception")!)).toMatchObject({ status: "approved", approvals: 2 });
    const sam = await signInAs("demo|sam.taylor");
    expect(sam.me.roles).toEqual(["it"]);
    expect((await sam.approve(byKind.get("ownership_transfer")!)).status).toBe("approved");
    const bots = (await (await admin(server.base, "/api/v1/bots?q=acme-incident-digest-bot")).json()) as { items: { name: string; owner: unknown }[] };
    expect(JSON.stringify(bots.items.find((b) => b.name === "acme-incident-digest-bot")!.owner)).toContain("ethan.brooks@acme.example");
    // the other personas get the roles the page promises
    expect((await signInAs("demo|ines.moreau")).me.roles).toEqual(["auditor"]);
    expect((await signInAs("demo|maya.chen")).me.roles).toEqual(["admin"]);
    expect((await signInAs("demo|lucas.meyer")).me.roles).toEqual([]);
  });

  it("refuses a person the demo does not offer", async () => {
    const b = createTestBrowser();
    const start = await b.request(`${server.base}/auth/login`);
    const login = await b.follow(new URL(start.headers.get("location")!));
    const action = /<form method="post" action="([^"]+)"/.exec(await login.res.text())![1]!;
    const picked = await b.request(new URL(action, login.url), { form: { account: "demo|someone.else" } });
    expect(picked.status).toBe(400);
    expect(picked.headers.get("location")).toBeNull();
  });

  it("after a restart in demo mode, the bot asks again for the gated action it no longer has pending; nothing else is reopened", async () => {
    await server.stop();
    server = await startServer({ DATABASE_URL: databaseUrl, BRIDLE_SEED: "demo" });
    const { items } = (await (await admin(server.base, "/api/v1/approval-requests?limit=200")).json()) as Listed;
    const summary = items.map((r) => [r.kind, r.status]);
    expect(summary.sort()).toEqual(
      [
        ["gated_action", "approved"],
        ["gated_action", "pending"],
        ["golden_rule_exception", "approved"],
        ["ownership_transfer", "approved"],
        ["scope_expansion", "approved"],
      ].sort(),
    );
  }, 60_000);

  it("after a restart with BRIDLE_SEED=none, the provider is gone and SSO that pointed at it is off", async () => {
    await server.stop();
    const none = await startServer({ DATABASE_URL: databaseUrl, BRIDLE_SEED: "none" });
    try {
      const discovery = await fetch(`${none.base}/demo-idp/.well-known/openid-configuration`);
      // 404, or the console's index.html when the console is built: never a discovery document
      expect(await discovery.text()).not.toContain("authorization_endpoint");
      const token = await fetch(`${none.base}/demo-idp/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=authorization_code" });
      expect(token.status).toBe(404);
      expect((await (await fetch(`${none.base}/auth/providers`)).json()) as unknown).toEqual({ sso: { enabled: false }, local: { enabled: true } });
      expect(none.output()).not.toContain("Try every persona");
    } finally {
      await none.stop();
    }
  }, 60_000);
});

describe("demo mode and configured SSO", () => {
  it("never opens the demo sign-in on an organization that is not the demo's (a real one restarted without BRIDLE_SEED=none)", async () => {
    const t = await createTestApp({ seed: "none" }); // an organization of its own, started empty; SSO not configured yet
    try {
      const idp = await createDemoIdp({ origins: ["http://localhost:3999"], trustProxy: false });
      expect(await syncDemoSso(t.database.db, idp)).toBe("not_demo_org");
      expect((await t.api({ method: "GET", url: "/api/v1/identity-settings" })).json()).toMatchObject({ ssoEnabled: false, issuerUrl: null });
      // Pointed at the demo provider anyway (an admin's choice), it is switched off at the next start.
      const demo = { ssoEnabled: true, issuerUrl: idp.issuer, clientId: idp.clientId };
      expect((await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: demo })).statusCode).toBe(400); // http:// issuer of no provider this app serves
      await replaceSsoConnection(t.database.db, { ...demoSsoSettings(idp), ssoEnabled: true }, "test: as an earlier demo start left it");
      expect(await syncDemoSso(t.database.db, idp)).toBe("not_demo_org");
      expect((await t.api({ method: "GET", url: "/api/v1/identity-settings" })).json()).toMatchObject({ ssoEnabled: false });
    } finally {
      await t.close();
    }
  });

  it("is off with a seed file of one's own, or SSO from the environment", () => {
    const base = { DATABASE_URL: "postgres://x/y" };
    expect(demoModeOf(loadConfig(base))).toBe(true);
    expect(demoModeOf(loadConfig({ ...base, BRIDLE_SEED: "none" }))).toBe(false);
    expect(demoModeOf(loadConfig({ ...base, BRIDLE_SEED_FILE: "/tmp/org.yaml" }))).toBe(false);
    expect(demoModeOf(loadConfig({ ...base, BRIDLE_OIDC_ISSUER: "https://idp.example.com", BRIDLE_OIDC_CLIENT_ID: "bridle" }))).toBe(false);
  });

  it("never replaces an admin's own SSO connection", async () => {
    const t = await createTestApp();
    try {
      const own = { ssoEnabled: true, issuerUrl: "https://login.acme.example", clientId: "bridle-prod", roleMapping: [{ group: "secops", role: "security" }] };
      expect((await t.api({ method: "PATCH", url: "/api/v1/identity-settings", payload: own })).statusCode).toBe(200);
      const idp = await createDemoIdp({ origins: ["http://localhost:3999"], trustProxy: false });
      expect(await syncDemoSso(t.database.db, idp)).toBe("kept_own");
      expect((await t.api({ method: "GET", url: "/api/v1/identity-settings" })).json()).toMatchObject(own);
      // and the first start in demo mode on a never-configured database does configure it
      const fresh = await createTestApp();
      try {
        expect(await syncDemoSso(fresh.database.db, idp)).toBe("configured");
        expect(await syncDemoSso(fresh.database.db, idp)).toBe("unchanged");
        expect((await fresh.api({ method: "GET", url: "/api/v1/identity-settings" })).json()).toMatchObject({ ssoEnabled: true, issuerUrl: "http://localhost:3999/demo-idp", clientId: "bridle-demo" });
      } finally {
        await fresh.close();
      }
    } finally {
      await t.close();
    }
  });
});
