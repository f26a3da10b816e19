import {
  RUNTIME_EVENT_MAX_BYTES,
  RUNTIME_EVENTS_MAX_BATCH,
  ZErrorEnvelope,
  ZRuntimeEventBatch,
  ZRuntimeEventBatchEnvelope,
  ZRuntimeEventBatchResult,
  ZRuntimeEventsQuery,
  ZPageQuery,
  ZRuntimeSessionPage,
  ZSessionTimeline,
  ZBotRuntimeStatus,
  RUNTIME_SILENT_AFTER_MINUTES,
  ENFORCEMENT_GAP_WINDOW_DAYS,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import { callerOf } from "../decisions/index.ts";
import { TIMELINE_MAX, type EventsService } from "./events.service.ts";

/**
 * The request body limit of `POST /events` (4 MiB: a full batch of events of 4 KB on average). A
 * larger body is answered 413 `payload_too_large` before it is read.
 */
export const EVENTS_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * `POST /events`: a bot runtime reports what it did (bot runtime token only; registered in the
 * decisions module's runtime scope). Answers after the batch is committed.
 */
export function eventsRuntimeRoutes(svc: EventsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      "/events",
      {
        config: { callers: "bot" },
        bodyLimit: EVENTS_BODY_LIMIT,
        // The body is documented (OpenAPI) as the strict batch, but read as an envelope of unchecked
        // events: each is validated on its own, so the answer names bad events by their index.
        validatorCompiler: (route) => {
          const part = route as unknown as Parameters<typeof validatorCompiler>[0];
          return validatorCompiler(part.httpPart === "body" ? { ...part, schema: ZRuntimeEventBatchEnvelope } : part);
        },
        schema: {
          operationId: "reportRuntimeEvents",
          tags: ["events"],
          summary: "Report what the bot's runtime did: tool calls and results, messages sent, errors, sessions, usage (bot runtime token)",
          description:
            `A batch of 1 to ${RUNTIME_EVENTS_MAX_BATCH} events (more: 413 \`payload_too_large\`), each at most ${RUNTIME_EVENT_MAX_BYTES} bytes as JSON. ` +
            "Every event is validated on its own. With invalid events and `partial=false` (the default) none is stored and the answer is 400 " +
            "`validation_failed` whose `details.rejected` lists each invalid event's index and field errors; with `partial=true` the valid ones are stored " +
            "and the answer (200) lists the invalid ones in `rejected`. Each stored event is an audit event of the bot (`runtime.<type>`, chained like the rest), " +
            "with strings that look like secrets replaced by `[redacted: <rule>]`. The answer is sent only after the batch is committed. " +
            "A retry with the same event `id`s stores nothing twice. A paused bot's events are still accepted: they are evidence. " +
            "While the audit sealer is more than BRIDLE_AUDIT_MAX_UNSEALED_EVENTS events behind, the batch waits for it; after 5 s the answer is 503 `unavailable` " +
            "with `Retry-After: 1` and nothing of the batch is stored (send it again).",
          security: [{ bearer: [] }],
          querystring: ZRuntimeEventsQuery,
          body: ZRuntimeEventBatch,
          response: { 200: ZRuntimeEventBatchResult, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 413: ZErrorEnvelope, 503: ZErrorEnvelope },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        const query = request.query as unknown as { partial: boolean };
        const body = request.body as unknown as { events: unknown[] };
        if (caller.kind !== "bot") throw new Error("unreachable: the route takes bots only");
        return svc.report(caller.bot, body.events, { partial: query.partial, httpRequestId: request.id });
      },
    );
  };
}

const ZBotParams = z.object({ id: z.uuid() });
const ZSessionParams = ZBotParams.extend({ sessionId: z.string().min(1).max(200) });
const errors = { 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope };
const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });

/**
 * The console's side (human auth, `/api/v1`): a bot's runtime sessions and one session's story.
 * Reading: the bot's owner and `bots.read_all` (admin, security, IT, auditor); others 403, audited.
 */
export function eventsRoutes(svc: EventsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/bots/:id/sessions",
      {
        schema: {
          operationId: "listRuntimeSessions",
          tags: ["events"],
          summary: "A bot's runtime sessions, latest activity first: event, tool call and error counts, tokens and cost in USD",
          params: ZBotParams,
          querystring: ZPageQuery,
          response: { 200: ZRuntimeSessionPage, 400: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.sessions(ctx(request), request.params.id, request.query),
    );
    r.get(
      "/bots/:id/sessions/:sessionId",
      {
        schema: {
          operationId: "getRuntimeSessionTimeline",
          tags: ["events"],
          summary: "One runtime session's story in order: the runtime's events, the bot's decisions, and the approval steps they led to",
          description: `Runtime events are placed at the runtime's time, decisions and approvals at Bridle's. At most ${TIMELINE_MAX} of the bot's own entries, the latest recorded (\`truncated\` says when there were more), with the approval steps they name.`,
          params: ZSessionParams,
          response: { 200: ZSessionTimeline, ...errors },
        },
      },
      async (request) => svc.timeline(ctx(request), request.params.id, request.params.sessionId),
    );
    r.get(
      "/bots/:id/runtime",
      {
        schema: {
          operationId: "getBotRuntimeStatus",
          tags: ["events"],
          summary: "Who enforces the bot: the gateways reporting heartbeats for it (runtime, plugin, versions, last seen) and its recent enforcement gaps",
          description:
            `From the bot's \`heartbeat\` runtime events: one entry per gateway, latest first, times on Bridle's clock. \`status\`: \`never_reported\`, ` +
            `\`live\`, or \`silent\` (no heartbeat for ${RUNTIME_SILENT_AFTER_MINUTES} minutes). \`gaps\`: enforcement gaps of the last ${ENFORCEMENT_GAP_WINDOW_DAYS} days ` +
            "(the first of each kind per session): a tool result with no matching allow decision in its session, or a gap the runtime reported.",
          params: ZBotParams,
          response: { 200: ZBotRuntimeStatus, ...errors },
        },
      },
      async (request) => svc.runtimeStatus(ctx(request), request.params.id),
    );
  };
}
