/**
 * The scim module's door: SCIM 2.0 provisioning (`/scim/v2`) and its tokens. It owns
 * `scim_tokens`; people and teams are written through the people module (`directory`,
 * `deactivatePerson`), and every SCIM request is audited here (`scim.request`).
 * - routes: `scimRoutes` (register under `/scim/v2`), `scimTokenRoutes` (`/scim-tokens`);
 * - `canonicalScimUrl`: the URL rewrite SCIM clients need (endpoint names in any case).
 */
export { canonicalScimUrl, scimRoutes, scimTokenRoutes } from "./scim.plugin.ts";
