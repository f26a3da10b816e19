import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { adminApi, botIdByName, runtimeOf, signInWithDemoSso } from "./fixtures.ts";

/**
 * Incident response through the console, as security does it: a runtime of acme-meetup-bot
 * (aisha.rahman's) tries to post to Telegram six times in one session and is denied each time; the
 * alert evaluator (every minute) raises a "denied decisions" alert; Omar Haddad (security) follows
 * it to the session's events, pauses the bot with the kill switch (confirming, with a reason),
 * opens an incident from the alert's evidence, and exports its one-page summary.
 */
test.describe("incident response", () => {
  // acme-meetup-bot posts to Telegram, which the demo org blocklists; no other spec uses it
  const BOT = "acme-meetup-bot";
  const sessionId = `e2e-burst-${randomUUID().slice(0, 8)}`;
  let admin: APIRequestContext;
  let runtime: APIRequestContext;
  let botId: string;
  let csrf: string;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL!;
    ({ admin, csrf } = await adminApi(playwright.request, baseURL));
    botId = await botIdByName(admin, BOT);
    runtime = await runtimeOf({ request: playwright.request, baseURL, admin, csrf, botId, tokenName: "e2e incident runtime" });
    const started = await runtime.post("/api/v1/events", { data: { events: [{ type: "session_start", sessionId, time: new Date().toISOString() }] } });
    expect(started.status(), await started.text()).toBe(200);
    for (let i = 0; i < 6; i++) {
      const res = await runtime.post("/api/v1/decisions", {
        data: { action: "message.post", target: { channel: "telegram" }, params: { text: `customer list part ${i}` }, requestId: randomUUID(), sessionId },
      });
      expect(((await res.json()) as { decision: string }).decision).toBe("deny");
    }
  });
  test.afterAll(async () => {
    // resume what this spec engaged, so later specs see the bot as the demo has it
    const status = (await (await admin.get("/api/v1/kill-switch/status")).json()) as { engaged: { id: string; scope: { label: string } }[] };
    for (const s of status.engaged.filter((x) => x.scope.label === BOT))
      await admin.post(`/api/v1/kill-switch/${s.id}/resume`, { headers: { "x-csrf-token": csrf }, data: { reason: "End of the incident-response test" } });
    await runtime?.dispose();
    await admin?.dispose();
  });

  test("security follows an alert to the session, pauses the bot with the kill switch, opens an incident and exports it", async ({ page }) => {
    test.setTimeout(180_000);
    await signInWithDemoSso(page, /Omar Haddad/, "/alerts");
    // The evaluator runs every minute: the alert shows within one run.
    const alertLink = page.getByRole("link", { name: new RegExp(`^${BOT}: \\d+ denied decisions in \\d+ min$`) });
    await expect(async () => {
      await page.reload();
      await expect(alertLink).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 100_000, intervals: [3_000] });
    await alertLink.click();

    // The evidence: the session the denials came from.
    await page.getByRole("link", { name: `Open the session ${sessionId}` }).click();
    await expect(page.getByRole("heading", { name: `Session ${sessionId}` })).toBeVisible();
    await expect(page.getByText("telegram").first()).toBeVisible();

    // Stop the bleeding: pause the bot with the kill switch, with a reason, after confirming.
    await page.goto(`/bots/${botId}`);
    await page.getByRole("button", { name: "Pause with kill switch" }).click();
    const engage = page.getByRole("dialog", { name: `Pause ${BOT} with the kill switch` });
    await engage.getByRole("textbox", { name: "Reason" }).fill("Repeated attempts to post customer data to Telegram");
    await engage.getByRole("button", { name: "Review" }).click();
    const confirm = page.getByRole("dialog", { name: "Engage the kill switch?" });
    await expect(confirm.getByTestId("kill-switch-count")).toContainText("1 bot");
    await confirm.getByRole("button", { name: "Pause now" }).click();
    await expect(page.getByTestId("kill-switch-banner")).toBeVisible();
    // Its next decision is denied, naming the switch.
    const next = await runtime.post("/api/v1/decisions", { data: { action: "calendar.read", requestId: randomUUID(), sessionId } });
    const verdict = (await next.json()) as { decision: string; reasons: { code: string }[] };
    expect(verdict.decision).toBe("deny");
    expect(verdict.reasons[0]!.code).toBe("kill_switch");

    // Open an incident from one of the alert's audit events.
    await page.goBack();
    await page.goto("/alerts");
    await alertLink.click();
    await page.getByRole("link", { name: /^Audit event / }).first().click();
    await page.getByRole("link", { name: "Open incident" }).click();
    await page.getByRole("textbox", { name: "Title" }).fill("Triage bot tried to post customer data to Telegram");
    await page.getByRole("textbox", { name: "What happened" }).fill("Six denied posts in one session; paused with the kill switch.");
    await page.getByRole("button", { name: "Declare incident" }).click();
    await expect(page.getByRole("heading", { name: "Triage bot tried to post customer data to Telegram" })).toBeVisible();
    const radius = page.getByRole("region", { name: "Blast radius" });
    await expect(radius.getByRole("link", { name: BOT })).toBeVisible();
    // the kill switch is among the response actions the log recorded
    await expect(radius.getByRole("link", { name: "kill_switch.engage" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Evidence" }).getByRole("link", { name: /^decision\.deny/ })).toBeVisible();

    // Export the one-page summary.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Summary (Markdown)" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^incident-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.md$/);
    const text = readFileSync((await file.path())!, "utf8");
    expect(text).toContain("# Triage bot tried to post customer data to Telegram");
    expect(text).toContain(BOT);
    expect(text).toContain("kill\\_switch.engage");
  });

  test("IT reads an incident's blast radius, and is told who sees its audit evidence instead of the evidence", async ({ page }) => {
    // security's record of the incident, with an audit event of the bot as evidence and a note
    const events = (await (await admin.get(`/api/v1/audit-events?limit=1&botId=${botId}`)).json()) as { items: { id: string }[] };
    expect(events.items.length).toBe(1);
    const declared = await admin.post("/api/v1/incidents", {
      headers: { "x-csrf-token": csrf },
      data: { title: "Meetup bot evidence check", severity: "medium", botIds: [botId], evidence: [{ auditEventId: events.items[0]!.id, note: "note for security only" }] },
    });
    expect(declared.status(), await declared.text()).toBe(201);
    const { id } = (await declared.json()) as { id: string };

    await page.goto(`/incidents/${id}`);
    await page.getByRole("button", { name: "Sign in with SSO" }).click();
    await page.getByRole("button", { name: /Sam Taylor/ }).click();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.goto(`/incidents/${id}`);
    await expect(page.getByRole("heading", { name: "Meetup bot evidence check" })).toBeVisible();
    // the inventory stays
    await expect(page.getByRole("region", { name: "Blast radius" }).getByRole("link", { name: BOT })).toBeVisible();
    // the evidence does not: a count and who sees it, no table, no note
    const evidence = page.getByRole("region", { name: "Evidence" });
    await expect(evidence.getByTestId("evidence-hidden")).toHaveText("1 audit event is linked. Audit evidence is visible to security, admins and auditors.");
    await expect(evidence.getByRole("table")).toHaveCount(0);
    await expect(page.getByText("note for security only")).toHaveCount(0);
  });
});

