import { ZUsageGranularity, ZUsageScope } from "@bridle/contracts";
import { z } from "zod";

/** The Usage page's choices as they live in the URL (`/usage?scope=bot&id=…&granularity=week`); bad values are dropped. */
const ZUsageSearch = z.object({
  scope: ZUsageScope.optional().catch(undefined),
  id: z.uuid().optional().catch(undefined),
  granularity: ZUsageGranularity.optional().catch(undefined),
});
export type UsageSearch = z.infer<typeof ZUsageSearch>;

export function validateUsageRouteSearch(raw: Record<string, unknown>): UsageSearch {
  const p = ZUsageSearch.parse(raw);
  return { scope: p.scope, id: p.id, granularity: p.granularity };
}
