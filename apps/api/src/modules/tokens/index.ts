/**
 * The tokens module's door. It owns `api_tokens` (personal tokens and the bootstrap admin token).
 * - routes: `tokensRoutes` (`/tokens`, the signed-in person's own), wired with `createTokensService`;
 * - queries: `findLiveToken` (a bearer token's row, by its SHA-256; the auth module);
 * - commands, inside the caller's transaction (the caller audits): `touchToken` (last used),
 *   `revokeTokensOf` (a person deactivated), `registerBootstrapToken` (BRIDLE_BOOTSTRAP_ADMIN_TOKEN).
 */
export { tokensRoutes } from "./tokens.routes.ts";
export { createTokensService, type TokensService } from "./tokens.service.ts";
export { findLiveToken, registerBootstrapToken, revokeTokensOf, touchToken, type TokenRow } from "./tokens.repo.ts";
