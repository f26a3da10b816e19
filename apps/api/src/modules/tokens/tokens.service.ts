import type { TPermission } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { hashToken, newToken } from "../../lib/crypto.ts";
import { fieldError, invalidFields, notFound } from "../../lib/errors.ts";
import { actorOf, recordAudit } from "../audit/index.ts";
import * as repo from "./tokens.repo.ts";

const DAY = 86_400_000;

/**
 * Personal API tokens for automation: named, scoped to a subset of the person's permissions,
 * always expiring, shown once, stored as SHA-256. A token never holds more than its person:
 * scopes are intersected with the person's current permissions on every request.
 */
export function createTokensService(deps: { db: Db }) {
  const { db } = deps;

  const list = (ctx: RequestCtx) => repo.listPersonalTokens(db, ctx.principal.personId);

  async function create(ctx: RequestCtx, input: { name: string; scopes: TPermission[]; expiresInDays: number }) {
    // A token made with a token may not widen what that token could do.
    const outside = input.scopes.filter((s) => !ctx.principal.permissions.includes(s));
    if (outside.length)
      throw invalidFields([fieldError("scopes", "invalid_choice", `you cannot give a token permissions you do not have: ${outside.join(", ")}`)]);
    const token = newToken("brdl_pat");
    const created = await db.transaction(async (tx) => {
      const t = await repo.insertPersonalToken(tx, {
        personId: ctx.principal.personId,
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 13),
        scopes: [...new Set(input.scopes)],
        expiresAt: new Date(Date.now() + input.expiresInDays * DAY),
      });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "api_token.create",
        resourceType: "api_token",
        resourceId: t.id,
        outcome: "success",
        requestId: ctx.requestId,
        details: { name: input.name, scopes: t.scopes, expiresAt: t.expiresAt },
      });
      return t;
    });
    return { ...created, token };
  }

  async function revoke(ctx: RequestCtx, id: string) {
    await db.transaction(async (tx) => {
      if (!(await repo.revokePersonalToken(tx, ctx.principal.personId, id))) throw notFound("Token");
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "api_token.revoke",
        resourceType: "api_token",
        resourceId: id,
        outcome: "success",
        requestId: ctx.requestId,
      });
    });
  }

  return { list, create, revoke };
}
export type TokensService = ReturnType<typeof createTokensService>;
