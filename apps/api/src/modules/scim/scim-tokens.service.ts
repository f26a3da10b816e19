import type { Db } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { hashToken, newToken } from "../../lib/crypto.ts";
import { notFound } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import { isUuid } from "../../lib/sql.ts";
import { type Actor, actorOf, denied, recordAudit } from "../audit/index.ts";
import * as repo from "./scim-tokens.repo.ts";

/** Touch last-used at most once a minute, so an identity provider's sync does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

/** The identity provider behind a SCIM request: the token it authenticated with. */
export type ScimClient = { tokenId: string; tokenName: string };

/** Audit actor of SCIM writes: the token, labelled so a reader sees which provider it was. */
export const scimActor = (c: ScimClient): Actor => ({ type: "token", id: c.tokenId, label: `scim:${c.tokenName}` });

/**
 * SCIM bearer tokens: created by admins (`identity.manage`), named, shown once, stored as SHA-256,
 * revocable. They authenticate /scim/v2 and nothing else (/api only reads api_tokens).
 */
export function createScimTokensService(deps: { db: Db }) {
  const { db } = deps;

  async function requireManage(ctx: RequestCtx, attempt: Parameters<typeof denied>[2]) {
    if (!can(ctx.principal, "identity.manage")) throw await denied(db, ctx, attempt);
  }

  async function list(ctx: RequestCtx) {
    await requireManage(ctx, { action: "access.denied", resourceType: "scim_token", what: "list SCIM tokens" });
    return repo.listScimTokens(db);
  }

  /** Creates a token; its value is in this answer only. */
  async function create(ctx: RequestCtx, input: { name: string }) {
    await requireManage(ctx, { action: "scim_token.create", resourceType: "scim_token", what: "create SCIM tokens" });
    const token = newToken("brdl_scim");
    const id = await db.transaction(async (tx) => {
      const id = await repo.insertScimToken(tx, { name: input.name, tokenHash: hashToken(token), createdBy: ctx.principal.personId });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "scim_token.create",
        resourceType: "scim_token",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: input.name },
      });
      return id;
    });
    return { ...(await repo.getScimToken(db, id))!, token };
  }

  /** Revokes a token at once; revoking a revoked token changes nothing. 404 for an unknown id. */
  async function revoke(ctx: RequestCtx, id: string) {
    await requireManage(ctx, { action: "scim_token.revoke", resourceType: "scim_token", resourceId: id, what: "revoke SCIM tokens" });
    await db.transaction(async (tx) => {
      const r = isUuid(id) ? await repo.revokeScimToken(tx, id) : null;
      if (!r) throw notFound("SCIM token");
      if (!r.revoked) return;
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "scim_token.revoke",
        resourceType: "scim_token",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: r.name },
      });
    });
  }

  /** The client a bearer token belongs to, or null when it is unknown or revoked. */
  async function authenticate(token: string): Promise<ScimClient | null> {
    const row = await repo.findLiveScimToken(db, hashToken(token));
    if (!row) return null;
    const now = new Date();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) await repo.touchScimToken(db, row.id, now);
    return { tokenId: row.id, tokenName: row.name };
  }

  return { list, create, revoke, authenticate };
}
export type ScimTokensService = ReturnType<typeof createScimTokensService>;
