import type { TGatedActionRule } from "@bridle/contracts";
import { effectiveRule, overrideLoosens, type GatedActionRule } from "@bridle/policy";
import type { OverrideRow } from "./gated-actions.repo.ts";

/** The fields an override sets (null fields follow the org's rule). */
export const partialOf = (o: OverrideRow | null): Partial<GatedActionRule> =>
  o
    ? {
        ...(o.mode !== null ? { mode: o.mode } : {}),
        ...(o.approverRole !== null ? { approverRole: o.approverRole } : {}),
        ...(o.approvalsRequired !== null ? { approvalsRequired: o.approvalsRequired } : {}),
        ...(o.requestTtlMinutes !== null ? { requestTtlMinutes: o.requestTtlMinutes } : {}),
      }
    : {};

/**
 * The rule that applies to one bot. An override only tightens (`effectiveRule`), except while the
 * bot has an approved, unexpired Golden Rule exception: then an override stored by an admin under
 * that exception applies as written, looser parts included. When the exception expires, the
 * looser parts stop applying on their own and the org's rule is the floor again.
 * Pure; the decision snapshot should use it too (it uses `effectiveRule`, tighten-only, today).
 */
export function effectiveFor(org: TGatedActionRule, override: OverrideRow | null, exceptionValid: boolean): TGatedActionRule {
  const partial = partialOf(override);
  const { action, ...rule } = org;
  if (exceptionValid && overrideLoosens(rule, partial)) return { action, ...rule, ...partial };
  return { action, ...effectiveRule(rule, override ? partial : undefined) };
}
