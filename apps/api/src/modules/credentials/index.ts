/**
 * The credentials module's door. It owns `credential_references` (pointers to secrets in vaults:
 * Bridle never stores a secret value): nothing outside this module writes them.
 * - queries: `credentialReferencesOf(db | tx, botId)`;
 * - commands, inside the caller's transaction: `revokeCredentialReferencesOf(tx, { botId, reason },
 *   actor)` (offboarding, a suspected leak; audited, idempotent), `revokeCredentialReferences(tx,
 *   { botId, referenceIds, reason }, actor)` (an access review's reduce; audited), `markRotationDue(tx, { botIds,
 *   reason }, actor)` (audited, idempotent), and `replaceCredentialReferences(tx, { botId,
 *   references })`, one step of a bot write the caller audits (the bots and inventory modules).
 */
export {
  credentialReferencesOf,
  markRotationDue,
  replaceCredentialReferences,
  revokeCredentialReferences,
  revokeCredentialReferencesOf,
  type BotCredentialReference,
  type CredentialReferenceWrite,
} from "./credentials.commands.ts";
