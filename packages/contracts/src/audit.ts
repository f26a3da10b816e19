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
export const AUDIT_BREAK_KINDS = ["edited", "deleted", "inserted", "reordered", "bad_signature", "missing_checkpoint", "truncated"] as const;
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
    durationMs: z.number().int(),
  })
  .meta({ id: "AuditVerifyReport" });
export type TAuditVerifyReport = z.infer<typeof ZAuditVerifyReport>;
