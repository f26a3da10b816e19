import { changesBetween, type TOrgPolicy, type TPolicyResponse, type TPolicyVersionDetail, type TPolicyVersionSummary, type TUpdateOrgPolicyRequest } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import { type RequestCtx } from "../../lib/context.ts";
import { AppError, fieldError, invalidFields, notFound } from "../../lib/errors.ts";
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
      await keepBaseline(tx, current);
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
      await repo.insertPolicyVersion(tx, { version: versionAfter, content: repo.versionContent(saved), changedBy: ctx.principal.email, changedAt: new Date(), source: "update" });
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

  /** The version in force before the first kept change, recorded once (its author is not known). */
  async function keepBaseline(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], current: TOrgPolicy) {
    await repo.insertPolicyVersion(tx, { version: current.version, content: repo.versionContent(current), changedBy: null, changedAt: new Date(current.updatedAt), source: "baseline" });
  }

  const summaryOf = (r: repo.PolicyVersionRow): TPolicyVersionSummary => ({
    version: r.version,
    changedBy: r.changedBy,
    changedAt: r.changedAt.toISOString(),
    source: r.source as TPolicyVersionSummary["source"],
    restoredFrom: r.restoredFrom,
  });

  /** Every kept version, newest first; the version in force is recorded as the baseline if none is kept yet. */
  async function versions(): Promise<{ items: TPolicyVersionSummary[] }> {
    let rows = await repo.listPolicyVersions(db);
    if (rows.length === 0) {
      const current = await repo.getPolicy(db);
      if (current) {
        await db.transaction((tx) => keepBaseline(tx, current));
        rows = await repo.listPolicyVersions(db);
      }
    }
    return { items: rows.map(summaryOf) };
  }

  /** One version in full, with its diff against the version kept before it. 404 when not kept. */
  async function version(v: number): Promise<TPolicyVersionDetail> {
    const found = await repo.findPolicyVersion(db, v);
    if (!found) throw notFound(`Policy version ${v}`);
    const content = found.row.content as Record<string, unknown>;
    return {
      ...summaryOf(found.row),
      content,
      previousVersion: found.previous?.version ?? null,
      diff: found.previous ? changesBetween(found.previous.content as Record<string, unknown>, content) : {},
    };
  }

  /**
   * Rolls the org policy back to the content of version `v` (admins): one action, one new version
   * whose content is v's, findings recomputed and every replica's snapshot refreshed, audited as
   * `policy.rollback`. Connected systems' classifications are not part of a version (the systems
   * module keeps them).
   */
  async function rollback(ctx: RequestCtx, v: number): Promise<TPolicyResponse & { recomputed: number }> {
    if (!can(ctx.principal, "policy.update"))
      throw await denied(db, ctx, { action: "policy.rollback", resourceType: "org_policy", resourceId: "1", what: "roll the org policy back" });
    const recomputed = await db.transaction(async (tx) => {
      const target = await repo.findPolicyVersion(tx, v);
      if (!target) throw notFound(`Policy version ${v}`);
      const current = await repo.getPolicy(tx);
      if (!current) throw new AppError("unavailable", "The organization has no policy yet");
      await keepBaseline(tx, current);
      const next = { ...repo.versionContent(current), ...(target.row.content as Partial<repo.PolicyValues>) };
      await repo.savePolicy(tx, next);
      const saved = (await repo.getPolicy(tx))!;
      const changes = changesBetween(repo.versionContent(current), repo.versionContent(saved));
      const result = await emit(tx, { type: "org_policy.changed", version: saved.version });
      await repo.insertPolicyVersion(tx, { version: saved.version, content: repo.versionContent(saved), changedBy: ctx.principal.email, changedAt: new Date(), source: "rollback", restoredFrom: v });
      await recordAudit(tx, {
        actor: actorOf(ctx.principal),
        action: "policy.rollback",
        resourceType: "org_policy",
        resourceId: "1",
        outcome: "success",
        requestId: ctx.requestId,
        details: { restoredFrom: v, version: { before: current.version, after: saved.version }, changes, findingsChanged: result.findingsChanged },
      });
      return result.findingsChanged;
    });
    return { ...(await get()), recomputed };
  }

  return { get, update, versions, version, rollback };
}
export type PolicySettingsService = ReturnType<typeof createPolicySettingsService>;
