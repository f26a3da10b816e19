import { createRootRoute, createRoute, createRouter, lazyRouteComponent, redirect } from "@tanstack/react-router";
import { InventoryPage } from "../features/bots/pages/InventoryPage.tsx";
import { validateBotRouteSearch } from "../features/bots/search.ts";
import { NotFoundPage } from "./NotFoundPage.tsx";
import { RootLayout } from "./RootLayout.tsx";
import { parseSearch, stringifySearch } from "./search-params.ts";

/**
 * Code-based routes. The inventory loads with the app; other pages (and recharts) load on first visit.
 * Every page renders inside RootLayout, which shows the login page without a session.
 */
const rootRoute = createRootRoute({ component: RootLayout, notFoundComponent: NotFoundPage });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/bots", replace: true });
  },
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

const inventoryRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/inventory",
  component: lazyRouteComponent(() => import("../features/inventory-io/pages/ImportExportPage.tsx"), "ImportExportPage"),
});

const routeTree = rootRoute.addChildren([indexRoute, botsRoute, botRoute, findingsRoute, policyRoute, inventoryRoute]);

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
