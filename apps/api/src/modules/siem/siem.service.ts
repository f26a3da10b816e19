import { siemEndpointProblem, type TCreateSiemDestination, type TSiemDestination, type TSiemTestResult, type TUpdateSiemDestination } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import { encryptSecret } from "../../lib/secret-box.ts";
import { isUniqueViolation, isUuid, toIso } from "../../lib/sql.ts";
import { actorOf, chainHead, denied, recordAudit, type AuditAction } from "../audit/index.ts";
import { readToken, siemHostname, TOKEN_PURPOSE, type SiemConfig } from "./siem.deliverer.ts";
import { hecTestLine, octetFrame, syslogTestMessage } from "./siem.format.ts";
import * as repo from "./siem.repo.ts";
import { DeliveryError, sendHttp, sendSyslog } from "./siem.transport.ts";

const hintOf = (token: string) => `…${token.slice(-4)}`;

function toDestination(r: repo.DestinationRow, head: { position: number; eventAt: string | null }): TSiemDestination {
  const lag = Math.max(0, head.position - r.position);
  const lastEventAt = r.lastDeliveredEventAt;
  const lagSeconds = lag === 0 ? 0 : lastEventAt && head.eventAt ? Math.max(0, (Date.parse(head.eventAt) - lastEventAt.getTime()) / 1000) : null;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as TSiemDestination["kind"],
    endpoint: r.endpoint,
    tlsCaPem: r.tlsCaPem,
    tlsVerify: r.tlsVerify,
    tokenHint: r.tokenHint,
    enabled: r.enabled,
    status: {
      position: r.position,
      headPosition: head.position,
      lag,
      lagSeconds,
      delivered: r.delivered,
      lastDeliveredAt: toIso(r.lastDeliveredAt),
      failures: r.failures,
      lastError: r.lastError,
      lastErrorAt: toIso(r.lastErrorAt),
    },
    createdAt: toIso(r.createdAt)!,
    updatedAt: toIso(r.updatedAt)!,
  };
}

/**
 * SIEM destinations: `siem.read` (admin, security) lists them with their delivery status;
 * `siem.manage` (admin) adds, changes, tests and removes them. Every change is audited in its
 * transaction, and every refusal.
 */
export function createSiemService(deps: { db: Db; config: SiemConfig }) {
  const { db, config } = deps;

  async function require(ctx: RequestCtx, permission: "siem.read" | "siem.manage", action: AuditAction, what: string, resourceId: string | null = null) {
    if (!can(ctx.principal, permission)) throw await denied(db, ctx, { action, resourceType: "siem_destination", resourceId, what });
  }

  async function find(id: string) {
    const row = isUuid(id) ? await repo.get(db, id) : null;
    if (!row) throw notFound("SIEM destination");
    return row;
  }

  async function list(ctx: RequestCtx) {
    await require(ctx, "siem.read", "access.denied", "read the SIEM destinations");
    const [rows, head] = [await repo.list(db), await chainHead(db)];
    return { items: rows.map((r) => toDestination(r, head)) };
  }

  async function getOne(ctx: RequestCtx, id: string) {
    await require(ctx, "siem.read", "access.denied", "read a SIEM destination", isUuid(id) ? id : null);
    return toDestination(await find(id), await chainHead(db));
  }

  function encryptToken(token: string) {
    if (!config.BRIDLE_ENCRYPTION_KEY)
      throw invalidFields([fieldError("token", "invalid_format", "cannot be stored: set BRIDLE_ENCRYPTION_KEY on the server first (tokens are stored encrypted)")]);
    return encryptSecret(config.BRIDLE_ENCRYPTION_KEY, token, TOKEN_PURPOSE);
  }

  function checkEndpoint(kind: "syslog" | "http", endpoint: string) {
    const problem = siemEndpointProblem(kind, endpoint);
    if (problem) throw invalidFields([fieldError("endpoint", "invalid_format", problem)]);
  }

  const conflict = (name: string) => new AppError("conflict", `A SIEM destination named "${name}" already exists`);

  async function create(ctx: RequestCtx, body: TCreateSiemDestination) {
    await require(ctx, "siem.manage", "siem.destination_create", "add a SIEM destination");
    const kind = body.kind;
    checkEndpoint(kind, body.endpoint);
    if (kind === "http" && !body.token) throw invalidFields([fieldError("token", "required", "is required")]);
    if (kind === "syslog" && body.token) throw invalidFields([fieldError("token", "unknown_field", "is for HTTP (HEC) destinations only")]);
    const tokenEnc = body.token ? encryptToken(body.token) : null;
    const tokenHint = body.token ? hintOf(body.token) : null;
    try {
      const row = await db.transaction(async (tx) => {
        const start = body.startFrom === "now" ? (await chainHead(tx)).position : 0;
        const row = await repo.insert(tx, {
          name: body.name,
          kind,
          endpoint: body.endpoint,
          tlsCaPem: body.tlsCaPem ?? null,
          tlsVerify: body.tlsVerify ?? true,
          tokenEnc,
          tokenHint,
          enabled: body.enabled ?? true,
          position: start,
          createdBy: ctx.principal.personId,
        });
        await recordAudit(tx, {
          actor: actorOf(ctx.principal),
          action: "siem.destination_create",
          resourceType: "siem_destination",
          resourceId: row.id,
          outcome: "success",
          requestId: ctx.requestId,
          details: { name: row.name, kind, endpoint: row.endpoint, tokenHint, startPosition: start },
        });
        return row;
      });
      return toDestination(row, await chainHead(db));
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(body.name);
      throw e;
    }
  }

  async function update(ctx: RequestCtx, id: string, body: TUpdateSiemDestination) {
    await require(ctx, "siem.manage", "siem.destination_update", "change a SIEM destination", isUuid(id) ? id : null);
    await find(id);
    try {
      const row = await db.transaction(async (tx) => {
        const before = (await repo.get(tx, id, { forUpdate: true }))!;
        const kind = before.kind as "syslog" | "http";
        if (body.endpoint !== undefined) checkEndpoint(kind, body.endpoint);
        if (kind === "syslog" && body.token) throw invalidFields([fieldError("token", "unknown_field", "is for HTTP (HEC) destinations only")]);
        // The stored HEC token never follows the destination elsewhere: sending to another
        // endpoint, or without checking the receiver's certificate, takes the token again.
        const redirected = (body.endpoint !== undefined && body.endpoint !== before.endpoint) || (body.tlsVerify === false && before.tlsVerify);
        if (kind === "http" && redirected && !body.token)
          throw invalidFields([fieldError("token", "required", "enter the HEC token again to send to another endpoint or without certificate checks")]);
        const patch: Partial<repo.NewDestination> = {};
        const changes: Record<string, { before: unknown; after: unknown }> = {};
        const set = <K extends "name" | "endpoint" | "tlsCaPem" | "tlsVerify" | "enabled">(k: K, v: repo.DestinationRow[K] | undefined) => {
          if (v === undefined || v === before[k]) return;
          patch[k] = v as never;
          // a CA certificate is public, but long: the change names it, not its text
          changes[k] = k === "tlsCaPem" ? { before: before[k] ? "set" : null, after: v ? "set" : null } : { before: before[k], after: v };
        };
        set("name", body.name);
        set("endpoint", body.endpoint);
        set("tlsCaPem", body.tlsCaPem);
        set("tlsVerify", body.tlsVerify);
        set("enabled", body.enabled);
        if (body.token) {
          patch.tokenEnc = encryptToken(body.token);
          patch.tokenHint = hintOf(body.token);
          changes.token = { before: before.tokenHint, after: patch.tokenHint };
        }
        // A change of where or how to send is a fresh start for the backoff: try again at once.
        if (Object.keys(patch).some((k) => k !== "name")) Object.assign(patch, { failures: 0, nextAttemptAt: null });
        if (!Object.keys(changes).length) return before;
        const row = (await repo.update(tx, id, patch))!;
        await recordAudit(tx, {
          actor: actorOf(ctx.principal),
          action: "siem.destination_update",
          resourceType: "siem_destination",
          resourceId: id,
          outcome: "success",
          requestId: ctx.requestId,
          details: { name: row.name, changes },
        });
        return row;
      });
      return toDestination(row, await chainHead(db));
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(body.name ?? "");
      throw e;
    }
  }

  async function remove(ctx: RequestCtx, id: string) {
    await require(ctx, "siem.manage", "siem.destination_delete", "remove a SIEM destination", isUuid(id) ? id : null);
    await find(id);
    await db.transaction(async (tx) => {
      const row = await repo.get(tx, id, { forUpdate: true });
      if (!row) throw notFound("SIEM destination");
      await repo.remove(tx, id);
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "siem.destination_delete",
        resourceType: "siem_destination",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: row.name, kind: row.kind, endpoint: row.endpoint, position: row.position },
      });
    });
  }

  /** Sends one test message (not an audit event) and says what the receiver did. The cursor does not move. */
  async function test(ctx: RequestCtx, id: string): Promise<TSiemTestResult> {
    await require(ctx, "siem.manage", "siem.destination_test", "test a SIEM destination", isUuid(id) ? id : null);
    const dest = await find(id);
    const started = Date.now();
    const host = siemHostname(config);
    const tls = { ca: dest.tlsCaPem, verify: dest.tlsVerify };
    let ok = true;
    let message: string;
    try {
      if (dest.kind === "syslog") await sendSyslog(dest.endpoint, tls, [octetFrame(syslogTestMessage(host, new Date(), ctx.requestId))], { timeoutMs: config.BRIDLE_SIEM_TIMEOUT_MS });
      else await sendHttp(dest.endpoint, readToken(dest, config), tls, hecTestLine(host, new Date(), ctx.requestId) + "\n", { timeoutMs: config.BRIDLE_SIEM_TIMEOUT_MS });
      message = dest.kind === "syslog" ? "The syslog receiver took the test message and closed the connection cleanly" : "The collector answered 2xx to the test event";
    } catch (err) {
      ok = false;
      message = err instanceof DeliveryError ? err.message : "the test failed";
    }
    await recordAudit(db, {
      actor: actorOf(ctx.principal),
      action: "siem.destination_test",
      resourceType: "siem_destination",
      resourceId: id,
      outcome: ok ? "success" : "failure",
      requestId: ctx.requestId,
      details: { name: dest.name, ok, message },
    });
    return { ok, message, durationMs: Date.now() - started };
  }

  return { list, getOne, create, update, remove, test };
}
export type SiemService = ReturnType<typeof createSiemService>;
