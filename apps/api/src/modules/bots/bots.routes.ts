import {
  ZBot,
  ZBotPage,
  ZCreateBotRequest,
  ZDirectTransferRequest,
  ZErrorEnvelope,
  ZListBotsQuery,
  ZOpenClawConfig,
  ZOpenClawConfigQuery,
  ZUpdateBotRequest,
} from "@bridle/contracts";
import { openClawFloor } from "@bridle/policy";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, publicBase } from "../../plugins/auth.ts";
import type { BotsService } from "./bots.service.ts";

const ZParams = z.object({ id: z.uuid() });
const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/**
 * Bot inventory. Permissions: `bots.read_all` (admin, security, IT, auditor) reads every bot;
 * everyone else reads and changes only the bots they own; `bots.write_all` (admin, IT) changes any
 * and transfers any at once. The owner changes only through a transfer, never through PATCH.
 */
export function botsRoutes(svc: BotsService, opts: { publicUrl?: string | undefined } = {}) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: { principal: unknown; id: string }) => ({
      principal: principalOf(request as never),
      requestId: request.id,
    });
    r.get(
      "/bots",
      {
        schema: {
          operationId: "listBots",
          tags: ["bots"],
          summary: "The bot inventory, filtered, sorted and cursor-paginated on the server",
          querystring: ZListBotsQuery,
          response: { 200: ZBotPage, ...errors },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.get(
      "/bots/:id",
      {
        schema: {
          operationId: "getBot",
          tags: ["bots"],
          summary: "One bot with its runtime profile, identity, grants, credential references and findings",
          params: ZParams,
          response: { 200: ZBot, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.get(ctx(request), request.params.id),
    );
    r.get(
      "/bots/:id/openclaw-config",
      {
        schema: {
          operationId: "getBotOpenClawConfig",
          tags: ["bots"],
          summary:
            "OpenClaw's static configuration for the bot (the floor beneath per-call decisions): per-agent tool allow/deny lists, " +
            "`tools.exec.mode` and the Bridle plugin entry, generated from the bot's gated actions, channels and runtime profile. " +
            "The bot token is never included: the config names it as `${BRIDLE_BOT_TOKEN_<AGENT>}`, from the gateway's environment. " +
            "`format=json5` answers the commented snippet alone as text. Owners and `bots.read_all`; 404 unknown bot, 403 (audited) another owner's",
          params: ZParams,
          querystring: ZOpenClawConfigQuery.strict(),
          response: { 200: z.union([ZOpenClawConfig, z.string()]), 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => {
        const bot = await svc.get(ctx(request), request.params.id);
        const { agentId, scope, format } = request.query;
        const floor = openClawFloor(bot, { agentId, scope, bridleUrl: publicBase(request, opts.publicUrl) });
        if (format === "json") return floor;
        reply
          .header("content-type", "application/json5; charset=utf-8")
          .header("content-disposition", `attachment; filename="openclaw.${bot.name}.json5"`);
        return floor.snippet;
      },
    );
    r.post(
      "/bots",
      {
        schema: {
          operationId: "createBot",
          tags: ["bots"],
          summary: "Register a bot; its email defaults to `<name>.bot@<domain>`",
          body: ZCreateBotRequest,
          response: { 201: ZBot, 409: ZErrorEnvelope, 413: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.body)),
    );
    r.patch(
      "/bots/:id",
      {
        schema: {
          operationId: "updateBot",
          tags: ["bots"],
          summary: "Change a bot; given fields replace stored ones; `version` guards against lost updates",
          params: ZParams,
          body: ZUpdateBotRequest,
          response: { 200: ZBot, 404: ZErrorEnvelope, 409: ZErrorEnvelope, 413: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.update(ctx(request), request.params.id, request.body),
    );
    r.post(
      "/bots/:id/transfer",
      {
        schema: {
          operationId: "transferBot",
          tags: ["bots"],
          summary:
            "IT and admins (`bots.write_all`) give the bot to a new, active owner at once, with a note kept in the audit log " +
            "(`bot.ownership_transferred`, `direct: true`). Owners request a transfer instead (`POST /approval-requests`, kind ownership_transfer)",
          params: ZParams,
          body: ZDirectTransferRequest,
          response: { 200: ZBot, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.transfer(ctx(request), request.params.id, request.body),
    );
  };
}
