import { isExactVersion, parseToolRef } from "@bridle/contracts";
import type { TBotSkillState, TFinding, TSkillStatus } from "@bridle/contracts";
import { makeFinding } from "./catalog.ts";
import { listText } from "./util.ts";

/**
 * The skills registry as the rules read it: skill name (lowercase) -> version -> review status.
 * Built from the `skills` table by the findings module; only the names the evaluated bots use
 * need to be in it.
 */
export type SkillRegistry = ReadonlyMap<string, ReadonlyMap<string, TSkillStatus>>;

/** Builds a SkillRegistry from registry rows. */
export function skillRegistryOf(rows: readonly { name: string; version: string; status: TSkillStatus }[]): SkillRegistry {
  const out = new Map<string, Map<string, TSkillStatus>>();
  for (const r of rows) {
    const name = r.name.toLowerCase();
    let versions = out.get(name);
    if (!versions) out.set(name, (versions = new Map()));
    versions.set(r.version, r.status);
  }
  return out;
}

/**
 * How one allowed tool (`name@version`) stands against the registry: `unpinned` when it names no
 * exact version (a range, a tag, nothing), else the status of the entry with that name and
 * version, or `unregistered` when there is none. Only `approved` may be used.
 */
export function skillState(tool: string, registry: SkillRegistry): { name: string; version: string | null; state: TBotSkillState } {
  const { name, version } = parseToolRef(tool);
  if (version === null || !isExactVersion(version)) return { name, version, state: "unpinned" };
  return { name, version, state: registry.get(name)?.get(version) ?? "unregistered" };
}

const PROBLEM_TEXT: Record<Exclude<TBotSkillState, "approved">, string> = {
  unregistered: "not in the registry",
  unpinned: "not pinned to an exact version",
  pending: "waiting for security's review",
  rejected: "rejected in review",
};

/**
 * `BR-SKILL-REGISTRY`: every tool or skill a bot may use (`runtimeProfile.allowedTools`) is an
 * approved registry entry at an exact version. One finding lists every other tool with its
 * problem (`details.skills`). No tools listed is the runtime profile rule's business, not this one's.
 */
export function checkSkills(allowedTools: readonly string[] | null | undefined, registry: SkillRegistry): TFinding | null {
  const problems = (allowedTools ?? [])
    .filter((tool) => tool.trim() !== "")
    .map((tool) => ({ tool, ...skillState(tool, registry) }))
    .filter((s): s is typeof s & { state: Exclude<TBotSkillState, "approved"> } => s.state !== "approved");
  if (problems.length === 0) return null;
  const parts = problems.map((p) => `${p.tool} (${PROBLEM_TEXT[p.state]})`);
  return makeFinding(
    "unapproved_skill",
    `The bot may use skills that security has not approved: ${listText(parts)}.`,
    { skills: problems.map((p) => ({ tool: p.tool, name: p.name, version: p.version, problem: p.state })) },
    "Pin each tool to an exact version, register that version in the skills registry and have security approve it, or remove the tool from the bot's allowed tools.",
  );
}
