import semverValid from "semver/functions/valid.js";
import { z } from "zod";
import { ZPageQuery, ZTimestamp, page } from "./common-exports.ts";
import { ZPersonRef } from "./bots.ts";

/**
 * The skills and plugins registry (DESIGN.md "Runtime profile": allowed tools / skills with
 * pinned versions). Each entry is one version of one skill: a new version is a new entry, and it
 * waits for security's review before bots may use it. A bot's allowed tools
 * (`runtimeProfile.allowedTools`, `name@version`) refer to entries by name and version; a tool that
 * is not an approved entry raises the `unapproved_skill` finding (packages/policy `checkSkills`).
 */

/**
 * Skill names: npm package names (`gh`, `@openclaw/skill-github`) or a ClawHub slug, lowercase:
 * letters, digits, `.`, `_`, `-`, with an optional `@scope/`. At most 214 characters (npm's limit).
 */
export const SKILL_NAME_PATTERN = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
export const SKILL_NAME_MAX = 214;
export const ZSkillName = z
  .string()
  .trim()
  .min(1, { abort: true })
  .max(SKILL_NAME_MAX)
  .regex(SKILL_NAME_PATTERN, "lowercase letters, digits, `.`, `_` or `-`, optionally under an npm scope (`@scope/name`)");

/**
 * True when `version` is one exact semantic version (semver.org 2.0.0, e.g. `1.4.2`,
 * `2.0.0-rc.1`), written exactly as semver prints it: no range (`^1.4`, `~1`, `1.x`, `*`,
 * `>=1`), no tag (`latest`), no leading `v` or `=`, no build metadata (`+build.5`, which npm
 * ignores when it compares versions). Checked with the `semver` package.
 */
export function isExactVersion(version: string): boolean {
  return semverValid(version) === version;
}
export const ZSkillVersion = z
  .string()
  .trim()
  .min(1, { abort: true })
  .max(100)
  .refine(isExactVersion, "must be one exact version such as 1.4.2 (semver), never a range (^1.4, ~1, 1.x, *) or a tag (latest)");

/** Where a skill comes from: a package registry or a repository. */
export const SKILL_REGISTRIES = ["npm", "clawhub", "git"] as const;
export const ZSkillRegistry = z.enum(SKILL_REGISTRIES);
export type TSkillRegistry = z.infer<typeof ZSkillRegistry>;
export const SKILL_REGISTRY_LABELS: Record<TSkillRegistry, string> = { npm: "npm", clawhub: "ClawHub", git: "Git repository" };

/** npm: a package name (`@openclaw/skill-github`); ClawHub: an https URL; git: an https, `git+https` or `ssh` URL. */
const SOURCE_RULES: Record<TSkillRegistry, { pattern: RegExp; message: string }> = {
  npm: { pattern: SKILL_NAME_PATTERN, message: "an npm package name such as @openclaw/skill-github" },
  clawhub: { pattern: /^https:\/\/[^\s/]+\/\S+$/, message: "the skill's https URL on ClawHub" },
  git: { pattern: /^(?:https:\/\/|git\+https:\/\/|ssh:\/\/)[^\s/]+\/\S+$/, message: "the repository's https://, git+https:// or ssh:// URL" },
};

/** The source a skill is installed from, validated for its registry. */
export const ZSkillSource = z
  .object({
    registry: ZSkillRegistry,
    package: z.string().trim().min(1, { abort: true }).max(500).describe("npm: the package name; ClawHub and git: the URL"),
  })
  .strict()
  .superRefine((s, ctx) => {
    const rule = SOURCE_RULES[s.registry];
    if (!rule.pattern.test(s.package)) ctx.addIssue({ code: "custom", path: ["package"], message: `must be ${rule.message}` });
  })
  .meta({ id: "SkillSource" });
export type TSkillSource = z.infer<typeof ZSkillSource>;

export const SKILL_STATUSES = ["pending", "approved", "rejected"] as const;
export const ZSkillStatus = z.enum(SKILL_STATUSES);
export type TSkillStatus = z.infer<typeof ZSkillStatus>;

const ZNotes = z.string().trim().max(2000).nullable();

/** `POST /skills`: registers one version of a skill; it starts `pending`. */
export const ZCreateSkillRequest = z
  .object({
    name: ZSkillName.describe("What bots' allowed tools name, e.g. `openclaw-skill-github` in `openclaw-skill-github@1.4.2`"),
    version: ZSkillVersion,
    source: ZSkillSource,
    owner: z.email().trim().toLowerCase().describe("The person responsible for the skill in the org (an active person)"),
    notes: ZNotes.optional(),
  })
  .strict()
  .meta({ id: "CreateSkillRequest" });
export type TCreateSkillRequest = z.input<typeof ZCreateSkillRequest>;

/**
 * `PATCH /skills/{id}`: name and version never change (another version is another entry).
 * A new source sends an approved or rejected entry back to `pending`: what was reviewed changed.
 */
export const ZUpdateSkillRequest = z
  .object({ source: ZSkillSource, owner: z.email().trim().toLowerCase(), notes: ZNotes })
  .partial()
  .strict()
  .meta({ id: "UpdateSkillRequest" });
export type TUpdateSkillRequest = z.input<typeof ZUpdateSkillRequest>;

export const SKILL_REVIEW_DECISIONS = ["approve", "reject"] as const;
/** `POST /skills/{id}/review`: security approves or rejects a version (again, to revoke an approval). */
export const ZSkillReviewRequest = z
  .object({
    decision: z.enum(SKILL_REVIEW_DECISIONS),
    note: z.string().trim().max(2000).nullable().optional().describe("Why; kept on the entry and in the audit log"),
  })
  .strict()
  .meta({ id: "SkillReviewRequest" });
export type TSkillReviewRequest = z.input<typeof ZSkillReviewRequest>;

export const ZSkill = z
  .object({
    id: z.uuid(),
    name: z.string(),
    version: z.string(),
    ref: z.string().describe("`name@version`, as a bot's allowed tools write it"),
    source: z.object({ registry: ZSkillRegistry, package: z.string() }),
    owner: ZPersonRef.nullable(),
    status: ZSkillStatus,
    notes: z.string().nullable(),
    reviewNote: z.string().nullable(),
    reviewedBy: ZPersonRef.nullable(),
    reviewedAt: ZTimestamp.nullable(),
    createdBy: ZPersonRef.nullable().describe("Who registered this version (never its reviewer)"),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
    usedBy: z.number().int().describe("Bots (not offboarded) whose allowed tools name this version"),
  })
  .meta({ id: "Skill" });
export type TSkill = z.infer<typeof ZSkill>;

export const ZListSkillsQuery = ZPageQuery.extend({
  status: ZSkillStatus.optional(),
  q: z.string().trim().max(200).optional().describe("Case-insensitive search in name and source"),
});
export type TListSkillsQuery = z.input<typeof ZListSkillsQuery>;
export const ZSkillPage = page(ZSkill).meta({ id: "SkillPage" });

/**
 * How one of a bot's allowed tools stands against the registry:
 * `approved` (may be used), `pending` / `rejected` (registered, not approved), `unregistered`
 * (no entry with that name and version), `unpinned` (no exact version: `gh`, `gh@^2`, `gh@latest`).
 */
export const BOT_SKILL_STATES = ["approved", "pending", "rejected", "unregistered", "unpinned"] as const;
export const ZBotSkillState = z.enum(BOT_SKILL_STATES);
export type TBotSkillState = z.infer<typeof ZBotSkillState>;

export const ZBotSkill = z
  .object({
    tool: z.string().describe("The entry of the bot's allowed tools, as written"),
    name: z.string(),
    version: z.string().nullable().describe("null when the tool names no version"),
    state: ZBotSkillState,
    skillId: z.uuid().nullable().describe("The registry entry, when one has this name and version"),
  })
  .meta({ id: "BotSkill" });
export type TBotSkill = z.infer<typeof ZBotSkill>;
export const ZBotSkills = z
  .object({
    botId: z.uuid(),
    items: z.array(ZBotSkill),
    editable: z.string().describe("Where the list is edited: the bot's runtime profile, `runtimeProfile.allowedTools` (PATCH /bots/{id})"),
  })
  .meta({ id: "BotSkills" });
export type TBotSkills = z.infer<typeof ZBotSkills>;

/** `name@version` split at its last `@` (a scoped name starts with one): `{ name, version | null }`. */
export function parseToolRef(tool: string): { name: string; version: string | null } {
  const t = tool.trim();
  const at = t.lastIndexOf("@");
  if (at <= 0) return { name: t.toLowerCase(), version: null };
  return { name: t.slice(0, at).toLowerCase(), version: t.slice(at + 1) };
}
