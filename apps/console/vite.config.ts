import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

const PROXIED_PATHS = ["/api", "/auth", "/healthz", "/openapi.json", "/docs"];

// Vite requires the config as the default export.
export default defineConfig(({ mode }) => {
  // BRIDLE_API_URL (from the environment or a .env file) points the dev proxy at another API.
  const target = loadEnv(mode, ".", "BRIDLE_").BRIDLE_API_URL ?? "http://127.0.0.1:3000";
  const proxy = Object.fromEntries(PROXIED_PATHS.map((path) => [path, { target }]));
  return {
    plugins: [react()],
    server: { proxy },
    preview: { proxy },
    build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  };
});
