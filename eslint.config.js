// @ts-check
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import { boundaryZones, NOT_CHECKED } from "./scripts/module-boundaries.js";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/.data/**", "test-results/**", "playwright-report/**", "packages/db/migrations/**", "scripts/fixtures/**"] },
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
  {
    // Module boundaries (docs/ARCHITECTURE.md): modules call each other only through index.ts,
    // along the edges of scripts/module-boundaries.js; lib/ and plugins/ never import a module.
    files: ["apps/api/src/**/*.ts"],
    ignores: NOT_CHECKED,
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js"] })] },
    rules: { "import-x/no-restricted-paths": ["error", boundaryZones(import.meta.dirname)] },
  },
);
