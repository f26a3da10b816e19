/**
 * The people module's door. It owns `people`, `teams` and `team_members`: nothing outside this
 * module writes them.
 * - routes: `peopleRoutes` (`/people`), `teamsRoutes` (`/teams`, with `createTeamsService`);
 * - queries: `countTeams`, `findPersonByEmail`, `findPersonBySubject`, `bootstrapAdminId`,
 *   `slugify`, `activePeopleAmong` (who a notification reaches), `teamIdsOfPerson` / `teamMembersAmong` (the teams a
 *   person belongs to: primary team and memberships), and the SCIM directory's reads
 *   (`directory`);
 * - commands, inside the caller's transaction: `deactivatePerson` / `reactivatePerson` (audited:
 *   `person.deactivate`, `person.reactivate`, `bot.owner_deprovisioned`), `createSsoPerson`,
 *   `recordSsoSignIn`, `recordSignIn` (sign-ins; the auth and sso modules audit them), the SCIM
 *   directory's writes (`directory`; the scim module audits each request), and the bootstrap's
 *   `ensureBootstrapAdmin` (audited) and `seedDirectory`.
 */
export { peopleRoutes } from "./people.routes.ts";
export { teamsRoutes } from "./teams.routes.ts";
export { countTeams, createTeamsService, type TeamsService } from "./teams.service.ts";
export { deactivatePerson, personChanged, reactivatePerson } from "./people.lifecycle.ts";
export { createSsoPerson, findPersonByEmail, findPersonBySubject, recordSignIn, recordSsoSignIn, type PersonRecord } from "./sign-in.repo.ts";
export { bootstrapAdminId, ensureBootstrapAdmin, seedDirectory, type BootstrapResult, type SeedPerson } from "./people.bootstrap.ts";
export { slugify } from "./slug.ts";
export { activePeopleAmong, type ActivePerson } from "./recipients.repo.ts";
export { teamIdsOfPerson, teamMembersAmong } from "./membership.repo.ts";
export * as directory from "./directory.repo.ts";
