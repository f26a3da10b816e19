import { z } from "zod";

/**
 * Streaming the audit log (audit and runtime events) to the company's log platform (README
 * "Streaming to the SIEM"): syslog (RFC 5424 over TCP with TLS, octet-counted frames) or HTTP
 * (Splunk-HEC-compatible NDJSON batches). Each destination has a durable cursor: the last audit
 * chain position its receiver took.
 */
export const SIEM_KINDS = ["syslog", "http"] as const;
export const ZSiemKind = z.enum(SIEM_KINDS);
export type TSiemKind = z.infer<typeof ZSiemKind>;

export const SIEM_KIND_LABELS: Record<TSiemKind, string> = {
  syslog: "Syslog (RFC 5424 over TLS)",
  http: "HTTP (Splunk HEC)",
};

/** The most events one batch (one HTTP post, one syslog connection) carries. */
export const SIEM_BATCH_MAX = 500;

const pem = z
  .string()
  .max(100_000)
  .refine((v) => /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(v), "must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)");

/** `host:port` for syslog (IPv6 in brackets); checked again by the API with the kind. */
export const SYSLOG_ENDPOINT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253}):(\d{1,5})$/;

/** The endpoint's problem for its kind, or null (the API and the console's form use the same rule). */
export function siemEndpointProblem(kind: TSiemKind, endpoint: string): string | null {
  if (kind === "syslog") {
    const m = SYSLOG_ENDPOINT.exec(endpoint);
    if (!m) return "must be host:port, e.g. siem.example.com:6514";
    const port = Number(m[2]);
    return port >= 1 && port <= 65535 ? null : "the port must be between 1 and 65535";
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "must be a URL, e.g. https://splunk.example.com:8088/services/collector/event";
  }
  // the HEC token and the whole audit log travel to it: TLS, except to this machine (a local forwarder)
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) return "must start with https:// (http:// only for localhost)";
  if (url.username || url.password) return "must not hold a user or password (the HEC token goes in its own field)";
  return null;
}

export const ZSiemDestination = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: ZSiemKind,
    endpoint: z.string().describe("syslog: `host:port` (TLS); http: the collector URL, e.g. `https://splunk.example.com:8088/services/collector/event`"),
    tlsCaPem: z.string().nullable().describe("PEM of the CA(s) the receiver's certificate must chain to; null: the system's trusted CAs"),
    tlsVerify: z.boolean().describe("Whether the receiver's certificate and name are checked (keep true outside a lab)"),
    tokenHint: z.string().nullable().describe("The HEC token's last 4 characters (http); the token itself is never shown again"),
    enabled: z.boolean(),
    status: z
      .object({
        position: z.number().int().describe("The last audit chain position the receiver took (0: nothing yet)"),
        headPosition: z.number().int().describe("The audit chain's last position now"),
        lag: z.number().int().describe("Sealed audit events not yet delivered (headPosition - position)"),
        lagSeconds: z
          .number()
          .nullable()
          .describe("Seconds between the newest sealed event and the last delivered one (0 when caught up; null when nothing was delivered yet and the log is empty)"),
        delivered: z.number().int().describe("Events delivered since the destination was added (a retried batch counts again)"),
        lastDeliveredAt: z.string().nullable().describe("When the receiver last took a batch"),
        failures: z.number().int().describe("Failed attempts in a row since the last success"),
        lastError: z.string().nullable().describe("The last failure, as a sentence (never a secret)"),
        lastErrorAt: z.string().nullable(),
      })
      .describe("Where delivery stands"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "SiemDestination" });
export type TSiemDestination = z.infer<typeof ZSiemDestination>;

export const ZSiemDestinationList = z.object({ items: z.array(ZSiemDestination) }).meta({ id: "SiemDestinationList" });
export type TSiemDestinationList = z.infer<typeof ZSiemDestinationList>;

export const ZCreateSiemDestination = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: ZSiemKind,
    endpoint: z.string().trim().min(1).max(2000),
    tlsCaPem: pem.nullable().optional(),
    tlsVerify: z.boolean().default(true),
    token: z.string().min(1).max(500).optional().describe("http only, required there: the HEC token (sent as `Authorization: Splunk <token>`); stored encrypted"),
    enabled: z.boolean().default(true),
    startFrom: z
      .enum(["beginning", "now"])
      .default("beginning")
      .describe("`beginning`: send the whole retained log first; `now`: only events sealed from now on"),
  })
  .strict()
  .meta({ id: "CreateSiemDestination" });
export type TCreateSiemDestination = z.input<typeof ZCreateSiemDestination>;

export const ZUpdateSiemDestination = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    endpoint: z.string().trim().min(1).max(2000).optional(),
    tlsCaPem: pem.nullable().optional(),
    tlsVerify: z.boolean().optional(),
    token: z.string().min(1).max(500).optional().describe("http only: a new HEC token"),
    enabled: z.boolean().optional().describe("false: delivery stops where it is (the cursor stays); true: it resumes from there"),
  })
  .strict()
  .meta({ id: "UpdateSiemDestination" });
export type TUpdateSiemDestination = z.input<typeof ZUpdateSiemDestination>;

export const ZSiemTestResult = z
  .object({
    ok: z.boolean(),
    message: z.string().describe("What happened, as a sentence"),
    durationMs: z.number().int(),
  })
  .meta({ id: "SiemTestResult" });
export type TSiemTestResult = z.infer<typeof ZSiemTestResult>;
