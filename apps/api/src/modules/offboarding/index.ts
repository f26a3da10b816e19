import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { offboardingRoutes } from "./offboarding.routes.ts";
import { createOffboardingService } from "./offboarding.service.ts";

/**
 * The offboarding module's door. It owns `offboarding_cases` and `offboarding_steps`: nothing
 * outside this module writes them.
 * - routes: `offboardingModule` (`/offboarding-cases`, `/offboarding-cases/overview`,
 *   `/offboarding-cases/{id}/plan|accept|steps/{kind}`, `/people/{id}/offboard`,
 *   `/people/{id}/offboarding-plan`);
 * - commands, inside the caller's transaction: `openOffboardingCase(tx, { botId, trigger, reason },
 *   actor)` (idempotent: one open case per bot; audited `offboarding.case_open`); `applyPlan`,
 *   `recordStep`, `acceptTransfer` (offboarding.plan.ts: inside the caller's transaction; idempotent), and
 *   `applyPlanEach(db, caseIds, plan, actor)` (bulk: 25 bots to a transaction, in turn, one
 *   `bots.changed` each);
 * - subscriber: `registerOffboardingSubscriber`: a `person.deactivated` domain event opens a case
 *   for each bot the person owned, in the same transaction; `person.reactivated` cancels those
 *   the departure opened where no step is done yet;
 * - job: `runOrphanJob(db, now)` (hourly in jobs/): opens cases for untracked orphans, warns the
 *   manager and IT a day before the org's orphan deadline, pauses orphans past it.
 * It changes people, bots, bot tokens, credential references and notifications only through those
 * modules' commands (`deactivatePerson`, `setBotStatus`, `assignOwner`, `removeGrants`,
 * `removeChannels`, `revokeBotTokensOf`, `revokeCredentialReferencesOf`, `markRotationDue`,
 * `notify`/`notifyMany`).
 */
export function offboardingModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return offboardingRoutes(createOffboardingService(deps));
}
export { openOffboardingCase, type OffboardingCase } from "./offboarding.commands.ts";
export { acceptTransfer, applyPlan, applyPlanEach, recordStep } from "./offboarding.plan.ts";
export { registerOffboardingSubscriber } from "./offboarding.subscriber.ts";
export { runOrphanJob, ORPHAN_WARN_BEFORE_MS, type OrphanJobReport } from "./offboarding.jobs.ts";
