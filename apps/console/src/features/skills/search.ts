import { ZSkillStatus } from "@bridle/contracts";
import { z } from "zod";

/** The Skills page's filters as they live in the URL (`/skills?status=pending&q=github`). */
const ZSkillSearch = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: ZSkillStatus.optional().catch(undefined),
});
export type SkillSearch = z.infer<typeof ZSkillSearch>;

/** The route's `validateSearch`: both keys, undefined when absent or not valid. */
export function validateSkillRouteSearch(raw: Record<string, unknown>): SkillSearch {
  const parsed = ZSkillSearch.parse(raw);
  return { q: parsed.q || undefined, status: parsed.status };
}
