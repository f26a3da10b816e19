import { changesBetween, type TPolicyResponse, type TUpdateOrgPolicyRequest } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields } from "../../lib/errors.ts";
import { looksLikeSecret } from "../../lib/secrets.ts";
import { can } from "../../lib/permissions.ts";
import { emit } from "../../lib/domain-events.ts";
import { actorOf, denied, recordAudit } from "../audit/index.ts";
import { listSystems, setSystemClassification } from "../systems/index.ts";
import * as repo from "./policy-settings.repo.ts";

export function createPolicySettingsService(deps: { db: Db }) {
  const { db } = deps;

  async function get(): Promise<TPolicyResponse> {
    const [policy, systems] = await Promise.all([repo.getPolicy(db), listSystems(db)]);
    if (!policy) throw new AppError("unavailable", "The organization has no policy yet; start Bridle once to create it");
    return { policy, systems };
  }

  /**
   * Changes org policy (admins only; denied attempts are audited). The change, the recomputed
   * findings of every bot and the audit event commit in one transaction.
   */
  async function update(ctx: RequestCtx, patch: TUpdateOrgPolicyRequest): Promise<TPolicyResponse & { recomputed: number }> {
    if (!can(ctx.principal, "policy.update"))
      throw await denied(db, ctx, { action: "policy.update", resourceType: "org_policy", resourceId: "1", what: "change org policy" });
    const recomputed = await db.transaction(async (tx) => {
      const current = await repo.getPolicy(tx);
      if (!current) throw new AppError("unavailable", "The organization has no policy yet");
      const { systemClassifications, ...fields } = patch;
      const next = { ...current, ...fields };
      const overlap = next.channelAllowlist.filter((c) => next.channelBlocklist.includes(c));
      if (overlap.length)
        throw invalidFields([fieldError("channelAllowlist", "invalid", `a channel cannot be both allowed and blocked: ${overlap.join(", ")}`)]);
      await repo.savePolicy(tx, next);
      const saved = (await repo.getPolicy(tx))!;
      const { version: versionBefore, updatedAt: _b, ...valuesBefore } = current;
      const { version: versionAfter, updatedAt: _a, ...valuesAfter } = saved;
      const changes = changesBetween(valuesBefore, valuesAfter);
      for (const [key, classification] of Object.entries(systemClassifications ?? {})) {
        const set = await setSystemClassification(tx, key, classification);
        if (set && set.before !== classification) changes[`systemClassifications.${key}`] = { before: set.before, after: classification };
        if (!set)
          // The key is what was typed: quoted only when it does not look like a secret.
          throw invalidFields([
            (await looksLikeSecret(key))
              ? fieldError("systemClassifications", "unknown_reference", "unknown connected system")
              : fieldError(["systemClassifications", key], "unknown_reference", `unknown connected system ${key}`),
          ]);
      }
      const result = await emit(tx, { type: "org_policy.changed", version: versionAfter });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "policy.update",
        resourceType: "org_policy",
        resourceId: "1",
        outcome: "success",
        requestId: ctx.requestId,
        details: { version: { before: versionBefore, after: versionAfter }, changes, findingsChanged: result.findingsChanged },
      });
      return result.findingsChanged;
    });
    return { ...(await get()), recomputed };
  }

  return { get, update };
}
export type PolicySettingsService = ReturnType<typeof createPolicySettingsService>;
