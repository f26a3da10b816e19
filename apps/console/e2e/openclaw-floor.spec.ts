import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, signIn } from "./fixtures.ts";

/**
 * A bot's OpenClaw static floor on its page: what the generated config allows and why, the
 * snippet for another agent id, a copy button, and the JSON5 download that matches the snippet.
 */
test("the bot page shows the OpenClaw static floor to copy or download", async ({ page, playwright }, testInfo) => {
  const admin = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL! });
  expect((await admin.post("/auth/local/login", { data: { email: E2E_ADMIN_EMAIL, password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
  const found = (await (await admin.get("/api/v1/bots?q=acme-deploy-bot")).json()) as { items: { id: string; name: string }[] };
  const botId = found.items.find((b) => b.name === "acme-deploy-bot")!.id;
  const expected = (await (await admin.get(`/api/v1/bots/${botId}/openclaw-config?agentId=deploy&scope=agent`)).json()) as { execMode: string; snippet: string };
  await admin.dispose();

  await signIn(page);
  await page.goto(`/bots/${botId}`);
  const section = page.getByTestId("bot-openclaw-floor");
  await expect(section.getByRole("heading", { name: "Static floor (OpenClaw)" })).toBeVisible();
  await expect(section.getByTestId("openclaw-snippet")).toContainText('// Bridle static floor for bot acme-deploy-bot (OpenClaw agent "main")');
  await expect(section.getByRole("table", { name: "OpenClaw tools by Bridle action" }).getByRole("row")).toHaveCount(12);

  await section.getByLabel("OpenClaw agent id").fill("Deploy Bot");
  await expect(section.getByText("an OpenClaw agent id: 1-64 lowercase letters")).toBeVisible();
  await section.getByLabel("OpenClaw agent id").fill("deploy");
  await section.getByText("Shared gateway").click();
  await expect(section.getByTestId("openclaw-snippet")).toHaveText(expected.snippet.trimEnd());
  await expect(section.getByTestId("openclaw-exec-mode")).toHaveText(expected.execMode);
  await expect(section.getByRole("button", { name: "Copy snippet" })).toBeVisible();

  const downloading = page.waitForEvent("download");
  await section.getByRole("link", { name: "Download openclaw.acme-deploy-bot.json5" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("openclaw.acme-deploy-bot.json5");
  expect(await readFile((await download.path())!, "utf8")).toBe(expected.snippet);
  await page.screenshot({ path: "/tmp/openclaw-floor.png", fullPage: true });
});
