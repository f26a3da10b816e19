import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, signIn } from "./fixtures.ts";

/**
 * A bot's runtime sessions through the console: a runtime reports a session's events with its
 * bot token (POST /api/v1/events) and asks for a decision in it; the admin opens the bot's sessions
 * and reads the session's story in order. A bot with no sessions shows the empty state.
 */
test.describe("runtime sessions", () => {
  let admin: APIRequestContext;
  let csrf: string;
  const botIds: Record<string, string> = {};

  test.beforeAll(async ({ playwright }, testInfo) => {
    admin = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL! });
    expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
    csrf = ((await (await admin.get("/api/v1/me")).json()) as { csrfToken: string }).csrfToken;
    for (const name of ["acme-triage-bot", "acme-deploy-bot"]) {
      const found = (await (await admin.get(`/api/v1/bots?q=${name}`)).json()) as { items: { id: string; name: string }[] };
      botIds[name] = found.items.find((b) => b.name === name)!.id;
    }
  });
  test.afterAll(async () => {
    await admin?.dispose();
  });

  test("the runtime's events and decisions read in order on the session's timeline", async ({ page, playwright }, testInfo) => {
    const botId = botIds["acme-triage-bot"]!;
    const created = await admin.post(`/api/v1/bots/${botId}/tokens`, { headers: { "x-csrf-token": csrf }, data: { name: "e2e runtime", expiresInDays: 1 } });
    expect(created.status()).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const runtime = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL!, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const sessionId = `e2e-${randomUUID().slice(0, 8)}`;
    const t = (s: number) => new Date(Date.now() + s * 1000).toISOString();
    const first = await runtime.post("/api/v1/events", {
      data: {
        events: [
          { type: "session_start", sessionId, time: t(-10), agent: "main", model: "gpt-5" },
          { type: "message_sent", sessionId, time: t(-9), channel: "slack:#eng-triage", text: "Looking at issue 42" },
        ],
      },
    });
    expect(first.status(), await first.text()).toBe(200);
    const decision = await runtime.post("/api/v1/decisions", { data: { action: "issue.comment", target: { system: "github" }, sessionId, requestId: `r-${sessionId}` } });
    expect(decision.status(), await decision.text()).toBe(200);
    const later = await runtime.post("/api/v1/events", {
      data: {
        events: [
          { type: "tool_call", sessionId, time: t(5), tool: "github.comment", action: "issue.comment", params: { repo: "acme-corp/api", issue: 42, body: "Labelled bug" } },
          { type: "tool_result", sessionId, time: t(6), tool: "github.comment", ok: true, durationMs: 180 },
          { type: "usage", sessionId, time: t(7), model: "gpt-5", inputTokens: 1500, outputTokens: 250, costUsd: 0.0215 },
          { type: "session_end", sessionId, time: t(8), reason: "done" },
        ],
      },
    });
    expect(later.status(), await later.text()).toBe(200);
    await runtime.dispose();

    await signIn(page);
    await page.goto(`/bots/${botId}`);
    const section = page.getByTestId("bot-sessions");
    await expect(section.getByRole("link", { name: sessionId })).toBeVisible();
    await section.getByRole("link", { name: "All sessions" }).click();
    await expect(page.getByRole("heading", { name: "Runtime sessions of acme-triage-bot" })).toBeVisible();
    const row = page.getByTestId("runtime-session").filter({ hasText: sessionId });
    await expect(row).toContainText("$0.02");
    await expect(row).toContainText("1,500 / 250");
    await expect(row).toContainText("ended");
    await page.screenshot({ path: "/tmp/events-sessions.png", fullPage: true });
    await row.getByRole("link", { name: sessionId }).click();

    await expect(page.getByRole("heading", { name: `Session ${sessionId}` })).toBeVisible();
    const entries = page.getByTestId("timeline-entry");
    await expect(entries).toHaveCount(7);
    await expect(entries).toContainText([
      /started a runtime session/,
      /sent a message[\s\S]*to slack:#eng-triage: Looking at issue 42/,
      /was allowed an action[\s\S]*issue\.comment/,
      /called a tool[\s\S]*github\.comment/,
      /got a tool's result[\s\S]*succeeded in 180 ms/,
      /reported model usage[\s\S]*1,500 in, 250 out, \$0\.02/,
      /ended a runtime session/,
    ]);
    // what the tool call ran, as stored (PostgreSQL's jsonb orders the keys); its audit event is one click away
    const call = entries.nth(3);
    await expect(call.getByTestId("tool-params")).toHaveText('{"body":"Labelled bug","repo":"acme-corp/api","issue":42}');
    await page.screenshot({ path: "/tmp/events-timeline.png", fullPage: true });
    await call.getByRole("link", { name: /^Audit event: called a tool, / }).click();
    await expect(page).toHaveURL(/\/audit\/[0-9a-f-]{36}$/);
    await expect(page.getByText("acme-corp/api").first()).toBeVisible();
  });

  test("a bot with no runtime sessions says so", async ({ page }) => {
    await signIn(page);
    await page.goto(`/bots/${botIds["acme-deploy-bot"]}/sessions`);
    await expect(page.getByText("No runtime sessions yet")).toBeVisible();
    await page.goto(`/bots/${botIds["acme-deploy-bot"]}/sessions/no-such-session`);
    await expect(page.getByText("Session not found")).toBeVisible();
    // its Runtime card: nothing has reported for it
    await page.goto(`/bots/${botIds["acme-deploy-bot"]}`);
    const card = page.getByTestId("bot-runtime");
    await expect(card.getByTestId("runtime-status")).toHaveText("Never reported");
    await expect(card).toContainText("This bot's runtime has never reported");
  });

  test("the Runtime card shows which gateway enforces the bot, with its versions, and an enforcement gap", async ({ page, playwright }, testInfo) => {
    const botId = botIds["acme-triage-bot"]!;
    const created = await admin.post(`/api/v1/bots/${botId}/tokens`, { headers: { "x-csrf-token": csrf }, data: { name: "e2e gateway", expiresInDays: 1 } });
    expect(created.status()).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const runtime = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL!, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const sessionId = `e2e-gap-${randomUUID().slice(0, 8)}`;
    const now = new Date().toISOString();
    const res = await runtime.post("/api/v1/events", {
      data: {
        events: [
          { type: "heartbeat", time: now, runtime: "openclaw", runtimeVersion: "2026.9.6", plugin: "bridle", pluginVersion: "0.1.0", gateway: "gw-e2e.acme.internal" },
          { type: "tool_result", sessionId, time: now, toolCallId: "c1", tool: "exec", ok: true },
        ],
      },
    });
    expect(res.status(), await res.text()).toBe(200);
    await runtime.dispose();

    await signIn(page);
    await page.goto(`/bots/${botId}`);
    const card = page.getByTestId("bot-runtime");
    await expect(card.getByTestId("runtime-status")).toHaveText("Reporting");
    const gateway = card.getByTestId("runtime-gateway").filter({ hasText: "gw-e2e.acme.internal" });
    await expect(gateway).toContainText("openclaw 2026.9.6");
    await expect(gateway).toContainText("bridle 0.1.0");
    await expect(gateway).toContainText("just now");
    const gap = card.getByTestId("runtime-gap").filter({ hasText: sessionId });
    await expect(gap).toContainText("exec ran (call c1) without a matching Bridle decision in the session");
    await expect(page.getByTestId("bot-findings")).toContainText(/Enforcement gap in \d+ sessions?/);
    await card.screenshot({ path: "/tmp/bot-runtime-card.png" });
    await gap.getByRole("link", { name: sessionId }).click();
    await expect(page.getByRole("heading", { name: `Session ${sessionId}` })).toBeVisible();
  });
});
