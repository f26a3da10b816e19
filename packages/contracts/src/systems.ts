import { z } from "zod";
import { ZSystemClassification, type TSystemClassification } from "./common-exports.ts";
import { ZConnectedSystem, ZSystemKey } from "./policy.ts";

/**
 * The connected system catalog (GitHub, Slack, Gmail, ...): what a bot's grants, service accounts
 * and credential references point at. The classification drives the Golden Rule (README "Rules").
 */
const ZSystemName = z.string().trim().min(1, "give the system a name").max(120);
const ZSystemDescription = z.string().trim().max(500).nullable();

export const ZCreateSystemRequest = z
  .object({
    key: ZSystemKey.describe("Stable key used in grants (`github:issues:write`), e.g. `github`; cannot be changed later"),
    name: ZSystemName,
    classification: ZSystemClassification,
    description: ZSystemDescription.optional(),
  })
  .strict()
  .meta({ id: "CreateSystemRequest" });
export type TCreateSystemRequest = z.infer<typeof ZCreateSystemRequest>;

export const ZUpdateSystemRequest = z
  .object({ name: ZSystemName, classification: ZSystemClassification, description: ZSystemDescription })
  .partial()
  .strict()
  .meta({ id: "UpdateSystemRequest" });
export type TUpdateSystemRequest = z.infer<typeof ZUpdateSystemRequest>;

/** A catalog entry with how many records point at it (a system in use cannot be deleted). */
export const ZSystemDetail = ZConnectedSystem.extend({
  usage: z.object({
    grants: z.number().int(),
    serviceAccounts: z.number().int(),
    credentialReferences: z.number().int(),
  }),
}).meta({ id: "SystemDetail" });
export type TSystemDetail = z.infer<typeof ZSystemDetail>;

export const ZSystemWriteResult = ZSystemDetail.extend({
  recomputed: z.number().int().describe("Bots whose findings changed with this write"),
}).meta({ id: "SystemWriteResult" });

/** One entry of an organization or import file's `systems:` block (same shape as the create request). */
export const ZSystemImportEntry = z
  .object({
    key: ZSystemKey,
    name: ZSystemName,
    classification: ZSystemClassification,
    description: z.string().trim().max(500).nullable().optional(),
  })
  .strict();
export type TSystemImportEntry = z.infer<typeof ZSystemImportEntry>;

/**
 * The first-run checklist, computed from the organization's real state. Each step is `done` when
 * its condition holds now (not when someone ticked it).
 */
export const ZSetupStatus = z
  .object({
    steps: z.array(
      z.object({
        key: z.enum(["sso", "teams", "systems", "channels", "first_bot"]),
        done: z.boolean(),
        detail: z.string().describe("What is in place, or what is missing, in a sentence"),
      }),
    ),
    complete: z.boolean().describe("Every step is done"),
    scimEnabled: z.boolean(),
  })
  .meta({ id: "SetupStatus" });
export type TSetupStatus = z.infer<typeof ZSetupStatus>;
export type TSetupStepKey = TSetupStatus["steps"][number]["key"];

/** How the console names each classification, and what it means for the Golden Rule (README "Rules"). */
export const SYSTEM_CLASSIFICATION_INFO: Record<TSystemClassification, { label: string; meaning: string }> = {
  internal_data: { label: "Internal data", meaning: "Access to it is internal data access" },
  external_communication: { label: "External communication", meaning: "Access to it talks outside the company" },
  both: { label: "Both", meaning: "Reading is internal data access; writing also talks outside (e.g. Gmail)" },
  neither: { label: "Neither", meaning: "Neither internal data nor external communication" },
};
