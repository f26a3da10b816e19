import {
  ZApprovalCount,
  ZApprovalPreview,
  ZApprovalRequestPage,
  ZApprovalRequest,
  ZCreateApprovalRequest,
  ZErrorEnvelope,
  ZListApprovalRequestsQuery,
  ZReviewRequest,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { ApprovalReviewService } from "./approvals.review.ts";
import type { ApprovalsService } from "./approvals.service.ts";

const ZParams = z.object({ id: z.uuid() });
const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };

/**
 * Approval requests, the human side (DESIGN.md "Approval request"). Bot runtime tokens never reach
 * these routes: they sit behind the human auth scope. `GET /approval-requests/{id}` (with the
 * runtime's long-poll) lives in the decisions module.
 * - owners (anyone who can manage the bot) open scope expansions, Golden Rule exceptions and
 *   ownership transfers, and preview them live;
 * - `bots.read_all` (admin, security, IT, auditor) reads the whole inbox; others read their own
 *   requests and requests about their bots;
 * - reviewers hold the request's approver role exactly (security for scope expansions and
 *   exceptions, IT for transfers, the gated-action policy's role for gated actions).
 */
export function approvalsRoutes(svc: ApprovalsService, reviews: ApprovalReviewService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.get(
      "/approval-requests",
      {
        schema: {
          operationId: "listApprovalRequests",
          tags: ["approvals"],
          summary: "The approvals inbox, newest first: each request with requester, the bot's scope, its effect, reasons and reviews",
          querystring: ZListApprovalRequestsQuery,
          response: { 200: ZApprovalRequestPage, ...errors },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.get(
      "/approval-requests/count",
      {
        schema: {
          operationId: "countApprovalRequests",
          tags: ["approvals"],
          summary: "How many pending requests the caller could approve now (the navigation badge)",
          response: { 200: ZApprovalCount, 401: ZErrorEnvelope },
        },
      },
      async (request) => svc.pendingCount(ctx(request)),
    );
    r.post(
      "/approval-requests/preview",
      {
        schema: {
          operationId: "previewApprovalRequest",
          tags: ["approvals"],
          summary: "What a request would change and what policy says about it (the same body as creating it); writes nothing",
          body: ZCreateApprovalRequest,
          response: { 200: ZApprovalPreview, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.preview(ctx(request), request.body),
    );
    r.post(
      "/approval-requests",
      {
        schema: {
          operationId: "createApprovalRequest",
          tags: ["approvals"],
          summary:
            "Request a scope expansion, a Golden Rule exception (optionally with the grant it is for) or an ownership transfer for a bot you manage. " +
            "A scope expansion that would break the Golden Rule is refused with 400: send it as a golden_rule_exception with payload.grant",
          body: ZCreateApprovalRequest,
          response: { 201: ZApprovalRequest, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await svc.create(ctx(request), request.body)),
    );
    r.post(
      "/approval-requests/:id/approve",
      {
        schema: {
          operationId: "approveApprovalRequest",
          tags: ["approvals"],
          summary:
            "Approve (reviewers with the request's approver role; never the requester or the bot's owner). The last required approval applies the change atomically",
          params: ZParams,
          body: ZReviewRequest.nullish(),
          response: { 200: ZApprovalRequest, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => reviews.approve(ctx(request), request.params.id, request.body?.note),
    );
    r.post(
      "/approval-requests/:id/deny",
      {
        schema: {
          operationId: "denyApprovalRequest",
          tags: ["approvals"],
          summary: "Deny with a note (same reviewers as approve); one deny ends the request",
          params: ZParams,
          body: ZReviewRequest.nullish(),
          response: { 200: ZApprovalRequest, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => reviews.deny(ctx(request), request.params.id, request.body?.note),
    );
    r.post(
      "/approval-requests/:id/cancel",
      {
        schema: {
          operationId: "cancelApprovalRequest",
          tags: ["approvals"],
          summary: "Withdraw your own pending request",
          params: ZParams,
          response: { 200: ZApprovalRequest, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => reviews.cancel(ctx(request), request.params.id),
    );
  };
}
