/**
 * The credentials module's door. It owns `credential_references` (pointers to secrets in vaults:
 * Bridle never stores a secret value), `leak_playbooks` and `leak_playbook_steps`: nothing outside
 * this module writes them.
 * - routes: `credentialsModule` (`/bots/{id}/credential-references`, `/credential-rotation`,
 *   `/leak-playbooks`), wired with its services;
 * - subscriber: `registerCredentialsSubscriber`: a bot's references become due for rotation when
 *   it changes owner or scope (rotation.ts);
 * - job: `flipIntervalDue(tx, now)` (the daily `credential-rotation` job in jobs/);
 * - queries: `credentialReferencesOf(db | tx, botId)`;
 * - commands, inside the caller's transaction: `revokeCredentialReferencesOf(tx, { botId, reason },
 *   actor)` (offboarding, a suspected leak; audited, idempotent), `revokeCredentialReferences(tx,
 *   { botId, referenceIds, reason }, actor)` (an access review's reduce; audited), `markRotationDue(tx, { botIds,
 *   reason }, actor)` (audited, idempotent), and `replaceCredentialReferences(tx, { botId,
 *   references })`, one step of a bot write the caller audits (the bots and inventory modules).
 *   actor)` (offboarding; audited, idempotent), `revokeCredentialReference(tx, { botId,
 *   referenceId, reason }, actor)`, `markRotationDue(tx, { botIds, reason, referenceIds? }, actor)`
 *   (audited, idempotent), and `replaceCredentialReferences(tx, { botId, references })`, one step
 *   of a bot write the caller audits (the bots and inventory modules).
 */
import type { Db } from "@bridle/db";
import type { FastifyInstance } from "fastify";
import { credentialsRoutes } from "./credentials.routes.ts";
import { createCredentialsService } from "./credentials.service.ts";
import { createLeakPlaybooksService } from "./leak-playbooks.service.ts";

export {
  credentialReferencesOf,
  markRotationDue,
  replaceCredentialReferences,
  revokeCredentialReferences,
  revokeCredentialReference,
  revokeCredentialReferencesOf,
  type BotCredentialReference,
  type CredentialReferenceWrite,
} from "./credentials.commands.ts";
export { flipIntervalDue, registerCredentialsSubscriber } from "./rotation.ts";
export { createCredentialsService, type CredentialsService } from "./credentials.service.ts";
export { createLeakPlaybooksService, type LeakPlaybooksService } from "./leak-playbooks.service.ts";

/** The credentials routes, wired with their services. Register under /api/v1. */
export function credentialsModule(deps: { db: Db }): (app: FastifyInstance) => Promise<void> {
  return credentialsRoutes({ credentials: createCredentialsService(deps), playbooks: createLeakPlaybooksService(deps) });
}
