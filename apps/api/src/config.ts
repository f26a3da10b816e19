import { ZRole, type TRole } from "@bridle/contracts";
import { z } from "zod";

/** Unset and empty mean the same (Compose and Helm often pass `VAR=`). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/**
 * BRIDLE_ENCRYPTION_KEY: 32 random bytes, as 64 hex characters or base64 / base64url
 * (`openssl rand -base64 32`). Encrypts stored secrets (the OIDC client secret) with AES-256-GCM.
 */
export function parseEncryptionKey(raw: string): Buffer | null {
  const s = raw.trim();
  if (/^[0-9a-f]{64}$/i.test(s)) return Buffer.from(s, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) return null;
  const key = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return key.length === 32 ? key : null;
}

/**
 * BRIDLE_OIDC_ROLE_MAPPING: `group=role` pairs separated by commas, e.g.
 * `okta-bridle-admins=admin,secops=security`. A group may map to several roles.
 */
export function parseRoleMapping(raw: string): { group: string; role: TRole }[] | string {
  const out: { group: string; role: TRole }[] = [];
  for (const part of raw.split(",").map((p) => p.trim()).filter(Boolean)) {
    const i = part.lastIndexOf("=");
    const group = i > 0 ? part.slice(0, i).trim() : "";
    const role = ZRole.safeParse(i > 0 ? part.slice(i + 1).trim() : "");
    if (!group || !role.success) return `"${part}" is not group=role (roles: ${ZRole.options.join(", ")})`;
    out.push({ group, role: role.data });
  }
  return out;
}

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
  /**
   * Which proxies' X-Forwarded-* headers count: `false` none; `true` or a number N: the N hops
   * nearest to Bridle (`true` = 1: the one load balancer every request passes through); otherwise
   * a comma-separated list of proxy addresses or CIDRs (the safest: only those peers are believed).
   * Never "every hop": the left-most X-Forwarded-For address is whatever the client wrote, and
   * audit events record the client's address.
   */
  BRIDLE_TRUST_PROXY: z
    .string()
    .default("false")
    .transform((v) => v.trim())
    .refine((v) => v === "true" || v === "false" || /^\d{1,2}$/.test(v) || /^[\da-fA-F.:/]+(\s*,\s*[\da-fA-F.:/]+)*$/.test(v), {
      message: "false, true (one proxy), a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs",
    })
    .transform((v): false | string | ((address: string, hop: number) => boolean) => {
      if (v === "false" || v === "0") return false;
      if (v !== "true" && !/^\d+$/.test(v)) return v;
      const hops = v === "true" ? 1 : Number(v);
      return (_address, hop) => hop < hops;
    }),
  /** The audit sealer chains new audit events this often (ms); 0: this process does not seal (another one does) */
  BRIDLE_AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  /**
   * Runtime event batches wait (up to 5 s, then 503 with Retry-After) while more audit events than
   * this wait to be chained, so a fleet reporting faster than the sealer keeps up cannot leave the
   * log ever further unchained; 0 turns the wait off
   */
  BRIDLE_AUDIT_MAX_UNSEALED_EVENTS: z.coerce.number().int().min(0).default(100_000),
  /** A signed audit checkpoint at least every this many sealed events ... */
  BRIDLE_AUDIT_CHECKPOINT_EVENTS: z.coerce.number().int().min(1).default(10_000),
  /** ... and every this many minutes while new events were sealed */
  BRIDLE_AUDIT_CHECKPOINT_MINUTES: z.coerce.number().min(0.01).default(5),
  /**
   * The audit checkpoint signing keys verification trusts, pinned outside the database: their kids
   * (RFC 7638 thumbprints, as /.well-known/jwks.json lists them), comma-separated (docs/AUDIT.md "Key trust")
   */
  BRIDLE_AUDIT_TRUSTED_KEYS: optional(
    z
      .string()
      .transform((v) => v.split(",").map((p) => p.trim()).filter(Boolean))
      .refine((pins) => pins.length > 0 && pins.every((p) => /^[A-Za-z0-9_-]{43}$/.test(p)), {
        message: "must be key thumbprints (the kid of each key in /.well-known/jwks.json: 43 base64url characters), comma-separated",
      }),
  ),
  /** Audit partition maintenance (next months' partitions) and retention run this often (minutes) */
  BRIDLE_AUDIT_MAINTENANCE_MINUTES: z.coerce.number().min(1).default(60),
  /** GET /metrics is on only when set, and answers only `Authorization: Bearer <this token>` (README "Bridle's own health") */
  BRIDLE_METRICS_TOKEN: optional(z.string().min(24, "must be at least 24 characters")),
  /** SIEM streaming (README "Streaming to the SIEM"): each destination is polled this often (ms); 0: this process does not deliver */
  BRIDLE_SIEM_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  /** Events per batch (one HTTP post, one syslog connection), 1..500 */
  BRIDLE_SIEM_BATCH: z.coerce.number().int().min(1).max(500).default(500),
  /** First wait after a failed batch (ms); it doubles per failure in a row, with jitter, up to BRIDLE_SIEM_RETRY_MAX_MS */
  BRIDLE_SIEM_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
  BRIDLE_SIEM_RETRY_MAX_MS: z.coerce.number().int().min(10).default(300_000),
  /** A batch not confirmed within this many ms counts as failed */
  BRIDLE_SIEM_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** The host name events carry (syslog HOSTNAME, HEC `host`); default: BRIDLE_PUBLIC_URL's host, else the machine's name */
  BRIDLE_SIEM_HOSTNAME: optional(z.string().trim().regex(/^[\x21-\x7e]{1,255}$/, "printable ASCII without spaces, at most 255 characters")),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Bridle's external URL (scheme, host, port), for the OIDC redirect URI; default: from the request */
  BRIDLE_PUBLIC_URL: optional(z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""))),
  BRIDLE_ENCRYPTION_KEY: optional(
    z.string().transform((v, ctx) => {
      const key = parseEncryptionKey(v);
      if (!key) {
        ctx.addIssue({ code: "custom", message: "must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)" });
        return z.NEVER;
      }
      return key;
    }),
  ),
  /** SSO configured by the environment (then read-only in the console) */
  /** exactly as the provider's discovery document spells `issuer` (a trailing slash matters) */
  BRIDLE_OIDC_ISSUER: optional(z.url({ protocol: /^https?$/ })),
  BRIDLE_OIDC_CLIENT_ID: optional(z.string().trim().min(1)),
  BRIDLE_OIDC_CLIENT_SECRET: optional(z.string().min(1)),
  BRIDLE_OIDC_SCOPES: optional(
    z
      .string()
      .transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .refine((s) => s.includes("openid"), "must include openid"),
  ),
  BRIDLE_OIDC_GROUPS_CLAIM: optional(z.string().trim().min(1)),
  BRIDLE_OIDC_ROLE_MAPPING: optional(
    z.string().transform((v, ctx) => {
      const parsed = parseRoleMapping(v);
      if (typeof parsed === "string") {
        ctx.addIssue({ code: "custom", message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  ),
  /**
   * Email notifications: `smtp://user:pass@host:port` (STARTTLS when offered) or
   * `smtps://user:pass@host:465` (TLS from the start); URL-encode special characters of the
   * password. Unset: the email channel is off (in-console and webhook still work).
   */
  BRIDLE_SMTP_URL: optional(z.url({ protocol: /^smtps?$/, error: "must be smtp://user:pass@host:port or smtps://..." })),
  /** The sender of notification emails: `bridle@acme.example` or `Bridle <bridle@acme.example>` (needed with BRIDLE_SMTP_URL) */
  BRIDLE_MAIL_FROM: optional(
    z
      .string()
      .trim()
      .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, "must be an address (bridle@acme.example) or a name and address (Bridle <bridle@acme.example>)"),
  ),
  /** Accept an `http://` issuer (a provider on the same host or a development network); off by default */
  BRIDLE_OIDC_ALLOW_HTTP: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
}).superRefine((c, ctx) => {
  const oidcVars = ["BRIDLE_OIDC_CLIENT_ID", "BRIDLE_OIDC_CLIENT_SECRET", "BRIDLE_OIDC_SCOPES", "BRIDLE_OIDC_GROUPS_CLAIM", "BRIDLE_OIDC_ROLE_MAPPING"] as const;
  const anySet = c.BRIDLE_OIDC_ISSUER !== undefined || oidcVars.some((k) => c[k] !== undefined);
  if (anySet && (!c.BRIDLE_OIDC_ISSUER || !c.BRIDLE_OIDC_CLIENT_ID))
    ctx.addIssue({ code: "custom", path: ["BRIDLE_OIDC_ISSUER"], message: "BRIDLE_OIDC_ISSUER and BRIDLE_OIDC_CLIENT_ID are both needed to configure SSO" });
  if (c.BRIDLE_SMTP_URL && !c.BRIDLE_MAIL_FROM)
    ctx.addIssue({ code: "custom", path: ["BRIDLE_MAIL_FROM"], message: "is needed with BRIDLE_SMTP_URL (the sender of notification emails)" });
  if (c.BRIDLE_OIDC_ISSUER?.startsWith("http:") && !c.BRIDLE_OIDC_ALLOW_HTTP)
    ctx.addIssue({ code: "custom", path: ["BRIDLE_OIDC_ISSUER"], message: "must be https:// (set BRIDLE_OIDC_ALLOW_HTTP=true only for a development provider)" });
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
