/**
 * The identity-settings module's door. It owns `identity_settings` (one row: SSO connection, role
 * mapping, provisioning, sessions, the break-glass account).
 * - routes: `identitySettingsRoutes` (`/identity-settings`, `identity.manage`);
 * - queries other modules call: `loadIdentitySettings` (the stored row), `readSsoConnection`;
 * - commands: `replaceSsoConnection` (the demo's provider), through `createIdentitySettingsService`
 *   for changes people make (checked, audited).
 */
export { identitySettingsRoutes } from "./identity-settings.routes.ts";
export { loadIdentitySettings, type IdentitySettingsRow } from "./identity-settings.repo.ts";
export {
  createIdentitySettingsService,
  readSsoConnection,
  replaceSsoConnection,
  ssoReady,
  type EffectiveIdentitySettings,
  type IdentitySettingsService,
  type RoleMappingEntry,
  type SsoConnection,
} from "./identity-settings.service.ts";
