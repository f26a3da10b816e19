import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
/** A second server, on an organization started from empty (BRIDLE_SEED=none), for empty-org.spec.ts. */
const EMPTY_PORT = Number(process.env.E2E_EMPTY_PORT ?? PORT + 200);
const EMPTY_SPEC = "**/empty-org.spec.ts";

/**
 * End-to-end tests drive Debian's Chromium (no browser downloads) against the real server on a
 * fresh PostgreSQL database (see apps/console/e2e/serve.ts), with the built console.
 */
export default defineConfig({
  testDir: "apps/console/e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "demo", testIgnore: EMPTY_SPEC },
    { name: "empty-org", testMatch: EMPTY_SPEC, use: { baseURL: `http://127.0.0.1:${EMPTY_PORT}` } },
  ],
  webServer: [
    {
      command: "pnpm exec tsx apps/console/e2e/serve.ts",
      url: `http://127.0.0.1:${PORT}/readyz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: { PORT: String(PORT), HOST: "127.0.0.1" },
    },
    {
      command: "pnpm exec tsx apps/console/e2e/serve.ts",
      url: `http://127.0.0.1:${EMPTY_PORT}/readyz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: { PORT: String(EMPTY_PORT), HOST: "127.0.0.1", E2E_SEED: "none", BRIDLE_BOOTSTRAP_ADMIN_EMAIL: "admin@acme.example" },
    },
  ],
});
