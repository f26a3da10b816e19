import { ZBotGatedActionItem, ZErrorEnvelope, ZGatedAction, ZGatedActionOverride, ZGatedActionRule, ZGatedActionVersionDetail, ZGatedActionVersionSummary } from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { GatedActionsService } from "./gated-actions.service.ts";

const ZRuleFields = ZGatedActionRule.omit({ action: true }).strict().meta({ id: "GatedActionRuleFields" });
const ZOverrideFields = ZGatedActionOverride.omit({ action: true }).partial().strict().meta({ id: "GatedActionOverrideFields" });

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/**
 * Gated-action policy. Everyone signed in reads the org's rules; admins (`policy.update`) change
 * them. Per-bot overrides: read by whoever may read the bot; set or removed by admins and IT
 * (`policy.update` or `bots.write_all`); an override only tightens, unless the bot has an approved,
 * unexpired Golden Rule exception (then admins may loosen).
 */
export function gatedActionsRoutes(svc: GatedActionsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.get(
      "/gated-actions",
      {
        schema: {
          operationId: "listGatedActions",
          tags: ["gated-actions"],
          summary: "The org's rule for each gated action: mode, approver role, approvals required (2 = dual control), request lifetime",
          response: { 200: z.object({ items: z.array(ZGatedActionRule) }), 401: ZErrorEnvelope },
        },
      },
      async () => svc.list(),
    );
    r.get(
      "/gated-actions/versions",
      {
        schema: {
          operationId: "listGatedActionVersions",
          tags: ["gated-actions"],
          summary: "Every kept version of the org's gated-action rules, newest first: who saved it, when, how (update, rollback, baseline), and the policy version it produced",
          response: { 200: z.object({ items: z.array(ZGatedActionVersionSummary) }), 401: ZErrorEnvelope },
        },
      },
      async () => svc.versions(),
    );
    r.get(
      "/gated-actions/versions/:version",
      {
        schema: {
          operationId: "getGatedActionVersion",
          tags: ["gated-actions"],
          summary: "One version of the org's gated-action rules in full (action -> rule), with its diff against the version kept before it",
          params: z.object({ version: z.coerce.number().int().min(1).max(2_147_483_647) }),
          response: { 200: ZGatedActionVersionDetail, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request) => svc.version(request.params.version),
    );
    r.post(
      "/gated-actions/versions/:version/rollback",
      {
        schema: {
          operationId: "rollbackGatedActions",
          tags: ["gated-actions"],
          summary: "Set every org gated-action rule back to a version's (admin): one action, a new version, one policy version bump; per-bot overrides stay. Audited as `gated_action.rollback`",
          params: z.object({ version: z.coerce.number().int().min(1).max(2_147_483_647) }),
          response: { 200: z.object({ items: z.array(ZGatedActionRule) }), 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.rollback(ctx(request), request.params.version),
    );
    r.put(
      "/gated-actions/:action",
      {
        schema: {
          operationId: "updateGatedAction",
          tags: ["gated-actions"],
          summary: "Change the org's rule for one gated action (admin); bumps the policy version",
          params: z.object({ action: ZGatedAction }),
          body: ZRuleFields,
          response: { 200: ZGatedActionRule, ...errors },
        },
      },
      async (request) => svc.update(ctx(request), request.params.action, request.body),
    );
    r.get(
      "/bots/:id/gated-actions",
      {
        schema: {
          operationId: "listBotGatedActions",
          tags: ["gated-actions"],
          summary: "For one bot, each gated action's org rule, the bot's override and the effective rule",
          params: z.object({ id: z.uuid() }),
          response: { 200: z.object({ items: z.array(ZBotGatedActionItem) }), 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.botRules(ctx(request), request.params.id),
    );
    r.put(
      "/bots/:id/gated-actions/:action",
      {
        schema: {
          operationId: "setBotGatedActionOverride",
          tags: ["gated-actions"],
          summary: "Set a bot's override (admin, IT); it may only tighten the org's rule unless the bot has an approved, unexpired Golden Rule exception",
          params: z.object({ id: z.uuid(), action: ZGatedAction }),
          body: ZOverrideFields,
          response: { 200: ZBotGatedActionItem, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.setOverride(ctx(request), request.params.id, request.params.action, request.body),
    );
    r.delete(
      "/bots/:id/gated-actions/:action",
      {
        schema: {
          operationId: "removeBotGatedActionOverride",
          tags: ["gated-actions"],
          summary: "Remove a bot's override (admin, IT); the org's rule applies again",
          params: z.object({ id: z.uuid(), action: ZGatedAction }),
          response: { 204: z.null().describe("Removed"), 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => {
        await svc.removeOverride(ctx(request), request.params.id, request.params.action);
        return reply.code(204).send(null);
      },
    );
  };
}
