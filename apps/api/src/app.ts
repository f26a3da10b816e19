import { existsSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import cookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { REPO_ROOT, type DbHandle } from "@bridle/db";
import type { Server } from "node:http";
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { z } from "zod";
import type { Config } from "./config.ts";
import { metricsRoute } from "./metrics.ts";
import { registerErrorHandler } from "./plugins/error-handler.ts";
import { registerRequestOrigin } from "./lib/request-origin.ts";
import { registerSecurityHeaders } from "./plugins/security-headers.ts";
import { collectRoutes } from "./plugins/route-list.ts";
import { requireAuth } from "./plugins/auth.ts";
import { strictQueryStrings } from "./plugins/strict-query.ts";
import { approvalsModule, cancelPendingTransfers } from "./modules/approvals/index.ts";
import { registerSubscribers } from "./subscribers.ts";
import { auditRoutes, createAuditIntegrity } from "./modules/audit/index.ts";
import { authRoutes, createAuthService, createSessionsService, meRoute, sessionsRoutes } from "./modules/auth/index.ts";
import { botsRoutes, createBotsService } from "./modules/bots/index.ts";
import { credentialsModule, replaceCredentialReferences } from "./modules/credentials/index.ts";
import { createDecisionsModule } from "./modules/decisions/index.ts";
import { findingsModule } from "./modules/findings/index.ts";
import { gatedActionsModule } from "./modules/gated-actions/index.ts";
import { killSwitchModule } from "./modules/kill-switch/index.ts";
import { alertRulesReadiness, alertsModule } from "./modules/alerts/index.ts";
import { accessReviewsModule } from "./modules/access-reviews/index.ts";
import { offboardingModule } from "./modules/offboarding/index.ts";
import { incidentProcessReadiness, incidentsModule } from "./modules/incidents/index.ts";
import { createInventoryService, inventoryRoutes } from "./modules/inventory/index.ts";
import { createTeamsService, peopleRoutes, recordSignIn, teamsRoutes } from "./modules/people/index.ts";
import { createPolicySettingsService, policySettingsRoutes } from "./modules/policy-settings/index.ts";
import { canonicalScimUrl, scimRoutes, scimTokenRoutes } from "./modules/scim/index.ts";
import { readinessModule } from "./modules/readiness/index.ts";
import { setupModule } from "./modules/setup/index.ts";
import { skillsModule } from "./modules/skills/index.ts";
import { createEventsModule } from "./modules/events/index.ts";
import { createUsageService, usageRoutes } from "./modules/usage/index.ts";
import { createInstructionsModule } from "./modules/instructions/index.ts";
import { createSsoModule } from "./modules/sso/index.ts";
import { systemsModule } from "./modules/systems/index.ts";
import { createTokensService, tokensRoutes } from "./modules/tokens/index.ts";
import { createNotificationsService, notificationsRoutes } from "./modules/notifications/index.ts";
import { createSiemDeliverer, createSiemService, siemRoutes } from "./modules/siem/index.ts";
import type { DemoIdp } from "./demo/demo-idp.ts";

export type AppDeps = {
  config: Config;
  database: DbHandle;
  logger?: boolean | object;
  /** demo mode only (src/demo): the demo sign-in provider, mounted under /demo-idp */
  demoIdp?: DemoIdp | null;
};

/** Log redaction: credentials never reach the logs (STYLE.md "Secrets never travel"). */
export const LOG_REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-csrf-token']",
  'res.headers["set-cookie"]',
  "*.password",
  "*.token",
  "*.csrfToken",
  "*.clientSecret",
];

/** Builds the Fastify app: plugins first, then one plugin per feature module. Does not listen. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const { db } = database;
  const app = Fastify({
    logger: deps.logger ?? { level: config.LOG_LEVEL, redact: { paths: LOG_REDACT, censor: "[redacted]" } },
    bodyLimit: config.BRIDLE_BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // Fastify's overloads pick its HTTP/2 form for a union: name the one the option takes.
    trustProxy: config.BRIDLE_TRUST_PROXY as FastifyHttpOptions<Server>["trustProxy"],
    return503OnClosing: true,
    // SCIM clients send endpoint names in any case and with a trailing slash; only /scim/v2 is rewritten.
    rewriteUrl: (req) => canonicalScimUrl(req.url ?? "/"),
  });
  collectRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  strictQueryStrings(app, "/api/v1");
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  await registerRequestOrigin(app);
  await registerSecurityHeaders(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: "Bridle API",
        version: "0.1.0",
        description:
          "The control plane for a company's autonomous AI agents: bot inventory, findings, org policy. " +
          "Authenticate with the session cookie (console) or `Authorization: Bearer <token>`. " +
          "Errors: `{ error: { code, message, requestId, details? } }`.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: "bridle_session" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs", uiConfig: { docExpansion: "none" } });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    "/healthz",
    { schema: { operationId: "healthz", tags: ["ops"], summary: "Liveness: the process answers", response: { 200: z.object({ status: z.literal("ok") }) } } },
    async () => ({ status: "ok" as const }),
  );
  typed.get(
    "/readyz",
    {
      schema: {
        operationId: "readyz",
        tags: ["ops"],
        summary: "Readiness: the database answers",
        response: { 200: z.object({ status: z.literal("ready"), database: z.string() }), 503: z.object({ status: z.literal("unavailable"), database: z.string() }) },
      },
    },
    async (_request, reply) => {
      try {
        await database.ping();
        return { status: "ready" as const, database: database.kind };
      } catch {
        return reply.code(503).send({ status: "unavailable" as const, database: database.kind });
      }
    },
  );

  await app.register(metricsRoute({ database, token: config.BRIDLE_METRICS_TOKEN }));

  // Side effects of writes follow from domain events (lib/domain-events.ts).
  registerSubscribers();

  const sessionTtlMs = config.BRIDLE_SESSION_TTL_HOURS * 3_600_000;
  const auth = createAuthService({ db, sessionTtlMs, recordSignIn });
  const inventory = createInventoryService({ db });
  const sso = createSsoModule({ db, config, sessionTtlMs, demoIssuer: deps.demoIdp?.issuer });
  const instructions = createInstructionsModule({ db });
  const events = createEventsModule({ db, maxUnsealed: config.BRIDLE_AUDIT_MAX_UNSEALED_EVENTS, log: app.log });
  app.addHook("onClose", () => events.drain());
  const decisions = createDecisionsModule({ config, database, auth, log: app.log, runtimeRoutes: [instructions.runtimeRoutes, events.runtimeRoutes] });
  const policySettings = createPolicySettingsService({ db });
  const auditIntegrity = createAuditIntegrity({
    database,
    config,
    log: app.log,
    retentionDays: async () => (await policySettings.get()).policy.auditRetentionDays,
  });
  app.addHook("onReady", () => auditIntegrity.start());
  app.addHook("onClose", () => auditIntegrity.stop());
  // SIEM streaming: sealed audit events to each destination, one deliverer per destination across replicas.
  const siemDeliverer = createSiemDeliverer({ database, config, log: app.log });
  app.addHook("onReady", async () => siemDeliverer.start());
  app.addHook("onClose", () => siemDeliverer.stop());
  await app.register(authRoutes({ auth, secureCookies: config.BRIDLE_SECURE_COOKIES, sso: sso.sso, publicUrl: config.BRIDLE_PUBLIC_URL }), { prefix: "/auth" });
  await app.register(sso.authRoutes, { prefix: "/auth" });
  await app.register(
    async (api) => {
      requireAuth(api, auth);
      meRoute(api);
      await api.register(sso.apiRoutes);
      await api.register(sessionsRoutes(createSessionsService({ db })));
      await api.register(botsRoutes(createBotsService({ db, cancelPendingTransfers, replaceCredentialReferences }), { publicUrl: config.BRIDLE_PUBLIC_URL }));
      await api.register(findingsModule({ db }));
      await api.register(credentialsModule({ db }));
      await api.register(policySettingsRoutes(policySettings));
      await api.register(peopleRoutes({ db }));
      await api.register(inventoryRoutes(inventory));
      await api.register(scimTokenRoutes({ db }));
      await api.register(tokensRoutes(createTokensService({ db })));
      await api.register(approvalsModule({ db }));
      await api.register(gatedActionsModule({ db }));
      await api.register(killSwitchModule({ db, publicUrl: config.BRIDLE_PUBLIC_URL }));
      await api.register(accessReviewsModule({ db }));
      await api.register(offboardingModule({ db }));
      await api.register(incidentsModule({ db }));
      await api.register(systemsModule({ db }));
      await api.register(teamsRoutes({ db, svc: createTeamsService({ db }) }));
      await api.register(setupModule({ db, settings: sso.settings }));
      // The alerts and incidents modules report their own lines (`providers`).
      await api.register(readinessModule({ db, providers: { alertsReady: () => alertRulesReadiness(db), incidentsReady: () => incidentProcessReadiness(db) } }));
      await api.register(decisions.botTokenRoutes);
      await api.register(auditRoutes({ db, integrity: auditIntegrity }));
      await api.register(notificationsRoutes(createNotificationsService({ db, config })));
      await api.register(siemRoutes(createSiemService({ db, config })));
      await api.register(skillsModule({ db }));
      await api.register(instructions.routes);
      await api.register(events.routes);
      await api.register(usageRoutes(createUsageService({ db })));
      await api.register(alertsModule({ db }));
    },
    { prefix: "/api/v1" },
  );
  // Bot runtime scope (POST /api/v1/decisions, GET /api/v1/approval-requests/{id}, the instructions
  // a runtime reads and uploads, POST /api/v1/events) and /.well-known/jwks.json
  await app.register(decisions.runtime);
  await app.register(scimRoutes({ db }), { prefix: "/scim/v2" });
  if (deps.demoIdp) await app.register(deps.demoIdp.plugin);

  // The built console, with the SPA's client-side routes falling back to index.html.
  const consoleDir = config.BRIDLE_CONSOLE_DIR ?? resolve(REPO_ROOT, "apps/console/dist");
  if (existsSync(resolve(consoleDir, "index.html"))) {
    await app.register(fastifyStatic, { root: consoleDir, wildcard: false });
    app.get("/*", { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split("?")[0] ?? "/";
      if (/^\/(api|auth|scim)(\/|$)/.test(path) || /\.[a-z0-9]+$/i.test(path))
        return reply.code(404).send({ error: { code: "not_found", message: `No route ${request.method} ${path}`, requestId: request.id, details: { unknownRoute: true } } });
      return reply.type("text/html").sendFile("index.html");
    });
  }
  return app;
}

export { createInventoryService };
