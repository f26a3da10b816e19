/**
 * The policy-settings module's door. It owns `org_policy` (one row: naming, channels, review
 * interval, bot email domain, and the policy `version` every decision carries).
 * - routes: `policySettingsRoutes` (`/policy`), wired with `createPolicySettingsService`;
 * - queries: `loadPolicyInput` (the policy as @bridle/policy's rules read it), `loadReviewSettings`
 *   (the access review settings: fail closed on overdue, schedule, due days, look-back);
 * - commands (inside the caller's transaction): `bumpPolicyVersion` (gated-action rules changed),
 *   `seedOrgPolicy` / `ensureOrgPolicy` (the bootstrap's first policy row).
 */
export { policySettingsRoutes } from "./policy-settings.routes.ts";
export { createPolicySettingsService, type PolicySettingsService } from "./policy-settings.service.ts";
export { bumpPolicyVersion, ensureOrgPolicy, hasOrgPolicy, loadOrphanDeadlineDays, loadPolicyInput, loadReviewSettings, seedOrgPolicy } from "./policy-settings.repo.ts";
