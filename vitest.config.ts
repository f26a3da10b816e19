import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/api/src/**/*.test.ts", "apps/console/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["apps/api/src/**/*.int.test.ts", "packages/sdk/src/**/*.int.test.ts", "packages/openclaw-plugin/src/**/*.int.test.ts"],
          globalSetup: ["apps/api/test/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // A real OpenClaw (installed once into a cache directory) with the Bridle plugin, against a real Bridle.
        test: {
          name: "openclaw",
          include: ["packages/openclaw-plugin/e2e/**/*.e2e.test.ts"],
          globalSetup: ["apps/api/test/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
