import {
  ZAccessReviewCampaign,
  ZAccessReviewItemDetail,
  ZAccessReviewItemSummary,
  ZDecideAccessReviewItemRequest,
  ZErrorEnvelope,
  ZStartAccessReviewRequest,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { AccessReviewsService } from "./access-reviews.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };
const ZCampaignWithItems = ZAccessReviewCampaign.extend({ items: z.array(ZAccessReviewItemSummary) }).meta({ id: "AccessReviewCampaignWithItems" });

/**
 * Access reviews. Admins (`reviews.manage`) start campaigns; admins and auditors
 * (`reviews.read_all`) read them and export evidence packs; every person reads and decides the
 * items of the bots they own ("My reviews"); admins decide orphans' items and any other.
 */
export function accessReviewsRoutes(svc: AccessReviewsService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.post(
      "/access-reviews",
      {
        schema: {
          operationId: "startAccessReview",
          tags: ["access-reviews"],
          summary: "Start an access review campaign now, of all live bots or one team's (admin): one item per bot, assigned to its owner (orphans to admins)",
          body: ZStartAccessReviewRequest,
          response: { 201: ZAccessReviewCampaign, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.start(ctx(request), request.body)),
    );
    r.get(
      "/access-reviews",
      {
        schema: {
          operationId: "listAccessReviews",
          tags: ["access-reviews"],
          summary: "Every access review campaign, newest first, with progress (admins, auditors)",
          response: { 200: z.object({ items: z.array(ZAccessReviewCampaign) }), ...errors },
        },
      },
      async (request) => svc.list(ctx(request)),
    );
    r.get(
      "/access-reviews/:id",
      {
        schema: {
          operationId: "getAccessReview",
          tags: ["access-reviews"],
          summary: "One campaign with its progress and every item (admins, auditors)",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZCampaignWithItems, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.get(ctx(request), request.params.id),
    );
    r.get(
      "/access-reviews/:id/evidence",
      {
        schema: {
          operationId: "exportAccessReviewEvidence",
          tags: ["access-reviews"],
          summary:
            "The campaign's evidence pack as CSV or JSON (AccessReviewEvidence): each bot, its owner, grants at review time, the decision, what was removed, who decided and when (admins, auditors; audited)",
          params: z.object({ id: z.uuid() }),
          querystring: z.object({ format: z.enum(["csv", "json"]).default("json") }).strict(),
          response: { 200: z.string(), 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => {
        const body = await svc.evidence(ctx(request), request.params.id, request.query.format);
        reply
          .header("content-type", request.query.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8")
          .header("content-disposition", `attachment; filename="bridle-access-review-${request.params.id}.${request.query.format}"`);
        return body;
      },
    );
    r.get(
      "/access-review-items",
      {
        schema: {
          operationId: "listMyAccessReviewItems",
          tags: ["access-reviews"],
          summary: "My reviews: the items of the bots I own (and, for admins, orphans' items), pending first",
          response: { 200: z.object({ items: z.array(ZAccessReviewItemSummary) }), 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.mine(ctx(request)),
    );
    r.get(
      "/access-review-items/:id",
      {
        schema: {
          operationId: "getAccessReviewItem",
          tags: ["access-reviews"],
          summary: "Everything needed to decide one item: grants (used or not in the look-back window), channels, credential references, findings, recent decisions and approvals",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZAccessReviewItemDetail, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.item(ctx(request), request.params.id),
    );
    r.post(
      "/access-review-items/:id/decision",
      {
        schema: {
          operationId: "decideAccessReviewItem",
          tags: ["access-reviews"],
          summary: "Decide an item (the bot's owner, or an admin): keep; reduce (removes the picked grants, channels, credential references at once); or offboard (opens an offboarding case)",
          params: z.object({ id: z.uuid() }),
          body: ZDecideAccessReviewItemRequest,
          response: { 200: ZAccessReviewItemDetail, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.decide(ctx(request), request.params.id, request.body),
    );
  };
}
