// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/.data/**", "test-results/**", "playwright-report/**", "packages/db/migrations/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Use named exports (STYLE.md); default exports only where a tool requires them." },
      ],
    },
  },
  {
    files: ["**/*.config.{ts,js}", "**/global-setup.ts", "**/vite.config.ts", "playwright.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    // Module augmentation (Fastify, Vitest, TanStack Router) needs `interface`.
    files: ["apps/api/src/plugins/auth.ts", "apps/api/src/plugins/route-list.ts", "apps/api/test/global-setup.ts", "apps/console/src/app/router.tsx"],
    rules: { "@typescript-eslint/consistent-type-definitions": "off" },
  },
);
