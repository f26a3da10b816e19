import { ZApprovalRequest, ZErrorEnvelope } from "@bridle/contracts";
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { notFound } from "../../lib/errors.ts";
import { can } from "../../lib/permissions.ts";
import { getApprovalRequestAccess, getApprovalRequestView, type ApprovalAccess } from "../approvals/index.ts";
import type { ApprovalWaiters } from "./approval-waiters.ts";
import { callerOf, type Caller } from "./bot-auth.ts";
import { denied } from "../audit/index.ts";

/** The longest a long-poll waits, in seconds. */
export const MAX_WAIT_SECONDS = 60;

const ZQuery = z.object({
  wait: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe(`Long-poll: wait up to this many seconds (at most ${MAX_WAIT_SECONDS}) for a pending request to be decided`),
});

/**
 * `GET /approval-requests/{id}` with `?wait=N`: one approval request; with `wait`, answers as soon
 * as a pending request is decided (or expires), or after N seconds with the request as it is.
 * Callers: the bot that opened it (its runtime token; any other bot gets 404), or a person who
 * reads every bot (`bots.read_all`), owns the bot, or made the request (anyone else: 403, audited).
 */
export function approvalWaitRoutes(deps: { db: Db; waiters: ApprovalWaiters }) {
  const { db, waiters } = deps;

  async function authorize(caller: Caller, access: ApprovalAccess, requestId: string) {
    if (caller.kind === "bot") {
      // A runtime reads only the requests it opened itself, not people's requests about its bot.
      if (access.requesterBotId !== caller.bot.botId) throw notFound("Approval request");
      return;
    }
    const p = caller.principal;
    if (can(p, "bots.read_all") || (access.botOwnerId !== null && access.botOwnerId === p.personId) || access.requesterPersonId === p.personId) return;
    throw await denied(db, { principal: p, requestId }, {
      action: "approval.read",
      resourceType: "approval_request",
      resourceId: access.id,
      what: "read this approval request",
    });
  }

  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      "/approval-requests/:id",
      {
        config: { callers: "bot_or_person" },
        schema: {
          operationId: "getApprovalRequest",
          tags: ["approvals"],
          summary: "One approval request; `?wait=N` long-polls until it is decided (bot runtime token or person)",
          params: z.object({ id: z.uuid() }),
          querystring: ZQuery,
          response: { 200: ZApprovalRequest, 400: ZErrorEnvelope, 401: ZErrorEnvelope, 403: ZErrorEnvelope, 404: ZErrorEnvelope },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const access = await getApprovalRequestAccess(db, id);
        if (!access) throw notFound("Approval request");
        await authorize(callerOf(request), access, request.id);
        const waitMs = Math.min(request.query.wait, MAX_WAIT_SECONDS) * 1000;
        if (waitMs > 0 && access.status === "pending") {
          // Subscribe first, then re-read: a decision landing in between is not missed.
          const sub = waiters.subscribe(id);
          // The response's "close" before we answered means the client went away.
          const onClose = () => sub.cancel();
          reply.raw.once("close", onClose);
          try {
            const now = await getApprovalRequestAccess(db, id);
            if (now?.status === "pending") await sub.wait(Math.min(waitMs, now.expiresAt.getTime() - Date.now() + 50));
          } finally {
            sub.cancel();
            reply.raw.off("close", onClose);
          }
        }
        const view = await getApprovalRequestView(db, id);
        if (!view) throw notFound("Approval request");
        return view;
      },
    );
  };
}
