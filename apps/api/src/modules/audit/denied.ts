import type { Db } from "@bridle/db";
import type { RequestCtx } from "../../lib/context.ts";
import { AppError } from "../../lib/errors.ts";
import type { Principal } from "../../lib/permissions.ts";
import { recordAudit, type Actor, type AuditAction, type AuditEventInput } from "./audit.writer.ts";

/** The audit actor for a signed-in person or their personal API token. */
export const actorOf = (p: Principal): Actor => ({
  type: p.authMethod === "token" ? "token" : "person",
  id: p.personId,
  label: p.email,
});

/**
 * Records a denied attempt (outside any transaction, so it survives the refusal) and returns the
 * 403 error to throw.
 */
export async function denied(
  db: Db,
  ctx: RequestCtx,
  attempt: { action: AuditAction; resourceType: string; resourceId?: string | null; what: string },
): Promise<AppError> {
  // a refusal carries ZDeniedDetails whatever its type: the union cannot see that for a variable action
  await recordAudit(db, {
    actor: actorOf(ctx.principal),
    action: attempt.action,
    resourceType: attempt.resourceType,
    resourceId: attempt.resourceId ?? null,
    outcome: "denied",
    requestId: ctx.requestId,
    details: { roles: ctx.principal.roles, attempted: attempt.what },
  } as AuditEventInput);
  return new AppError("forbidden", `You do not have permission to ${attempt.what}`);
}
