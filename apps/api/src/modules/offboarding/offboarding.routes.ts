import {
  ZErrorEnvelope,
  ZListOffboardingCasesQuery,
  ZOffboardingBulkResponse,
  ZOffboardingCase,
  ZOffboardingCasePage,
  ZOffboardingOverview,
  ZOffboardingPlanRequest,
  ZOffboardPersonRequest,
  ZOffboardPersonResponse,
  ZRecordableOffboardingStep,
  ZRecordOffboardingStepRequest,
} from "@bridle/contracts";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../plugins/auth.ts";
import type { OffboardingService } from "./offboarding.service.ts";

const errors = { 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope };
const tags = ["offboarding"];

/**
 * Offboarding. IT and admins (`bots.write_all`) choose each case's plan and record manual steps;
 * `people.manage` offboards a person; `bots.read_all` reads every case; the person a bot is offered
 * to reads that case and accepts it. Times are ISO-8601 (server time); who did a step is the
 * server's view of the caller.
 */
export function offboardingRoutes(svc: OffboardingService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest) => ({ principal: principalOf(request), requestId: request.id });
    r.get(
      "/offboarding-cases",
      {
        schema: {
          operationId: "listOffboardingCases",
          tags,
          summary: "Offboarding cases, newest first, filtered by status, former owner (personId) or bot; paginated (readers of every bot; anyone else sees the cases offered to them)",
          querystring: ZListOffboardingCasesQuery,
          response: { 200: ZOffboardingCasePage, ...errors },
        },
      },
      async (request) => svc.list(ctx(request), request.query),
    );
    r.get(
      "/offboarding-cases/overview",
      {
        schema: {
          operationId: "getOffboardingOverview",
          tags,
          summary: "Orphans (bots without an active owner; the goal is zero), those past the org's orphan deadline, open cases, transfers awaiting acceptance",
          response: { 200: ZOffboardingOverview, 401: ZErrorEnvelope },
        },
      },
      async () => svc.overview(),
    );
    r.get(
      "/offboarding-cases/:id",
      {
        schema: {
          operationId: "getOffboardingCase",
          tags,
          summary: "One case with its checklist: each step's status, who did it and when, its note or link, what it did",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZOffboardingCase, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.get(ctx(request), request.params.id),
    );
    r.post(
      "/offboarding-cases/:id/plan",
      {
        schema: {
          operationId: "chooseOffboardingPlan",
          tags,
          summary:
            "IT chooses the case's plan: transfer (to toPersonId, default the proposed owner, who must accept) or offboard (pause, revoke runtime tokens and credential references, remove grants and channels at once, in one transaction; then the manual steps). Idempotent",
          params: z.object({ id: z.uuid() }),
          body: ZOffboardingPlanRequest,
          response: { 200: ZOffboardingCase, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.choosePlan(ctx(request), request.params.id, request.body),
    );
    r.post(
      "/offboarding-cases/:id/accept",
      {
        schema: {
          operationId: "acceptOffboardingTransfer",
          tags,
          summary: "The new owner (only them, with bots.own) accepts the bot offered to them: it becomes theirs, every credential reference due for rotation, the case closes `transferred`",
          params: z.object({ id: z.uuid() }),
          response: { 200: ZOffboardingCase, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.accept(ctx(request), request.params.id),
    );
    r.post(
      "/offboarding-cases/:id/steps/:kind",
      {
        schema: {
          operationId: "recordOffboardingStep",
          tags,
          summary: "IT records a manual step done (destroy_runtime, archive_workspace) with a note or a link; the last one marks the bot offboarded and closes the case",
          params: z.object({ id: z.uuid(), kind: ZRecordableOffboardingStep }),
          body: ZRecordOffboardingStepRequest,
          response: { 200: ZOffboardingCase, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.record(ctx(request), request.params.id, request.params.kind, request.body),
    );
    r.post(
      "/people/:id/offboard",
      {
        schema: {
          operationId: "offboardPerson",
          tags,
          summary: "IT's \"Offboard person\" (people.manage; an admin only with identity.manage; never the bootstrap admin; confirm and reason): deactivates them (sessions end, API tokens revoked) and opens a case per bot they own, proposing their manager",
          params: z.object({ id: z.uuid() }),
          body: ZOffboardPersonRequest,
          response: { 200: ZOffboardPersonResponse, 404: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.offboardPerson(ctx(request), request.params.id, request.body),
    );
    r.post(
      "/people/:id/offboarding-plan",
      {
        schema: {
          operationId: "chooseOffboardingPlanForPerson",
          tags,
          summary: "The same plan for every open case of a person's bots (bulk): 25 bots to a transaction; a failure stops the run and rolls back its transaction, leaving each bot fully done or untouched; rerun to complete",
          params: z.object({ id: z.uuid() }),
          body: ZOffboardingPlanRequest,
          response: { 200: ZOffboardingBulkResponse, 404: ZErrorEnvelope, 409: ZErrorEnvelope, ...errors },
        },
      },
      async (request) => svc.choosePlanForPerson(ctx(request), request.params.id, request.body),
    );
  };
}
