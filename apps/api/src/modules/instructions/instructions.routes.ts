import {
  ZErrorEnvelope,
  ZInstructionFile,
  ZInstructionFileList,
  ZInstructionFileName,
  ZInstructionReviewRequest,
  ZInstructionSet,
  ZInstructionSetQuery,
  ZInstructionVersion,
  ZInstructionVersionSummary,
  ZUpdateInstructionFileRequest,
  ZUploadInstructionRequest,
  ZUploadInstructionResult,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import { callerOf } from "../decisions/index.ts";
import type { InstructionsCaller, InstructionsService } from "./instructions.service.ts";

const ZBot = z.object({ id: z.uuid() });
const ZFile = ZBot.extend({ name: ZInstructionFileName });
const ZVersion = ZFile.extend({ version: z.coerce.number().int().min(1).max(1_000_000) });
const errors = { 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope };
const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });

/**
 * The console's side of persistent instructions (human auth, `/api/v1`): a bot's files, each
 * file's history, one version with its content, the file's review setting, and reviews.
 * Reading: the bot's owner and `bots.read_all`. See the service for who may change what.
 */
export function instructionsRoutes(svc: InstructionsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      "/bots/:id/instructions/files",
      {
        schema: {
          operationId: "listInstructionFiles",
          tags: ["instructions"],
          summary: "A bot's persistent instruction files (SOUL.md, MEMORY.md, ...), each with its current version and the one waiting for review",
          params: ZBot,
          response: { 200: ZInstructionFileList, ...errors },
        },
      },
      async (request) => svc.files(ctx(request), request.params.id),
    );
    r.get(
      "/bots/:id/instructions/files/:name/versions",
      {
        schema: {
          operationId: "listInstructionVersions",
          tags: ["instructions"],
          summary: "Every version of one instruction file, newest first (without content)",
          params: ZFile,
          response: { 200: z.object({ file: z.string(), requiresReview: z.boolean(), items: z.array(ZInstructionVersionSummary) }), 400: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.versions(ctx(request), request.params.id, request.params.name),
    );
    r.get(
      "/bots/:id/instructions/files/:name/versions/:version",
      {
        schema: {
          operationId: "getInstructionVersion",
          tags: ["instructions"],
          summary: "One version of an instruction file with its content (diff two of them to compare)",
          params: ZVersion,
          response: { 200: ZInstructionVersion, 400: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.version(ctx(request), request.params.id, request.params.name, request.params.version),
    );
    r.patch(
      "/bots/:id/instructions/files/:name",
      {
        schema: {
          operationId: "updateInstructionFile",
          tags: ["instructions"],
          summary: "Mark a file as requiring review (the bot's owner, admins, IT or security) or not (security only)",
          params: ZFile,
          body: ZUpdateInstructionFileRequest,
          response: { 200: ZInstructionFile, 400: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.updateFile(ctx(request), request.params.id, request.params.name, request.body),
    );
    r.post(
      "/bots/:id/instructions/files/:name/versions/:version/review",
      {
        schema: {
          operationId: "reviewInstructionVersion",
          tags: ["instructions"],
          summary: "Approve (it becomes current now) or reject a version waiting for review: the bot's owner or security, never its uploader",
          description: "403 `forbidden` with `details.reason` (`own_upload`, `not_reviewer`, `bot_identity`), audited; 409 when the version is not waiting for review.",
          params: ZVersion,
          body: ZInstructionReviewRequest,
          response: { 200: ZInstructionVersionSummary, 400: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.review(ctx(request), request.params.id, request.params.name, request.params.version, request.body),
    );
  };
}

/** The caller of a runtime-scope route: a bot runtime token, or a person. */
function callerFrom(request: FastifyRequest): InstructionsCaller {
  const c = callerOf(request);
  return c.kind === "bot" ? { kind: "bot", botId: c.bot.botId, requestId: request.id } : { kind: "person", ctx: { principal: c.principal, requestId: request.id } };
}

/**
 * The routes a bot's runtime calls with its token (registered in the decisions module's runtime
 * scope, which authenticates bot tokens; people with a session or API token are served too):
 * the instructions in force now or at a time T, and uploading a version.
 */
export function instructionsRuntimeRoutes(svc: InstructionsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
    r.get(
      "/bots/:id/instructions",
      {
        config: { callers: "bot_or_person" },
        schema: {
          operationId: "getInstructionsAt",
          tags: ["instructions"],
          summary: "The bot's instructions as they were at time `at` (default now): each file's version current then, with content and SHA-256",
          description: "Bot runtime token (its own bot only; another bot's token gets 403, audited) or a person who may read the bot. Incidents and reviews pin this answer by its `at`.",
          security,
          params: ZBot,
          querystring: ZInstructionSetQuery,
          response: { 200: ZInstructionSet, 400: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.instructionSet(callerFrom(request), request.params.id, request.query.at ? new Date(request.query.at) : null),
    );
    r.get(
      "/bots/:id/instructions/current",
      {
        config: { callers: "bot_or_person" },
        schema: {
          operationId: "getCurrentInstructions",
          tags: ["instructions"],
          summary: "The bot's current instructions (approved versions only), with content and SHA-256: what a runtime loads at start",
          security,
          params: ZBot,
          response: { 200: ZInstructionSet, ...errors },
        },
      },
      async (request) => svc.instructionSet(callerFrom(request), request.params.id, null),
    );
    r.post(
      "/bots/:id/instructions/files/:name/versions",
      {
        config: { callers: "bot_or_person" },
        schema: {
          operationId: "uploadInstructionVersion",
          tags: ["instructions"],
          summary: "Upload a new version of an instruction file (the bot's runtime, its owner, admins, IT)",
          description:
            "201 with the new version: current at once, or `pending_review` when the file requires review (a version still waiting is then `superseded`). " +
            "200 with `unchanged: true` when the content and `loadedByDefault` equal the latest version. " +
            "400 `validation_failed` when the content looks like it holds a secret: each field error names the file, line and rule, never the value (the attempt is audited as `instructions.upload_refused`). " +
            "409 for an offboarded bot, or a runtime whose bot is not active.",
          security,
          params: ZFile,
          body: ZUploadInstructionRequest,
          response: { 200: ZUploadInstructionResult, 201: ZUploadInstructionResult, 400: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => {
        const result = await svc.upload(callerFrom(request), request.params.id, request.params.name, request.body);
        return reply.code(result.unchanged ? 200 : 201).send(result);
      },
    );
  };
}
