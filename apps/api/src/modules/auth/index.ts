/**
 * The auth module's door. It owns `sessions` (console sign-ins); bearer tokens are looked up
 * through the tokens module.
 * - routes: `authRoutes` (`/auth/local/login`, `/auth/logout`), `meRoute`, `sessionsRoutes`;
 * - services: `createAuthService` (resolves a request's principal; the plugins' `Authenticator`),
 *   `createSessionsService`;
 * - commands, inside the caller's transaction: `openSession` (a sign-in: local or SSO; the
 *   caller audits it), `revokeSessionsOf` (a person deactivated).
 */
export { authRoutes, meRoute } from "./auth.routes.ts";
export { createAuthService, openSession, type AuthService, type OpenedSession, type RecordSignIn } from "./auth.service.ts";
export { revokeSessionsOf } from "./auth.repo.ts";
export { sessionsRoutes } from "./sessions.routes.ts";
export { createSessionsService, type SessionsService } from "./sessions.service.ts";
