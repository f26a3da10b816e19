import { z } from "zod";

/** Process configuration, read once from the environment (README "Configuration"). */
const ZConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().optional(),
  BRIDLE_DATA_DIR: z.string().optional(),
  BRIDLE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  BRIDLE_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  BRIDLE_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").optional(),
  BRIDLE_BOOTSTRAP_ADMIN_TOKEN: z.string().min(24, "must be at least 24 characters").optional(),
  BRIDLE_SEED_FILE: z.string().optional(),
  BRIDLE_SEED: z.enum(["demo", "none"]).default("demo"),
  BRIDLE_SESSION_TTL_HOURS: z.coerce.number().min(0.1).max(24 * 30).default(12),
  BRIDLE_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  BRIDLE_CONSOLE_DIR: z.string().optional(),
  BRIDLE_SECURE_COOKIES: z.enum(["auto", "true", "false"]).default("auto"),
  BRIDLE_TRUST_PROXY: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type Config = z.infer<typeof ZConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZConfig.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
