import { z } from "zod";
import { ZPageQuery, ZTimestamp, page } from "./common.ts";

/** Who acted, as the server saw it: a person, an API token, a bot's runtime, or Bridle itself. */
export const AUDIT_ACTOR_TYPES = ["person", "token", "bot", "system"] as const;
export const AUDIT_OUTCOMES = ["success", "failure", "denied"] as const;

/** One audit event (DESIGN.md "Audit event"): who, when, what resource, what action, outcome, request id. */
export const ZAuditEvent = z
  .object({
    id: z.uuid(),
    /** the order events were written in (database sequence); newer events have larger numbers */
    seq: z.number().int(),
    at: ZTimestamp,
    actor: z.object({ type: z.enum(AUDIT_ACTOR_TYPES), id: z.string().nullable(), label: z.string().nullable() }),
    action: z.string().describe("e.g. `policy.update`, `bot.update`, `approval.approve`, `decision.deny`"),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    outcome: z.enum(AUDIT_OUTCOMES),
    requestId: z.string().nullable().describe("the HTTP request id (`x-request-id`) that caused the event"),
    sessionId: z.string().nullable().describe("the bot runtime's session id, for events of a runtime session (decisions, approval requests)"),
    sourceIp: z.string().nullable().describe("the client's address as the server saw it (behind a proxy: only with BRIDLE_TRUST_PROXY)"),
    userAgent: z.string().nullable().describe("the client's User-Agent header, cut at 512 characters"),
    details: z.record(z.string(), z.unknown()).describe("what changed, typed per action (before/after values where the action records them)"),
  })
  .meta({ id: "AuditEvent" });
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

/** `GET /api/v1/audit-events`: every filter narrows (AND); newest first. */
export const ZAuditEventsQuery = ZPageQuery.extend({
  actorType: z.enum(AUDIT_ACTOR_TYPES).optional(),
  actorId: z.string().max(200).optional().describe("a person's or bot's id, or a token's id"),
  action: z.string().max(100).optional().describe("exact action, or a prefix ending in `.` (e.g. `approval.`)"),
  botId: z
    .uuid()
    .optional()
    .describe("events about one bot: it acted (its runtime), it was acted on (`resourceType` `bot`), or it is the subject (`details.botId`, e.g. its approval requests)"),
  resourceType: z.string().max(100).optional(),
  resourceId: z.string().max(200).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  requestId: z.string().max(128).optional(),
  sessionId: z.string().max(200).optional().describe("a bot runtime's session id: that session's events"),
  from: ZTimestamp.optional().describe("events at or after this instant"),
  to: ZTimestamp.optional().describe("events before this instant"),
});
export type TAuditEventsQuery = z.infer<typeof ZAuditEventsQuery>;

export const ZAuditEventPage = page(ZAuditEvent).meta({ id: "AuditEventPage" });

/** `GET /api/v1/audit-events/export`: the list's filters (no paging) and the format. */
export const ZAuditExportQuery = ZAuditEventsQuery.omit({ limit: true, cursor: true }).extend({
  format: z.enum(["ndjson", "csv"]).default("ndjson").describe("`ndjson` (one JSON record a line) or `csv` (one record a row, the record's JSON in column `data`)"),
});
export type TAuditExportQuery = z.infer<typeof ZAuditExportQuery>;

/** What verification found broken (docs/AUDIT.md "Verification"). */
export const AUDIT_BREAK_KINDS = ["edited", "deleted", "inserted", "reordered", "bad_signature", "untrusted_key", "missing_checkpoint", "truncated"] as const;
export const ZAuditProblem = z
  .object({
    kind: z.enum(AUDIT_BREAK_KINDS),
    position: z.number().int().nullable().describe("the chain position where it broke, when there is one"),
    eventId: z.string().nullable(),
    checkpoint: z.number().int().nullable().describe("the checkpoint number concerned, when there is one"),
    message: z.string(),
  })
  .meta({ id: "AuditProblem" });
export type TAuditProblem = z.infer<typeof ZAuditProblem>;

const ZHash = z.string().regex(/^[0-9a-f]{64}$/).describe("SHA-256, lowercase hex");

/**
 * What vouches for the keys that sign checkpoints, besides the database that stores them
 * (docs/AUDIT.md "Key trust"): `pinned_thumbprints` (BRIDLE_AUDIT_TRUSTED_KEYS), `jwks` (an
 * auditor's copy of the JWKS, `pnpm bridle audit verify --jwks`), `encryption_key` (each stored
 * private key decrypts with BRIDLE_ENCRYPTION_KEY and derives the public key listed).
 */
export const AUDIT_KEY_ANCHORS = ["pinned_thumbprints", "jwks", "encryption_key"] as const;
/**
 * Why a signing key is not trusted: `kid_mismatch` (its kid is not its RFC 7638 thumbprint),
 * `not_ed25519`, `not_pinned`, `not_in_jwks`, `unencrypted` (its private key is stored in clear
 * although BRIDLE_ENCRYPTION_KEY is set), `undecryptable` (it does not decrypt with it),
 * `public_key_mismatch` (it decrypts, but derives another public key than the one listed).
 */
export const AUDIT_KEY_DISTRUST = ["kid_mismatch", "not_ed25519", "not_pinned", "not_in_jwks", "unencrypted", "undecryptable", "public_key_mismatch"] as const;
/**
 * Verification warnings (the log may verify and still be forgeable): `anchored_in_database`:
 * nothing outside the database vouches for the signing keys, so someone who can write it can add
 * a key and re-sign a rewritten log; `private_keys_readable`: a trusted key's private key is stored
 * in clear (BRIDLE_ENCRYPTION_KEY unset), so someone who can read the database can sign with
 * Bridle's own key, which no pin or JWKS tells apart.
 */
export const AUDIT_VERIFY_WARNINGS = ["anchored_in_database", "private_keys_readable"] as const;

export const ZAuditKeyTrust = z
  .object({
    anchors: z.array(z.enum(AUDIT_KEY_ANCHORS)).describe("what vouches for the keys; empty: only the database"),
    warnings: z
      .array(z.enum(AUDIT_VERIFY_WARNINGS))
      .describe(
        "`anchored_in_database`: no anchor is configured, so anyone who can write the database can add a key and re-sign forged checkpoints; " +
          "`private_keys_readable`: a trusted key's private key is stored unencrypted, so anyone who can read the database can sign with it",
      ),
    keys: z.array(
      z.object({
        kid: z.string().describe("the key id: its RFC 7638 thumbprint"),
        createdAt: z.string().nullable().describe("when the key row was created (null: a key known only from a JWKS)"),
        retiredAt: z.string().nullable(),
        trusted: z.boolean(),
        distrust: z.enum(AUDIT_KEY_DISTRUST).nullable().describe("why it is not trusted"),
        checkpoints: z.number().int().describe("checkpoints it signed, among those verified"),
      }),
    ),
  })
  .meta({ id: "AuditKeyTrust" });
export type TAuditKeyTrust = z.infer<typeof ZAuditKeyTrust>;

/** `GET /api/v1/audit/verify`: the whole chain recomputed, every checkpoint checked. */
export const ZAuditVerifyReport = z
  .object({
    ok: z.boolean().describe("true when nothing is broken; pending unsealed events do not make it false"),
    checkedAt: ZTimestamp,
    start: z
      .object({ position: z.number().int(), hash: ZHash, run: z.number().int(), runHash: ZHash, checkpoint: z.number().int().nullable() })
      .describe("where the chain is verified from: position 0 (the genesis) or the latest retention cut"),
    chain: z.object({ first: z.number().int().nullable(), last: z.number().int().nullable(), count: z.number().int(), head: ZHash }),
    eventsChecked: z.number().int(),
    runs: z.number().int(),
    checkpoints: z.object({
      count: z.number().int(),
      last: z
        .object({ number: z.number().int(), id: z.string(), kind: z.string(), position: z.number().int(), createdAt: z.string(), kid: z.string() })
        .nullable(),
    }),
    uncheckpointed: z.number().int().describe("chain positions after the last checkpoint (tamper-evident once a checkpoint covers them)"),
    unsealed: z.object({ count: z.number().int(), pending: z.number().int().describe("unsealed events the sealer will still chain") }),
    firstBreak: ZAuditProblem.nullable().describe("the first broken link, or null"),
    problems: z.array(ZAuditProblem).describe("the first 50 problems found"),
    problemCount: z.number().int(),
    keyTrust: ZAuditKeyTrust.describe("what vouched for the checkpoints' signing keys (docs/AUDIT.md \"Key trust\")"),
    durationMs: z.number().int(),
  })
  .meta({ id: "AuditVerifyReport" });
export type TAuditVerifyReport = z.infer<typeof ZAuditVerifyReport>;
