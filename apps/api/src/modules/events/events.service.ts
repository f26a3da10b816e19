import { setImmediate as yieldToRequests } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import {
  RUNTIME_EVENTS_MAX_BATCH,
  toFieldErrors,
  ZRuntimeEvent,
  type TBotRuntimeStatus,
  type TFieldError,
  type TRejectedRuntimeEvent,
  type TRuntimeEventBatchResult,
  type TRuntimeEventParsed,
  type TRuntimeSession,
  type TSessionTimeline,
  type TSessionTimelineEntry,
  type ValidationIssue,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { RequestCtx } from "../../lib/context.ts";
import { AppError, notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { canReadBot } from "../../lib/permissions.ts";
import { currentRequestOrigin } from "../../lib/request-origin.ts";
import { denied, listAuditEvents } from "../audit/index.ts";
import { findBotRow } from "../bots/index.ts";
import type { BotCaller } from "../decisions/index.ts";
import type { EventLog } from "./event-log.ts";
import * as repo from "./events.repo.ts";
import { redactBatch } from "./redact.ts";
import { runtimeStatusOf } from "./runtime-status.ts";

/** A session's story holds at most this many of the bot's own entries (the latest recorded); `truncated` says when there were more. */
export const TIMELINE_MAX = 2000;
/** Events validated between two yields to the event loop. */
const VALIDATE_SLICE = 100;

/** The audit details of an event: its fields but `type`, `id` and `sessionId` (the envelope holds them), the bot's name first. */
function detailsOf(e: TRuntimeEventParsed, botName: string): Record<string, unknown> {
  const { type: _type, id: _id, sessionId: _sessionId, ...fields } = e;
  return { bot: botName, ...fields };
}

/**
 * Runtime events (README "Runtime events"):
 * - `report`: a bot runtime's batch, each event validated on its own; invalid ones make the whole
 *   batch refused (400, nothing stored) unless `partial`, then only the valid ones are stored.
 *   Stored events are audit events of the bot (`runtime.<type>`), strings that look like secrets
 *   cut out first; the answer comes after commit (group commit, event-log.ts). A paused or
 *   otherwise inactive bot's events are accepted: they are evidence of what its runtime did.
 * - `sessions` / `timeline`: people who may read the bot (its owner, `bots.read_all`); others 403, audited.
 */
export function createEventsService(deps: { db: Db; log: EventLog }) {
  const { db, log } = deps;

  async function report(bot: BotCaller, items: readonly unknown[], opts: { partial: boolean; httpRequestId: string }): Promise<TRuntimeEventBatchResult> {
    if (items.length > RUNTIME_EVENTS_MAX_BATCH)
      throw new AppError("payload_too_large", `A batch holds at most ${RUNTIME_EVENTS_MAX_BATCH} events; this one has ${items.length}. Send them in several batches`, {
        maxEvents: RUNTIME_EVENTS_MAX_BATCH,
        events: items.length,
      });
    const valid: { index: number; event: TRuntimeEventParsed }[] = [];
    const rejected: TRejectedRuntimeEvent[] = [];
    for (let index = 0; index < items.length; index++) {
      // about 7 µs an event: a full batch would hold the event loop (and every decision) for 7 ms
      if (index > 0 && index % VALIDATE_SLICE === 0) await yieldToRequests();
      const parsed = ZRuntimeEvent.safeParse(items[index]);
      if (parsed.success) valid.push({ index, event: parsed.data });
      else rejected.push({ index, fields: toFieldErrors(parsed.error.issues as unknown as ValidationIssue[]) });
    }
    if (rejected.length && !opts.partial) {
      const fields: TFieldError[] = rejected.flatMap((r) => r.fields.map((f) => ({ ...f, path: ["events", String(r.index), ...f.path], message: `Event ${r.index}: ${f.message}` })));
      throw new AppError(
        "validation_failed",
        `${rejected.length} of ${items.length} events are not valid (first: event ${rejected[0]!.index}: ${rejected[0]!.fields[0]?.message ?? "not valid"}); none was stored. Fix them, or send \`?partial=true\` to store the valid ones`,
        { fields, rejected },
      );
    }

    // One scan for secrets over the whole batch; each hit is cut out where it was.
    const redacted = await redactBatch(valid.map((v) => detailsOf(v.event, bot.botName)));
    const shown = redacted.details;
    for (const [i, list] of redacted.redactions) shown[i]!.redactions = list;

    const origin = currentRequestOrigin();
    const at = new Date();
    const ids: (string | null)[] = items.map(() => null);
    const records = valid.map((v, i): repo.EventRecord => {
      const id = v.event.id ?? randomUUID();
      ids[v.index] = id;
      // The runtime's time in one form (milliseconds, UTC), so sessions sort and page alike.
      const time = new Date(v.event.time).toISOString();
      shown[i]!.time = time;
      return {
        id,
        botId: bot.botId,
        botName: bot.botName,
        event: { ...v.event, time },
        details: shown[i]!,
        httpRequestId: opts.httpRequestId,
        sourceIp: origin?.sourceIp ?? null,
        userAgent: origin?.userAgent ?? null,
        at,
      };
    });
    // A failed write (logged by the error handler, answered 500) stored none of the batch.
    const stored = await log.append(records);
    // Within a batch, a repeated id is stored once: the first is new, the rest duplicates.
    const counted = new Set<string>();
    let fresh = 0;
    for (const r of records) if (stored.has(r.id) && !counted.has(r.id) && counted.add(r.id)) fresh++;
    return { accepted: records.length, duplicates: records.length - fresh, rejected, ids };
  }

  async function readable(ctx: RequestCtx, botId: string, what: "sessions" | "status" = "sessions") {
    const bot = await findBotRow(db, botId);
    if (!bot) throw notFound("Bot");
    if (!canReadBot(ctx.principal, bot))
      throw await denied(
        db,
        ctx,
        what === "sessions"
          ? { action: "runtime.session_read", resourceType: "bot", resourceId: botId, what: "read this bot's runtime sessions" }
          : { action: "runtime.status_read", resourceType: "bot", resourceId: botId, what: "read this bot's runtime status" },
      );
    return bot;
  }

  /**
   * A bot's runtime status: the gateways whose heartbeats say they enforce it (runtime, plugin and
   * their versions, first and last seen on Bridle's clock), `never_reported` / `live` / `silent`
   * (no heartbeat for RUNTIME_SILENT_AFTER_MINUTES), and its enforcement gaps of the last
   * ENFORCEMENT_GAP_WINDOW_DAYS. Errors: 404 bot; 403 (audited `runtime.status_read`).
   */
  async function runtimeStatus(ctx: RequestCtx, botId: string): Promise<TBotRuntimeStatus> {
    await readable(ctx, botId, "status");
    return runtimeStatusOf(db, botId);
  }

  /** A bot's sessions, latest activity first, `limit` per page. Errors: 404 bot; 403 (audited). */
  async function sessions(ctx: RequestCtx, botId: string, q: { limit: number; cursor?: string }): Promise<{ items: TRuntimeSession[]; nextCursor: string | null }> {
    await readable(ctx, botId);
    const c = decodeCursor(q.cursor);
    const after = c && typeof c.k === "string" ? { lastAt: new Date(c.k), sessionId: c.id } : null;
    const rows = await repo.listSessions(db, botId, q.limit + 1, after);
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.lastAt, id: last.sessionId }) : null };
  }

  /**
   * One session's story in order: the bot's runtime events and decisions with that session id, and
   * the steps of the approval requests those decisions opened. Runtime events are placed at the
   * runtime's time, decisions and approvals at Bridle's. Errors: 404 bot or session; 403 (audited).
   */
  async function timeline(ctx: RequestCtx, botId: string, sessionId: string): Promise<TSessionTimeline> {
    await readable(ctx, botId);
    const session = await repo.findSession(db, botId, sessionId);
    // Newest first from the log: the latest TIMELINE_MAX are kept (one more read tells whether there were more).
    const own = await listAuditEvents(db, { actorType: "bot", actorId: botId, sessionId }, TIMELINE_MAX + 1);
    if (!session && own.length === 0) throw notFound(`Session ${sessionId}`);
    const truncated = own.length > TIMELINE_MAX;
    const rows = truncated ? own.slice(0, TIMELINE_MAX) : own;
    const approvalIds = [
      ...new Set(
        rows.flatMap((r) => {
          const id = (r.details as { approvalRequestId?: unknown } | null)?.approvalRequestId;
          return r.action.startsWith("decision.") && typeof id === "string" ? [id] : [];
        }),
      ),
    ];
    const approvals = (await Promise.all(approvalIds.map((id) => listAuditEvents(db, { resourceType: "approval_request", resourceId: id }, 100)))).flat();
    const seen = new Set<string>();
    const entries: (TSessionTimelineEntry & { seq: number })[] = [];
    for (const r of [...rows, ...approvals]) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      const kind = r.action.startsWith("runtime.") ? "runtime" : r.action.startsWith("decision.") ? "decision" : "approval";
      const details = (r.details ?? {}) as Record<string, unknown>;
      const at = kind === "runtime" && typeof details.time === "string" ? details.time : r.at.toISOString();
      entries.push({
        eventId: r.id,
        at,
        recordedAt: r.at.toISOString(),
        kind,
        action: r.action,
        outcome: r.outcome as TSessionTimelineEntry["outcome"],
        actorLabel: r.actorLabel,
        details,
        seq: Number(r.seq),
      });
    }
    // A gated decision and the approval request it opened are written in one transaction, the
    // request first, often within the same millisecond: the story tells the decision first.
    const openedBy = new Map<string, number>();
    for (const r of rows) {
      const id = (r.details as { approvalRequestId?: unknown } | null)?.approvalRequestId;
      if (r.action === "decision.require_approval" && typeof id === "string") openedBy.set(id, Number(r.seq));
    }
    const byId = new Map(entries.map((e) => [e.eventId, e]));
    for (const r of approvals) {
      const decided = r.action === "approval.request" && r.resourceId ? openedBy.get(r.resourceId) : undefined;
      const entry = decided === undefined ? undefined : byId.get(r.id);
      if (entry && decided !== undefined) entry.seq = Math.max(entry.seq, decided + 0.5);
    }
    entries.sort((a, b) => a.at.localeCompare(b.at) || a.seq - b.seq);
    return { session, items: entries.map(({ seq: _seq, ...e }) => e), truncated };
  }

  return { report, sessions, timeline, runtimeStatus };
}

export type EventsService = ReturnType<typeof createEventsService>;
