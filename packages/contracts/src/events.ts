import { z } from "zod";
import { ZTimestamp } from "./common-exports.ts";
import { ZFieldError } from "./field-errors.ts";

/**
 * Runtime events (`POST /api/v1/events`, bot runtime token): what an agent runtime did, reported
 * in batches. Each accepted event is stored as an audit event of its bot (`runtime.<type>`,
 * chained and retained like every other audit event; DESIGN.md "Audit").
 */

/** At most this many events in one batch (`POST /api/v1/events`); more is answered 413 `payload_too_large`. */
export const RUNTIME_EVENTS_MAX_BATCH = 1000;
/** At most this many bytes of one event as JSON (UTF-8), all its fields together. */
export const RUNTIME_EVENT_MAX_BYTES = 16 * 1024;
/** At most this many bytes (JSON, UTF-8) of a free-form value: a tool call's `params`, a result's `result`. */
export const RUNTIME_EVENT_VALUE_MAX_BYTES = 8 * 1024;

export const RUNTIME_EVENT_TYPES = ["session_start", "session_end", "tool_call", "tool_result", "message_sent", "error", "usage", "heartbeat"] as const;
export const ZRuntimeEventType = z.enum(RUNTIME_EVENT_TYPES);
export type TRuntimeEventType = z.infer<typeof ZRuntimeEventType>;

const utf8 = new TextEncoder();
/** UTF-8 bytes of `value` as JSON (undefined counts as 0). */
export const jsonBytes = (value: unknown): number => {
  if (value === undefined) return 0;
  const s = JSON.stringify(value);
  // Every UTF-16 code unit is at most 3 UTF-8 bytes: skip the encoding when it cannot matter.
  return s.length * 3 <= RUNTIME_EVENT_VALUE_MAX_BYTES ? s.length : utf8.encode(s).length;
};

/** A free-form JSON value of at most RUNTIME_EVENT_VALUE_MAX_BYTES (strings in it longer than that are refused too). */
const boundedValue = (what: string) =>
  z
    .unknown()
    .optional()
    .refine((v) => jsonBytes(v) <= RUNTIME_EVENT_VALUE_MAX_BYTES, `must be at most ${RUNTIME_EVENT_VALUE_MAX_BYTES} bytes as JSON`)
    .describe(`${what}; at most ${RUNTIME_EVENT_VALUE_MAX_BYTES} bytes as JSON. Strings that look like secrets are stored as \`[redacted: <rule>]\``);

const name = (max = 200) => z.string().min(1).max(max);

/** Fields every event has. */
const base = {
  id: z.uuid().optional().describe("The runtime's id for this event (a UUID); a retry with the same id is stored once. Bridle assigns one when absent"),
  sessionId: name().describe("The runtime's session id (the same `sessionId` its decision requests carry)"),
  time: z.iso.datetime({ offset: true }).describe("When it happened, by the runtime's clock (ISO 8601 with offset)"),
};

export const ZSessionStartEvent = z
  .object({
    type: z.literal("session_start"),
    ...base,
    agent: name().optional().describe("The runtime's agent id or name"),
    model: name().optional(),
    channel: name().optional().describe("Where the session was started from, e.g. `slack:#ops`"),
  })
  .strict()
  .meta({ id: "RuntimeSessionStartEvent" });

export const ZSessionEndEvent = z
  .object({ type: z.literal("session_end"), ...base, reason: name(500).optional() })
  .strict()
  .meta({ id: "RuntimeSessionEndEvent" });

export const ZToolCallEvent = z
  .object({
    type: z.literal("tool_call"),
    ...base,
    toolCallId: name().optional().describe("The runtime's id of the call; its `tool_result` carries the same"),
    tool: name(),
    action: name(100).optional().describe("The Bridle action the call was mapped to, e.g. `shell.exec`"),
    decisionRequestId: name().optional().describe("The `requestId` of the decision request that let it run, if one was asked"),
    params: boundedValue("The call's parameters"),
  })
  .strict()
  .meta({ id: "RuntimeToolCallEvent" });

export const ZToolResultEvent = z
  .object({
    type: z.literal("tool_result"),
    ...base,
    toolCallId: name().optional(),
    tool: name(),
    ok: z.boolean(),
    durationMs: z.number().int().min(0).max(86_400_000).optional().describe("How long the call ran, in milliseconds"),
    error: name(2000).optional(),
    result: boundedValue("What the tool returned (or a summary of it)"),
  })
  .strict()
  .meta({ id: "RuntimeToolResultEvent" });

export const ZMessageSentEvent = z
  .object({
    type: z.literal("message_sent"),
    ...base,
    channel: name().describe("Where it was posted, e.g. `slack:#ops` or `telegram`"),
    to: name().optional(),
    messageId: name().optional(),
    text: z.string().max(4000).optional().describe("The message (at most 4,000 characters; secrets redacted)"),
  })
  .strict()
  .meta({ id: "RuntimeMessageSentEvent" });

export const ZErrorEvent = z
  .object({
    type: z.literal("error"),
    ...base,
    message: name(2000),
    code: name(100).optional(),
    toolCallId: name().optional(),
  })
  .strict()
  .meta({ id: "RuntimeErrorEvent" });

export const ZUsageEvent = z
  .object({
    type: z.literal("usage"),
    ...base,
    model: name(),
    inputTokens: z.number().int().min(0).max(1e9),
    outputTokens: z.number().int().min(0).max(1e9),
    costUsd: z.number().min(0).max(1e6).describe("Cost in US dollars"),
  })
  .strict()
  .meta({ id: "RuntimeUsageEvent" });

export const ZHeartbeatEvent = z
  .object({
    type: z.literal("heartbeat"),
    ...base,
    sessionId: name().optional().describe("Heartbeats belong to no session unless the runtime says so"),
    runtime: name(100).describe("e.g. `openclaw`"),
    runtimeVersion: name(100).optional(),
    plugin: name(100).optional(),
    pluginVersion: name(100).optional(),
    gateway: name().optional().describe("The runtime instance (gateway) reporting"),
  })
  .strict()
  .meta({ id: "RuntimeHeartbeatEvent" });

/** One runtime event, by `type`. At most RUNTIME_EVENT_MAX_BYTES as JSON. */
export const ZRuntimeEvent = z
  .discriminatedUnion("type", [ZSessionStartEvent, ZSessionEndEvent, ZToolCallEvent, ZToolResultEvent, ZMessageSentEvent, ZErrorEvent, ZUsageEvent, ZHeartbeatEvent])
  .refine((e) => jsonBytes(e) <= RUNTIME_EVENT_MAX_BYTES, `must be at most ${RUNTIME_EVENT_MAX_BYTES} bytes as JSON`)
  .meta({ id: "RuntimeEvent" });
export type TRuntimeEvent = z.input<typeof ZRuntimeEvent>;
export type TRuntimeEventParsed = z.infer<typeof ZRuntimeEvent>;

/** The body of `POST /api/v1/events`. */
export const ZRuntimeEventBatch = z
  .object({ events: z.array(ZRuntimeEvent).min(1).max(RUNTIME_EVENTS_MAX_BATCH) })
  .strict()
  .meta({ id: "RuntimeEventBatch" });
export type TRuntimeEventBatch = z.input<typeof ZRuntimeEventBatch>;

/**
 * The body as the route reads it: the events unchecked, so each is validated on its own and
 * reported by its index (a body that fails this is answered 400 as a whole).
 */
export const ZRuntimeEventBatchEnvelope = z.object({ events: z.array(z.unknown()).min(1) }).strict();

export const ZRuntimeEventsQuery = z
  .object({
    partial: z
      .enum(["true", "false"])
      .default("false")
      .transform((v) => v === "true")
      .describe("`true`: store the valid events of a batch that has invalid ones (answered 200 with `rejected`); `false` (default): store none of such a batch (400)"),
  })
  .strict();

/** One rejected event: its index in the batch and its field errors (paths inside the event). */
export const ZRejectedRuntimeEvent = z
  .object({ index: z.number().int().min(0), fields: z.array(ZFieldError) })
  .meta({ id: "RejectedRuntimeEvent" });
export type TRejectedRuntimeEvent = z.infer<typeof ZRejectedRuntimeEvent>;

/**
 * 200 answer of `POST /api/v1/events`, sent only after the events are committed.
 * 400 `validation_failed` (no `partial`, some events invalid: none stored) carries the same
 * `rejected` list in `error.details.rejected`, and `error.details.fields` with paths `events.<index>.<field>`.
 */
export const ZRuntimeEventBatchResult = z
  .object({
    accepted: z.number().int().describe("Events of the batch now stored (new or stored before under the same id)"),
    duplicates: z.number().int().describe("Of those, events this bot had already stored under the same `id` (a retry, also one sent while the first try was still being written) or repeated within this batch; not stored twice"),
    rejected: z.array(ZRejectedRuntimeEvent).describe("Invalid events, by index; empty unless `partial=true`"),
    ids: z.array(z.uuid().nullable()).describe("Per index: the event's id, or null for a rejected event"),
  })
  .meta({ id: "RuntimeEventBatchResult" });
export type TRuntimeEventBatchResult = z.infer<typeof ZRuntimeEventBatchResult>;

/** One of a bot's runtime sessions (`GET /api/v1/bots/{id}/sessions`). */
export const ZRuntimeSession = z
  .object({
    sessionId: z.string(),
    botId: z.uuid(),
    firstAt: ZTimestamp.describe("Earliest event time (runtime's clock)"),
    lastAt: ZTimestamp.describe("Latest event time (runtime's clock)"),
    events: z.number().int(),
    toolCalls: z.number().int(),
    errors: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    ended: z.boolean().describe("A `session_end` event was received"),
  })
  .meta({ id: "RuntimeSession" });
export type TRuntimeSession = z.infer<typeof ZRuntimeSession>;

export const ZRuntimeSessionPage = z
  .object({ items: z.array(ZRuntimeSession), nextCursor: z.string().nullable() })
  .meta({ id: "RuntimeSessionPage" });

/** One entry of a session's story: a runtime event, a decision, or an approval step. */
export const ZSessionTimelineEntry = z
  .object({
    eventId: z.uuid().describe("The audit event's id"),
    at: ZTimestamp.describe("For runtime events, the runtime's time; for decisions and approvals, Bridle's"),
    recordedAt: ZTimestamp.describe("When Bridle recorded it"),
    kind: z.enum(["runtime", "decision", "approval"]),
    action: z.string().describe("The audit action, e.g. `runtime.tool_call`, `decision.deny`, `approval.approve`"),
    outcome: z.enum(["success", "denied", "failure"]),
    actorLabel: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: "SessionTimelineEntry" });
export type TSessionTimelineEntry = z.infer<typeof ZSessionTimelineEntry>;

export const ZSessionTimeline = z
  .object({ session: ZRuntimeSession.nullable(), items: z.array(ZSessionTimelineEntry), truncated: z.boolean() })
  .meta({ id: "SessionTimeline" });
export type TSessionTimeline = z.infer<typeof ZSessionTimeline>;

/**
 * A bot's runtime is silent (finding `runtime_silent`) when it has sent heartbeats before and none
 * for this many minutes (Bridle's clock). Heartbeats go every 60 s by default (SDK, plugin).
 */
export const RUNTIME_SILENT_AFTER_MINUTES = 15;
/** An enforcement gap keeps its finding (`enforcement_gap`) for this many days after it was seen. */
export const ENFORCEMENT_GAP_WINDOW_DAYS = 7;

export const RUNTIME_GAP_KINDS = ["undecided_call", "reported"] as const;
export const ZRuntimeGapKind = z.enum(RUNTIME_GAP_KINDS);
export type TRuntimeGapKind = z.infer<typeof ZRuntimeGapKind>;

/** One gateway (runtime instance) that reports heartbeats for the bot. */
export const ZBotRuntimeGateway = z
  .object({
    gateway: z.string().describe("The gateway (runtime instance, e.g. its host name) that enforces the bot; empty when the heartbeat named none"),
    runtime: z.string().describe("e.g. `openclaw`"),
    runtimeVersion: z.string().nullable(),
    plugin: z.string().nullable().describe("The enforcing plugin, e.g. `bridle`"),
    pluginVersion: z.string().nullable(),
    firstSeenAt: ZTimestamp.describe("First heartbeat received from it (Bridle's clock)"),
    lastSeenAt: ZTimestamp.describe("Latest heartbeat received from it (Bridle's clock)"),
  })
  .meta({ id: "BotRuntimeGateway" });
export type TBotRuntimeGateway = z.infer<typeof ZBotRuntimeGateway>;

/** One enforcement gap: the first of its kind in a runtime session. */
export const ZRuntimeGap = z
  .object({
    sessionId: z.string(),
    kind: ZRuntimeGapKind.describe("`undecided_call`: a tool ran without a matching allow decision in the session; `reported`: the runtime reported a gap itself"),
    tool: z.string().nullable(),
    message: z.string(),
    eventId: z.uuid().describe("The runtime event (audit event) that showed it"),
    at: ZTimestamp.describe("When Bridle received it"),
  })
  .meta({ id: "RuntimeGap" });
export type TRuntimeGap = z.infer<typeof ZRuntimeGap>;

/** `GET /api/v1/bots/{id}/runtime`: who enforces the bot, from its heartbeats, and its recent enforcement gaps. */
export const ZBotRuntimeStatus = z
  .object({
    status: z.enum(["never_reported", "live", "silent"]).describe(`\`silent\`: no heartbeat for ${RUNTIME_SILENT_AFTER_MINUTES} minutes`),
    lastSeenAt: ZTimestamp.nullable().describe("Latest heartbeat from any gateway (Bridle's clock)"),
    silentAfterMinutes: z.number().int(),
    gateways: z.array(ZBotRuntimeGateway).describe("Latest first"),
    gaps: z.array(ZRuntimeGap).describe(`Enforcement gaps of the last ${ENFORCEMENT_GAP_WINDOW_DAYS} days, latest first (at most 50)`),
  })
  .meta({ id: "BotRuntimeStatus" });
export type TBotRuntimeStatus = z.infer<typeof ZBotRuntimeStatus>;
