import { VAULT_KINDS } from "@bridle/contracts";
import { z } from "zod";

/**
 * The Rotation page's filters as they live in the URL (`/rotation?state=overdue&team=platform`),
 * so a view can be shared. Invalid values are dropped, so an old link still opens.
 */
const ZRotationSearch = z.object({
  state: z.enum(["due", "overdue"]).optional().catch(undefined),
  bot: z.uuid().optional().catch(undefined),
  team: z.string().trim().max(100).optional().catch(undefined),
  vaultKind: z.enum(VAULT_KINDS).optional().catch(undefined),
  vault: z.string().trim().max(300).optional().catch(undefined),
  group: z.enum(["bot", "team", "vault"]).optional().catch(undefined),
});
export type RotationSearch = z.infer<typeof ZRotationSearch>;
const KEYS = ["state", "bot", "team", "vaultKind", "vault", "group"] as const satisfies readonly (keyof RotationSearch)[];

export function validateRotationSearch(raw: Record<string, unknown>): RotationSearch {
  const parsed = ZRotationSearch.parse(raw);
  const clean: RotationSearch = {};
  for (const key of KEYS) if (parsed[key] !== undefined && parsed[key] !== "") Object.assign(clean, { [key]: parsed[key] });
  return clean;
}

/** The route's `validateSearch`: every key, `undefined` when absent. */
export function validateRotationRouteSearch(raw: Record<string, unknown>): RotationSearch {
  return { ...Object.fromEntries(KEYS.map((k) => [k, undefined])), ...validateRotationSearch(raw) };
}
