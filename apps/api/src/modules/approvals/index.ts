import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { createApprovalReviewService } from "./approvals.review.ts";
import { approvalsRoutes } from "./approvals.routes.ts";
import { createApprovalsService } from "./approvals.service.ts";

/**
 * The approvals module's door. It owns the approval lifecycle and its tables, `approval_requests`
 * and `approval_reviews`: requests people open, reviews, expiry, withdrawal, applying an approved
 * request (through the bots module's commands), and the runtime side (gated actions).
 * - routes: `approvalsModule` (human side, `/approval-requests...`);
 * - the view: `getApprovalRequestView` (one request as every reader sees it; the long-poll);
 * - queries: `getApprovalRequestAccess`, `settledAmong` (the long-poll's cheap reads);
 * - commands, inside the caller's transaction: `openGatedActionRequest` (audited:
 *   `approval.request`, actor the bot), `findRuntimeRequest`, `consumeApproval` (the runtime uses
 *   an approval once; its `decision.allow` records it), `cancelPendingTransfers` (audited:
 *   `approval.cancel`), and the job `expireApprovalRequests` (audited: `approval.expire`).
 */
export { expireApprovalRequests } from "./approvals.expiry.ts";
export { cancelPendingTransfers } from "./approvals.supersede.ts";
export { getApprovalRequestView } from "./approvals.view.ts";
export {
  consumeApproval,
  findRuntimeRequest,
  getApprovalRequestAccess,
  openGatedActionRequest,
  settledAmong,
  type ApprovalAccess,
  type RuntimeRequestRow,
} from "./approvals.runtime.ts";

/** The approvals module's routes (human side), wired with its services. Register under /api/v1. */
export function approvalsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return approvalsRoutes(createApprovalsService(deps), createApprovalReviewService(deps));
}
