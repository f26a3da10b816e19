import {
  ZAuditEvent,
  ZAuditEventPage,
  ZAuditEventsQuery,
  ZAuditExportQuery,
  ZAuditVerifyReport,
  ZErrorEnvelope,
  type TAuditEvent,
  type TAuditEventsQuery,
} from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type RequestCtx } from "../../lib/context.ts";
import { notFound } from "../../lib/errors.ts";
import { decodeCursor, encodeCursor } from "../../lib/pagination.ts";
import { can } from "../../lib/permissions.ts";
import { toIso } from "../../lib/sql.ts";
import { principalOf } from "../../plugins/auth.ts";
import type { AuditIntegrity } from "./audit.integrity.ts";
import { getAuditEvent, listAuditEvents } from "./audit.repo.ts";
import { denied } from "./denied.ts";

type Row = NonNullable<Awaited<ReturnType<typeof getAuditEvent>>>;

const toContract = (r: Row): TAuditEvent => ({
  id: r.id,
  seq: r.seq,
  at: toIso(r.at)!,
  actor: { type: r.actorType as TAuditEvent["actor"]["type"], id: r.actorId, label: r.actorLabel },
  action: r.action,
  resourceType: r.resourceType,
  resourceId: r.resourceId,
  outcome: r.outcome as TAuditEvent["outcome"],
  requestId: r.requestId,
  sessionId: r.sessionId,
  sourceIp: r.sourceIp,
  userAgent: r.userAgent,
  details: (r.details ?? {}) as Record<string, unknown>,
});

/** Reading the audit log (`audit.read`: admin, security, auditor). A refused read is itself audited. */
export function createAuditService(deps: { db: Db }) {
  const { db } = deps;
  const requireRead = async (ctx: RequestCtx, resourceId: string | null) => {
    if (!can(ctx.principal, "audit.read"))
      throw await denied(db, ctx, { action: "audit.read", resourceType: "audit_event", resourceId, what: "read the audit log" });
  };

  /** Newest first, keyset-paginated on `seq`; every filter narrows. */
  async function list(ctx: RequestCtx, q: TAuditEventsQuery) {
    await requireRead(ctx, null);
    const cursor = decodeCursor(q.cursor);
    const rows = await listAuditEvents(
      db,
      {
        ...(q.actorType ? { actorType: q.actorType } : {}),
        ...(q.actorId ? { actorId: q.actorId } : {}),
        ...(q.botId ? { botId: q.botId } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.resourceType ? { resourceType: q.resourceType } : {}),
        ...(q.resourceId ? { resourceId: q.resourceId } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.requestId ? { requestId: q.requestId } : {}),
        ...(q.sessionId ? { sessionId: q.sessionId } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(cursor && typeof cursor.k === "number" ? { beforeSeq: cursor.k } : {}),
      },
      q.limit + 1,
    );
    const items = rows.slice(0, q.limit).map(toContract);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor({ k: last.seq, id: last.id }) : null };
  }

  async function get(ctx: RequestCtx, id: string) {
    await requireRead(ctx, id);
    const row = await getAuditEvent(db, id);
    if (!row) throw notFound("Audit event");
    return toContract(row);
  }

  return { list, get };
}

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/** `/api/v1/audit-events` (the audit log, read-only) and `/api/v1/audit/verify` (`audit.read`). */
export function auditRoutes(deps: { db: Db; integrity: AuditIntegrity }) {
  const { integrity } = deps;
  const svc = createAuditService(deps);
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest): RequestCtx => ({ principal: principalOf(request), requestId: request.id });
    r.get(
      "/audit-events",
      {
        schema: {
          operationId: "listAuditEvents",
          tags: ["audit"],
          summary: "The audit log, newest first, filtered by actor, bot, action, resource, outcome, request id, runtime session and time (permission `audit.read`)",
          description:
            "Every state change and every refused attempt is recorded in the same transaction as the change. `action` matches exactly, or as a prefix when it ends in `.` (`approval.`). `botId` matches events the bot acted in, was acted on by, or is the subject of. `from` is inclusive, `to` exclusive.",
          querystring: ZAuditEventsQuery,
          response: { 200: ZAuditEventPage, ...errors },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.get(
      "/audit-events/export",
      {
        schema: {
          operationId: "exportAuditEvents",
          tags: ["audit"],
          summary: "The audit log with its hash chain and signed checkpoints, streamed as NDJSON or CSV (permission `audit.read`)",
          description:
            "Takes the list's filters. Every chain position from the start (the chain's, or the last checkpoint before `from`) to the head is included as hashes " +
            "(with `to`: only up to the first checkpoint that covers every event dated before `to`); " +
            "the events matching the filters are included whole. Verify offline with `pnpm bridle audit verify --file FILE --jwks URL|FILE` (docs/AUDIT.md). " +
            "Before it streams, the log is sealed and a checkpoint written, so a fresh export verifies as it is; events written while it streams come as `unsealed` records. " +
            "Each export is itself recorded (`audit.export`). A failure midway cuts the answer off before its `end` record.",
          querystring: ZAuditExportQuery,
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) => {
        const stream = await integrity.export(ctx(request), request.query);
        const stamp = new Date().toISOString().replace(/[:.]/g, "-");
        // A stream is sent as is (never serialized); the typed reply only knows the schema's string.
        return (reply as FastifyReply)
          .header("content-type", request.query.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8")
          .header("content-disposition", `attachment; filename="bridle-audit-${stamp}.${request.query.format}"`)
          .send(stream);
      },
    );
    r.get(
      "/audit/verify",
      {
        schema: {
          operationId: "verifyAuditLog",
          tags: ["audit"],
          summary: "Recomputes every event hash and the chain, checks every checkpoint's signature and link, and names the first broken link (permission `audit.read`)",
          description:
            "Reads the whole log in chunks (constant memory); takes seconds per million events. `ok` is false when anything is broken; `firstBreak` says where and what " +
            "(`edited`, `deleted`, `inserted`, `reordered`, `bad_signature`, `untrusted_key`, `missing_checkpoint`, `truncated`). Unsealed events are counted, not failed, unless they can never be sealed. " +
            "`keyTrust` says what vouches for the checkpoints' signing keys besides the database (BRIDLE_ENCRYPTION_KEY, BRIDLE_AUDIT_TRUSTED_KEYS); `keyTrust.warnings`: " +
            "`anchored_in_database` (nothing does: someone who can write the database could add a key and re-sign a rewritten log), `private_keys_readable` " +
            "(a trusted key's private key is stored unencrypted: someone who can read the database could sign with it) (docs/AUDIT.md \"Key trust\").",
          response: { 200: ZAuditVerifyReport, ...errors },
        },
      },
      async (request) => integrity.verify(ctx(request)),
    );
    r.get(
      "/audit-events/:id",
      {
        schema: {
          operationId: "getAuditEvent",
          tags: ["audit"],
          summary: "One audit event (permission `audit.read`)",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZAuditEvent, ...errors, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.get(ctx(request), request.params.id),
    );
  };
}
