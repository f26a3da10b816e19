import { z } from "zod";
import { ZTimestamp, ZUuid } from "./common.ts";

/**
 * The kill switch (kill-switch module): one action halts the bots of a scope while it is engaged.
 * `pause` denies every decision of those bots; `read_only` denies all but read-only actions
 * (`*.read`, see `isReadOnlyAction` in @bridle/policy). A switch covers the bots in its scope at
 * each decision, so a bot that joins the scope later (a new bot on the team, a bot given the
 * channel or the skill) is halted too. Resuming is explicit, with a reason.
 */
export const KILL_SWITCH_SCOPES = ["bot", "team", "channel", "skill", "all"] as const;
export const ZKillSwitchScopeKind = z.enum(KILL_SWITCH_SCOPES);
export type TKillSwitchScopeKind = z.infer<typeof ZKillSwitchScopeKind>;

export const KILL_SWITCH_MODES = ["pause", "read_only"] as const;
export const ZKillSwitchMode = z.enum(KILL_SWITCH_MODES);
export type TKillSwitchMode = z.infer<typeof ZKillSwitchMode>;

/** `active` (engaged), `resume_requested` (still engaged; waits for a second person), `resumed`. */
export const ZKillSwitchStatus = z.enum(["active", "resume_requested", "resumed"]);
export type TKillSwitchStatus = z.infer<typeof ZKillSwitchStatus>;

const ZReason = z.string().trim().min(3, "say why, in a few words").max(1000);

/**
 * The scope to halt. `subject`: the bot's id (`bot`), the team's id (`team`), the channel key
 * (`channel`, e.g. `slack`), the skill's name without version (`skill`, e.g. `web-search`); absent for `all`.
 */
export const ZKillSwitchScope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("bot"), subject: ZUuid }),
  z.object({ kind: z.literal("team"), subject: ZUuid }),
  z.object({ kind: z.literal("channel"), subject: z.string().trim().toLowerCase().min(1).max(60) }),
  z.object({ kind: z.literal("skill"), subject: z.string().trim().toLowerCase().min(1).max(200) }),
  z.object({ kind: z.literal("all") }),
]);
export type TKillSwitchScope = z.infer<typeof ZKillSwitchScope>;

export const ZEngageKillSwitchRequest = z
  .object({
    scope: ZKillSwitchScope,
    mode: ZKillSwitchMode.default("pause").describe("`pause` denies every decision; `read_only` denies all but read-only actions"),
    reason: ZReason.describe("Why (shown to the bots' runtimes in each denied decision, to every reader of the switch, and in the audit log)"),
  })
  .meta({ id: "EngageKillSwitchRequest" });
export type TEngageKillSwitchRequest = z.input<typeof ZEngageKillSwitchRequest>;

export const ZResumeKillSwitchRequest = z.object({ reason: ZReason.describe("Why it is safe to resume") }).meta({ id: "ResumeKillSwitchRequest" });

export const ZKillSwitch = z
  .object({
    id: ZUuid,
    scope: z.object({
      kind: ZKillSwitchScopeKind,
      subject: z.string().nullable().describe("bot or team id, channel key, skill name; null for `all`"),
      label: z.string().describe("how the scope read when engaged: a bot or team name, a channel, a skill, `every bot`"),
    }),
    mode: ZKillSwitchMode,
    reason: z.string(),
    status: ZKillSwitchStatus,
    engagedBy: z.string().describe("email of the person who engaged it, as the server saw them"),
    engagedAt: ZTimestamp,
    resumeRequest: z.object({ by: z.string(), at: ZTimestamp, reason: z.string() }).nullable().describe("a resume waiting for a second person"),
    resumed: z.object({ by: z.string(), at: ZTimestamp, reason: z.string() }).nullable(),
    haltedBots: z.number().int().describe("bots the switch halts now (0 once resumed)"),
  })
  .meta({ id: "KillSwitch" });
export type TKillSwitch = z.infer<typeof ZKillSwitch>;

export const ZKillSwitchListQuery = z.object({
  status: z.enum(["engaged", "resumed", "any"]).default("any").describe("`engaged`: active or waiting for a second person"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export const ZKillSwitchList = z.object({ items: z.array(ZKillSwitch), nextCursor: z.string().nullable() }).meta({ id: "KillSwitchList" });

/** A halted bot as the console shows it: which switches hold it. */
export const ZHaltedBot = z.object({ botId: ZUuid, bot: z.string(), mode: ZKillSwitchMode, switchIds: z.array(ZUuid) });
export type THaltedBot = z.infer<typeof ZHaltedBot>;

/** The engaged switches the caller may see and the bots they halt now (owners: their own bots only). */
export const ZKillSwitchStatusResponse = z
  .object({ engaged: z.array(ZKillSwitch), haltedBots: z.array(ZHaltedBot) })
  .meta({ id: "KillSwitchStatus" });
export type TKillSwitchStatusResponse = z.infer<typeof ZKillSwitchStatusResponse>;

/** What engaging would halt now (the confirmation dialog states the count). */
export const ZKillSwitchPreview = z
  .object({ label: z.string(), bots: z.array(z.object({ id: ZUuid, name: z.string() })), count: z.number().int() })
  .meta({ id: "KillSwitchPreview" });
export type TKillSwitchPreview = z.infer<typeof ZKillSwitchPreview>;

export const ZKillSwitchSettings = z
  .object({ resumeRequiresSecondPerson: z.boolean().describe("Resuming is a request a different person with kill_switch.manage confirms") })
  .meta({ id: "KillSwitchSettings" });
export type TKillSwitchSettings = z.infer<typeof ZKillSwitchSettings>;

/** The response of a resume: resumed at once, or a request waiting for a second person. */
export const ZResumeKillSwitchResponse = z.object({ switch: ZKillSwitch, outcome: z.enum(["resumed", "resume_requested"]) }).meta({ id: "ResumeKillSwitchResponse" });

/** A person the runbook names. */
export const ZRunbookPerson = z.object({ displayName: z.string(), email: z.string(), roles: z.array(z.string()) });

/**
 * The on-call runbook (GET /runbook), generated from data at each read: plain-language sections,
 * the people they name (active people, by role), and console paths to follow.
 */
export const ZRunbook = z
  .object({
    generatedAt: ZTimestamp,
    sections: z.array(
      z.object({
        id: z.enum(["who_can_pause", "kill_switch", "incident_owners", "search_first", "roll_back"]),
        title: z.string(),
        paragraphs: z.array(z.string()),
        people: z.array(ZRunbookPerson),
        links: z.array(z.object({ label: z.string(), path: z.string().describe("a console path, e.g. /kill-switch") })),
        code: z.string().nullable().describe("a command to copy (curl), when the section has one"),
      }),
    ),
  })
  .meta({ id: "Runbook" });
export type TRunbook = z.infer<typeof ZRunbook>;
