import { z } from "zod";
import { ZTimestamp } from "./common-exports.ts";

/**
 * Persistent instructions (DESIGN.md): the files that steer an agent across sessions (SOUL.md,
 * MEMORY.md, USER.md, AGENTS.md, and others by name), kept per bot as versions. A version is
 * uploaded by the bot's owner (or an admin or IT) in the console or by the bot's runtime with its
 * token; a file marked "requires review" keeps a new version `pending_review` until a human
 * reviews it (packages/policy `instructionReviewRefusal`); only approved versions are current.
 */

/** The most one version may hold: 256 KiB of UTF-8 text. */
export const INSTRUCTION_MAX_BYTES = 256 * 1024;
/** File names: at most this many characters. */
export const INSTRUCTION_NAME_MAX = 80;
/** The extensions an instruction file may have: text formats an agent loads into its context. */
export const INSTRUCTION_EXTENSIONS = [".md", ".markdown", ".txt", ".yaml", ".yml", ".json", ".toml"] as const;
/** The usual files of an OpenClaw-style agent, offered first by the console. */
export const WELL_KNOWN_INSTRUCTION_FILES = ["SOUL.md", "AGENTS.md", "USER.md", "MEMORY.md", "TOOLS.md", "IDENTITY.md"] as const;

/** A safe file name: one path segment of letters, digits, `.`, `_`, `-`, starting with a letter or digit, with a text extension. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ZInstructionFileName = z
  .string()
  .min(1, { abort: true })
  .max(INSTRUCTION_NAME_MAX)
  .regex(NAME, "a file name of letters, digits, `.`, `_` or `-`, starting with a letter or digit (no folders)")
  .refine((n) => !n.includes(".."), "must not contain `..`")
  .refine(
    (n) => INSTRUCTION_EXTENSIONS.some((ext) => n.toLowerCase().endsWith(ext) && n.length > ext.length),
    `must end in a text extension: ${INSTRUCTION_EXTENSIONS.join(", ")}`,
  )
  .describe("e.g. `SOUL.md`; unique per bot, ignoring case");

/** Bytes of `text` in UTF-8 (what the size limit and the SHA-256 count). */
export const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** `POST /bots/{id}/instructions/files/{name}/versions`: a new version of a file (created with its first version). */
export const ZUploadInstructionRequest = z
  .object({
    content: z
      .string()
      .refine((c) => !c.includes("\u0000"), "must be text (it holds a NUL character)")
      .refine((c) => utf8Bytes(c) <= INSTRUCTION_MAX_BYTES, `must be at most ${INSTRUCTION_MAX_BYTES / 1024} KiB of UTF-8 text`)
      .describe(`The whole file, UTF-8 text, at most ${INSTRUCTION_MAX_BYTES} bytes`),
    loadedByDefault: z.boolean().optional().describe("Loaded into the agent's context at every session start; default: as the previous version, else true"),
  })
  .strict()
  .meta({ id: "UploadInstructionRequest" });
export type TUploadInstructionRequest = z.input<typeof ZUploadInstructionRequest>;

export const INSTRUCTION_VERSION_STATUSES = ["approved", "pending_review", "rejected", "superseded"] as const;
export const ZInstructionVersionStatus = z.enum(INSTRUCTION_VERSION_STATUSES);
export type TInstructionVersionStatus = z.infer<typeof ZInstructionVersionStatus>;

/** Who uploaded or reviewed a version, as the server saw it. */
export const ZInstructionActor = z
  .object({
    type: z.enum(["person", "bot"]),
    id: z.uuid().nullable(),
    label: z.string().describe("The person's email, or the bot's name"),
  })
  .meta({ id: "InstructionActor" });
export type TInstructionActor = z.infer<typeof ZInstructionActor>;

/** One version, without its content. */
export const ZInstructionVersionSummary = z
  .object({
    id: z.uuid(),
    file: z.string(),
    version: z.number().int().describe("1, 2, 3, ... per file"),
    sha256: z.string().describe("SHA-256 of the content's UTF-8 bytes, lowercase hex"),
    bytes: z.number().int(),
    loadedByDefault: z.boolean(),
    status: ZInstructionVersionStatus,
    reviewRequired: z.boolean().describe("The file required review when this version was uploaded"),
    uploadedBy: ZInstructionActor,
    uploadedAt: ZTimestamp,
    reviewedBy: ZInstructionActor.nullable(),
    reviewedAt: ZTimestamp.nullable(),
    reviewNote: z.string().nullable(),
    currentFrom: ZTimestamp.nullable().describe("When it became the file's current version (approved); null while pending, or if never"),
  })
  .meta({ id: "InstructionVersionSummary" });
export type TInstructionVersionSummary = z.infer<typeof ZInstructionVersionSummary>;

export const ZInstructionVersion = ZInstructionVersionSummary.extend({ content: z.string() }).meta({ id: "InstructionVersion" });
export type TInstructionVersion = z.infer<typeof ZInstructionVersion>;

/** The upload's answer: the version, and whether it was new (201) or the same as the latest (200). */
export const ZUploadInstructionResult = ZInstructionVersionSummary.extend({
  unchanged: z.boolean().describe("true when the content and loadedByDefault equal the file's latest version: nothing was created"),
}).meta({ id: "UploadInstructionResult" });

/** A file of a bot, for the console: its settings, current version and the version waiting for review. */
export const ZInstructionFile = z
  .object({
    name: z.string(),
    requiresReview: z.boolean(),
    versions: z.number().int(),
    current: ZInstructionVersionSummary.nullable(),
    pending: ZInstructionVersionSummary.nullable(),
    latest: ZInstructionVersionSummary,
  })
  .meta({ id: "InstructionFile" });
export type TInstructionFile = z.infer<typeof ZInstructionFile>;
export const ZInstructionFileList = z.object({ botId: z.uuid(), items: z.array(ZInstructionFile) }).meta({ id: "InstructionFileList" });

/** `PATCH /bots/{id}/instructions/files/{name}`. */
export const ZUpdateInstructionFileRequest = z
  .object({ requiresReview: z.boolean().describe("New versions wait for a human's review before they become current") })
  .strict()
  .meta({ id: "UpdateInstructionFileRequest" });

/** `POST .../versions/{version}/review`. */
export const ZInstructionReviewRequest = z
  .object({ decision: z.enum(["approve", "reject"]), note: z.string().trim().max(2000).nullable().optional() })
  .strict()
  .meta({ id: "InstructionReviewRequest" });
export type TInstructionReviewRequest = z.input<typeof ZInstructionReviewRequest>;

/**
 * The instructions in force at a moment: for each file, the version current then (approved at or
 * before `at`), with its content and SHA-256. A runtime loads these and checks each hash.
 */
export const ZInstructionSet = z
  .object({
    botId: z.uuid(),
    at: ZTimestamp.describe("The moment the set was taken at"),
    files: z.array(ZInstructionVersion),
  })
  .meta({ id: "InstructionSet" });
export type TInstructionSet = z.infer<typeof ZInstructionSet>;
export const ZInstructionSetQuery = z.object({
  at: ZTimestamp.optional().describe("ISO-8601 timestamp; default now. The set as it was at that moment"),
});
