import { Navigate, createRootRoute, createRoute, createRouter, lazyRouteComponent, redirect } from "@tanstack/react-router";
import { InventoryPage } from "../features/bots/pages/InventoryPage.tsx";
import { validateApprovalRouteSearch } from "../features/approvals/search.ts";
import { validateAlertsRouteSearch } from "../features/alerts/search.ts";
import { validateAuditRouteSearch } from "../features/audit/search.ts";
import { validateBotRouteSearch } from "../features/bots/search.ts";
import { validateInstructionSearch } from "../features/instructions/search.ts";
import { validateSkillRouteSearch } from "../features/skills/search.ts";
import { validateRotationRouteSearch } from "../features/credentials/search.ts";
import { validatePeopleRouteSearch } from "../features/people/search.ts";
import { validateUsageRouteSearch } from "../features/usage/search.ts";
import { validateSettingsSearch } from "../features/settings/search.ts";
import { NotFoundPage } from "./NotFoundPage.tsx";
import { RootLayout } from "./RootLayout.tsx";
import { parseSearch, stringifySearch } from "./search-params.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Code-based routes. The inventory loads with the app; other pages (and recharts) load on first visit.
 * Every page renders inside RootLayout, which shows the login page without a session.
 */
const rootRoute = createRootRoute({ component: RootLayout, notFoundComponent: NotFoundPage });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  // /auth/callback sends a failed sign-in to `/?ssoError=<code>`: that address stays for the login page
  // to explain; once someone is signed in there, the component moves on to the inventory.
  beforeLoad: ({ location }) => {
    if (!new URLSearchParams(location.searchStr).has("ssoError")) throw redirect({ to: "/bots", replace: true });
  },
  component: () => <Navigate to="/bots" replace />,
});

const botsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/bots",
  validateSearch: validateBotRouteSearch,
  component: InventoryPage,
});

const botRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/bots/$botId",
  component: lazyRouteComponent(() => import("../features/bots/pages/BotPage.tsx"), "BotPage"),
});

const botInstructionsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/bots/$botId/instructions",
  validateSearch: validateInstructionSearch,
  component: lazyRouteComponent(() => import("../features/instructions/pages/BotInstructionsPage.tsx"), "BotInstructionsPage"),
});

const botSessionsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/bots/$botId/sessions",
  component: lazyRouteComponent(() => import("../features/sessions/pages/BotSessionsPage.tsx"), "BotSessionsPage"),
});

const botSessionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/bots/$botId/sessions/$sessionId",
  component: lazyRouteComponent(() => import("../features/sessions/pages/SessionTimelinePage.tsx"), "SessionTimelinePage"),
});

const skillsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/skills",
  validateSearch: validateSkillRouteSearch,
  component: lazyRouteComponent(() => import("../features/skills/pages/SkillsPage.tsx"), "SkillsPage"),
});

const approvalsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/approvals",
  validateSearch: validateApprovalRouteSearch,
  component: lazyRouteComponent(() => import("../features/approvals/pages/ApprovalsInboxPage.tsx"), "ApprovalsInboxPage"),
});

const approvalRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/approvals/$requestId",
  component: lazyRouteComponent(() => import("../features/approvals/pages/ApprovalRequestPage.tsx"), "ApprovalRequestPage"),
});

const findingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/findings",
  component: lazyRouteComponent(() => import("../features/findings/pages/FindingsOverviewPage.tsx"), "FindingsOverviewPage"),
});

const policyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/policy",
  component: lazyRouteComponent(() => import("../features/policy/pages/PolicyPage.tsx"), "PolicyPage"),
});

const gatedActionsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/policy/gated-actions",
  component: lazyRouteComponent(() => import("../features/gated-actions/pages/GatedActionsPage.tsx"), "GatedActionsPage"),
});

const killSwitchRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/kill-switch",
  component: lazyRouteComponent(() => import("../features/kill-switch/pages/KillSwitchPage.tsx"), "KillSwitchPage"),
});

const runbookRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/runbook",
  component: lazyRouteComponent(() => import("../features/runbook/pages/RunbookPage.tsx"), "RunbookPage"),
});

const inventoryRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/inventory",
  component: lazyRouteComponent(() => import("../features/inventory-io/pages/ImportExportPage.tsx"), "ImportExportPage"),
});

const myBotsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/my-bots",
  validateSearch: validateBotRouteSearch,
  component: lazyRouteComponent(() => import("../features/bots/pages/MyBotsPage.tsx"), "MyBotsPage"),
});

const peopleRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/people",
  validateSearch: validatePeopleRouteSearch,
  component: lazyRouteComponent(() => import("../features/people/pages/PeoplePage.tsx"), "PeoplePage"),
});

const personRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/people/$personId",
  component: lazyRouteComponent(() => import("../features/people/pages/PersonPage.tsx"), "PersonPage"),
});

const teamsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/teams",
  component: lazyRouteComponent(() => import("../features/teams/pages/TeamsPage.tsx"), "TeamsPage"),
});

const teamRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/teams/$teamId",
  component: lazyRouteComponent(() => import("../features/teams/pages/TeamPage.tsx"), "TeamPage"),
});

const settingsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/settings",
  validateSearch: validateSettingsSearch,
  component: lazyRouteComponent(() => import("../features/settings/pages/SettingsPage.tsx"), "SettingsPage"),
});

const siemRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/siem",
  component: lazyRouteComponent(() => import("../features/siem/pages/SiemPage.tsx"), "SiemPage"),
});

const apiTokensRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/settings/tokens",
  component: lazyRouteComponent(() => import("../features/tokens/pages/ApiTokensPage.tsx"), "ApiTokensPage"),
});

const systemsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/systems",
  component: lazyRouteComponent(() => import("../features/systems/pages/SystemsPage.tsx"), "SystemsPage"),
});

const getStartedRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/get-started",
  component: lazyRouteComponent(() => import("../features/setup/pages/GetStartedPage.tsx"), "GetStartedPage"),
});

const readinessRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/readiness",
  component: lazyRouteComponent(() => import("../features/readiness/pages/ReadinessPage.tsx"), "ReadinessPage"),
});

const auditRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/audit",
  validateSearch: validateAuditRouteSearch,
  component: lazyRouteComponent(() => import("../features/audit/pages/AuditPage.tsx"), "AuditPage"),
});

const auditEventRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/audit/$eventId",
  component: lazyRouteComponent(() => import("../features/audit/pages/AuditEventPage.tsx"), "AuditEventPage"),
});

const auditSessionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/audit/sessions/$sessionId",
  component: lazyRouteComponent(() => import("../features/audit/pages/AuditSessionPage.tsx"), "AuditSessionPage"),
});

const notificationsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/notifications",
  component: lazyRouteComponent(() => import("../features/notifications/pages/NotificationsPage.tsx"), "NotificationsPage"),
});

const notificationPreferencesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/notifications/preferences",
  component: lazyRouteComponent(() => import("../features/notifications/pages/NotificationPreferencesPage.tsx"), "NotificationPreferencesPage"),
});

const reviewsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reviews",
  component: lazyRouteComponent(() => import("../features/reviews/pages/MyReviewsPage.tsx"), "MyReviewsPage"),
});

const reviewItemRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reviews/items/$itemId",
  component: lazyRouteComponent(() => import("../features/reviews/pages/ReviewItemPage.tsx"), "ReviewItemPage"),
});

const reviewCampaignRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reviews/campaigns/$campaignId",
  component: lazyRouteComponent(() => import("../features/reviews/pages/CampaignPage.tsx"), "CampaignPage"),
});

const offboardingRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/offboarding",
  component: lazyRouteComponent(() => import("../features/offboarding/pages/OffboardingPage.tsx"), "OffboardingPage"),
});

const offboardingCaseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/offboarding/$caseId",
  component: lazyRouteComponent(() => import("../features/offboarding/pages/OffboardingCasePage.tsx"), "OffboardingCasePage"),
});

const incidentsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/incidents",
  component: lazyRouteComponent(() => import("../features/incidents/pages/IncidentsPage.tsx"), "IncidentsPage"),
});

const declareIncidentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/incidents/new",
  validateSearch: (search: Record<string, unknown>): { botId?: string; evidence?: string; drill?: "true" } => ({
    ...(typeof search.botId === "string" && UUID.test(search.botId) ? { botId: search.botId } : {}),
    ...(typeof search.evidence === "string" && UUID.test(search.evidence) ? { evidence: search.evidence } : {}),
    ...(search.drill === "true" ? { drill: "true" as const } : {}),
  }),
  component: lazyRouteComponent(() => import("../features/incidents/pages/DeclareIncidentPage.tsx"), "DeclareIncidentPage"),
});

const incidentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/incidents/$incidentId",
  component: lazyRouteComponent(() => import("../features/incidents/pages/IncidentPage.tsx"), "IncidentPage"),
});

const rotationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/rotation",
  validateSearch: validateRotationRouteSearch,
  component: lazyRouteComponent(() => import("../features/credentials/pages/RotationPage.tsx"), "RotationPage"),
});

const leakPlaybooksRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/leak-playbooks",
  component: lazyRouteComponent(() => import("../features/credentials/pages/LeakPlaybooksPage.tsx"), "LeakPlaybooksPage"),
});

const leakPlaybookRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/leak-playbooks/$playbookId",
  component: lazyRouteComponent(() => import("../features/credentials/pages/LeakPlaybookPage.tsx"), "LeakPlaybookPage"),
});

const usageRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/usage",
  validateSearch: validateUsageRouteSearch,
  component: lazyRouteComponent(() => import("../features/usage/pages/UsagePage.tsx"), "UsagePage"),
});

const alertsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/alerts",
  validateSearch: validateAlertsRouteSearch,
  component: lazyRouteComponent(() => import("../features/alerts/pages/AlertsPage.tsx"), "AlertsPage"),
});

const alertRulesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/alerts/rules",
  component: lazyRouteComponent(() => import("../features/alerts/pages/AlertRulesPage.tsx"), "AlertRulesPage"),
});

const alertRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/alerts/$alertId",
  component: lazyRouteComponent(() => import("../features/alerts/pages/AlertPage.tsx"), "AlertPage"),
});

const routeTree = rootRoute.addChildren([
  usageRoute,
  indexRoute,
  botsRoute,
  botRoute,
  botInstructionsRoute,
  botSessionsRoute,
  botSessionRoute,
  skillsRoute,
  myBotsRoute,
  approvalsRoute,
  approvalRoute,
  findingsRoute,
  policyRoute,
  gatedActionsRoute,
  killSwitchRoute,
  runbookRoute,
  inventoryRoute,
  peopleRoute,
  personRoute,
  teamsRoute,
  teamRoute,
  systemsRoute,
  getStartedRoute,
  readinessRoute,
  settingsRoute,
  siemRoute,
  apiTokensRoute,
  auditRoute,
  auditEventRoute,
  auditSessionRoute,
  notificationsRoute,
  notificationPreferencesRoute,
  reviewsRoute,
  reviewItemRoute,
  reviewCampaignRoute,
  offboardingRoute,
  offboardingCaseRoute,
  incidentsRoute,
  declareIncidentRoute,
  incidentRoute,
  rotationRoute,
  leakPlaybooksRoute,
  leakPlaybookRoute,
  alertsRoute,
  alertRulesRoute,
  alertRoute,
]);

export const router = createRouter({
  routeTree,
  parseSearch,
  stringifySearch,
  defaultPreload: "intent",
  scrollRestoration: true,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
