import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { accessReviewsRoutes } from "./access-reviews.routes.ts";
import { createAccessReviewsService } from "./access-reviews.service.ts";

/**
 * The access-reviews module's door. It owns `access_review_campaigns` and `access_review_items`:
 * nothing outside this module writes them.
 * - routes: `accessReviewsModule` (`/access-reviews`, `/access-review-items`);
 * - commands, inside the caller's transaction: `startCampaign(tx, input, actor)` (audited
 *   `access_review.campaign_start`; permissions are the caller's);
 * - jobs: `runAccessReviewJob(db, now)` (the schedule, reminders 7 days and 1 day before, the
 *   overdue pause), run by apps/api/src/jobs.
 * It changes bots, credential references and offboarding only through those modules' commands.
 */
export function accessReviewsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return accessReviewsRoutes(createAccessReviewsService(deps));
}
export { startCampaign } from "./access-reviews.commands.ts";
export { runAccessReviewJob, reviewPeriod, type ReviewJobReport } from "./access-reviews.jobs.ts";
