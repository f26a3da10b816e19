import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { createApprovalReviewService } from "./approvals.review.ts";
import { approvalsRoutes } from "./approvals.routes.ts";
import { createApprovalsService } from "./approvals.service.ts";

export { expireApprovalRequests } from "./approvals.expiry.ts";
export { cancelPendingTransfers } from "./approvals.supersede.ts";

/** The approvals module's routes (human side), wired with its services. Register under /api/v1. */
export function approvalsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return approvalsRoutes(createApprovalsService(deps), createApprovalReviewService(deps));
}
