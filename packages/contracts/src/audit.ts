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
