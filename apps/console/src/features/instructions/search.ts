import { z } from "zod";

/** The instructions page's state in the URL: `?file=SOUL.md&from=2&to=3&view=split`, or `?tab=at&at=<ISO time>`. */
const ZInstructionSearch = z.object({
  tab: z.enum(["files", "at"]).optional().catch(undefined),
  file: z.string().max(100).optional().catch(undefined),
  from: z.coerce.number().int().min(1).optional().catch(undefined),
  to: z.coerce.number().int().min(1).optional().catch(undefined),
  view: z.enum(["unified", "split"]).optional().catch(undefined),
  at: z.iso.datetime({ offset: true }).optional().catch(undefined),
});
export type InstructionSearch = z.infer<typeof ZInstructionSearch>;

export function validateInstructionSearch(raw: Record<string, unknown>): InstructionSearch {
  const p = ZInstructionSearch.parse(raw);
  return { tab: p.tab, file: p.file || undefined, from: p.from, to: p.to, view: p.view, at: p.at };
}
