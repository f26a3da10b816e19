import type { FastifyInstance } from "fastify";

/** One registered route: its method, full URL pattern (`/api/v1/bots/:id`), and whether OpenAPI leaves it out. */
export type RegisteredRoute = { method: string; url: string; hidden: boolean };

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Every route the app registered (HEAD twins left out), in registration order. The route
     * walking test (routes.int.test.ts) runs the shared security cases over each, so a new route
     * cannot skip them.
     */
    registeredRoutes: RegisteredRoute[];
  }
}

/** Collects every route registered after it (register it first) into `app.registeredRoutes`. */
export function collectRoutes(app: FastifyInstance) {
  const routes: RegisteredRoute[] = [];
  app.decorate("registeredRoutes", routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) if (method !== "HEAD") routes.push({ method, url: route.url, hidden: route.schema?.hide === true });
  });
}
