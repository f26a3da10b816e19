import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { permissionsOf, type TPermission, type TRole } from "@bridle/contracts";
import { apiTokens, bots, people, sessions, skills } from "@bridle/db";
import { and, eq } from "drizzle-orm";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, createTestApp, login, tokenFor, type TestApp } from "../test/harness.ts";
import { SYSTEM_ACTOR } from "./modules/audit/index.ts";
import { notify } from "./modules/notifications/index.ts";

/**
 * Walks every route the app registers (`app.registeredRoutes`, collected by an onRoute hook) and
 * runs the shared security cases over each (STYLE.md, convention 7):
 *  - no credentials -> 401, a bad token -> 401, on every route that is not public;
 *  - the wrong role -> 403, where the route needs a permission (PERMISSION_MATRIX);
 *  - another owner's resource -> 403 or 404, where the route acts on a bot, token, session or person.
 * Routes do not declare their permission, so ACCESS below says it for each; a route missing from
 * ACCESS (or an entry for a route that no longer exists) fails the test, so a new route cannot
 * skip these cases. Every route not hidden from OpenAPI must also be documented there.
 */

/** Who may call a route. */
type Access =
  /** anyone: health, docs, the console, the sign-in endpoints */
  | { kind: "public" }
  /** any signed-in person or API token; what they see is narrowed in the service */
  | { kind: "person" }
  /** a person without this permission gets 403 */
  | { kind: "permission"; permission: TPermission }
  /** acts on one bot: a person who neither owns it nor holds the permission gets 403 */
  | { kind: "bot"; permission: "bots.read_all" | "bots.write_all" }
  /** acts on another person's token, session or record: 403 or 404 for someone else's */
  | { kind: "own" }
  /** only a bot runtime token (brdl_bot_...) */
  | { kind: "bot-runtime" }
  /** only a SCIM token */
  | { kind: "scim" };

/** What the security cases send: the URL with its parameters filled in, and a valid body. */
type Sample = (f: Fixtures) => Pick<InjectOptions, "url" | "payload" | "headers">;
type Entry = { access: Access; sample?: Sample };

type Fixtures = {
  /** a bot owned by someone other than the caller (lucas.meyer's acme-triage-bot) */
  otherBotId: string;
  /** an approval request lucas.meyer opened on his bot */
  otherRequestId: string;
  otherPersonId: string;
  otherTokenId: string;
  otherSessionId: string;
  /** a notification of lucas.meyer's */
  otherNotificationId: string;
  /** a skill version waiting for review (the demo's openclaw-skill-github@1.5.0) */
  skillId: string;
  /** an access review campaign of all bots, and the item of lucas.meyer's acme-triage-bot in it */
  reviewCampaignId: string;
  otherReviewItemId: string;
  /** a credential reference of the other bot, and a leak playbook security opened on another one */
  otherReferenceId: string;
  otherPlaybookId: string;
};

const UUID = "00000000-0000-4000-8000-000000000000";
const PUBLIC: Entry = { access: { kind: "public" } };
const PERSON: Entry = { access: { kind: "person" } };
const SCIM: Entry = { access: { kind: "scim" } };
const needs = (permission: TPermission, sample?: Sample): Entry => ({ access: { kind: "permission", permission }, ...(sample ? { sample } : {}) });
const onBot = (permission: "bots.read_all" | "bots.write_all", sample: Sample): Entry => ({ access: { kind: "bot", permission }, sample });
const own = (sample: Sample): Entry => ({ access: { kind: "own" }, sample });

const RULE = { mode: "require_approval", approverRole: "security", approvalsRequired: 2, requestTtlMinutes: 30 };

/** Every route of the app, `METHOD /url` as registered, and who may call it. */
const ACCESS: Record<string, Entry> = {
  // ops, docs and the console
  "GET /healthz": PUBLIC,
  "GET /readyz": PUBLIC,
  // not a person's route: its own bearer token (BRIDLE_METRICS_TOKEN), off (404) without one; metrics.int.test.ts
  "GET /metrics": PUBLIC,
  "GET /openapi.json": PUBLIC,
  "GET /docs": PUBLIC,
  "GET /docs/json": PUBLIC,
  "GET /docs/yaml": PUBLIC,
  "GET /docs/static/index.html": PUBLIC,
  "GET /docs/static/swagger-initializer.js": PUBLIC,
  "GET /docs/static/*": PUBLIC,
  "GET /": PUBLIC,
  "GET /*": PUBLIC,
  "GET /index.html": PUBLIC,
  "GET /assets/app.js": PUBLIC,
  "GET /.well-known/jwks.json": PUBLIC,
  // signing in
  "GET /auth/providers": PUBLIC,
  "POST /auth/local/login": PUBLIC,
  "GET /auth/login": PUBLIC,
  "GET /auth/callback": PUBLIC,
  "POST /auth/logout": PUBLIC,
  // the signed-in person
  "GET /api/v1/me": PERSON,
  "GET /api/v1/sessions": PERSON,
  "DELETE /api/v1/sessions/:id": own((f) => ({ url: `/api/v1/sessions/${f.otherSessionId}` })),
  "GET /api/v1/tokens": PERSON,
  "POST /api/v1/tokens": PERSON,
  "DELETE /api/v1/tokens/:id": own((f) => ({ url: `/api/v1/tokens/${f.otherTokenId}` })),
  // bots and their findings
  "GET /api/v1/bots": PERSON,
  "POST /api/v1/bots": PERSON,
  "GET /api/v1/bots/:id": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}` })),
  "PATCH /api/v1/bots/:id": onBot("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}`, payload: { purpose: "Someone else's" } })),
  "GET /api/v1/bots/:id/openclaw-config": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/openclaw-config` })),
  // a direct transfer is IT's and admins' only, even for the bot's own owner
  "POST /api/v1/bots/:id/transfer": needs("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/transfer`, payload: { toEmail: "grace.okafor@acme.example", note: "Owner left" } })),
  "GET /api/v1/bots/:id/gated-actions": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/gated-actions` })),
  "PUT /api/v1/bots/:id/gated-actions/:action": onBot("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/gated-actions/data.delete`, payload: { mode: "deny" } })),
  "DELETE /api/v1/bots/:id/gated-actions/:action": onBot("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/gated-actions/data.delete` })),
  "GET /api/v1/bots/:id/tokens": onBot("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/tokens` })),
  "POST /api/v1/bots/:id/tokens": onBot("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/tokens`, payload: { name: "stolen", expiresInDays: 1 } })),
  "DELETE /api/v1/bots/:id/tokens/:tokenId": onBot("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/tokens/${UUID}` })),
  // credential references, rotation and the leak playbook
  "GET /api/v1/bots/:id/credential-references": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/credential-references` })),
  "POST /api/v1/bots/:id/credential-references": onBot("bots.write_all", (f) => ({
    url: `/api/v1/bots/${f.otherBotId}/credential-references`,
    payload: { system: "github", vault: "1password", reference: "op://bots-prod/stolen/github-token" },
  })),
  "PATCH /api/v1/bots/:id/credential-references/:refId": onBot("bots.write_all", (f) => ({
    url: `/api/v1/bots/${f.otherBotId}/credential-references/${f.otherReferenceId}`,
    payload: { rotationIntervalDays: 1 },
  })),
  "DELETE /api/v1/bots/:id/credential-references/:refId": onBot("bots.write_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/credential-references/${f.otherReferenceId}` })),
  "POST /api/v1/bots/:id/credential-references/:refId/rotations": onBot("bots.write_all", (f) => ({
    url: `/api/v1/bots/${f.otherBotId}/credential-references/${f.otherReferenceId}/rotations`,
    payload: {},
  })),
  "POST /api/v1/bots/:id/credential-references/:refId/leak-playbooks": needs("credentials.respond", (f) => ({
    url: `/api/v1/bots/${f.otherBotId}/credential-references/${f.otherReferenceId}/leak-playbooks`,
    payload: { reason: "Seen in a screenshot" },
  })),
  "GET /api/v1/credential-rotation": PERSON,
  "GET /api/v1/leak-playbooks": PERSON,
  "GET /api/v1/leak-playbooks/:id": own((f) => ({ url: `/api/v1/leak-playbooks/${f.otherPlaybookId}` })),
  "POST /api/v1/leak-playbooks/:id/steps": needs("credentials.respond", (f) => ({ url: `/api/v1/leak-playbooks/${f.otherPlaybookId}/steps`, payload: { step: "trace", source: "chat" } })),
  "GET /api/v1/findings": PERSON,
  "GET /api/v1/findings/overview": PERSON,
  "GET /api/v1/systems": PERSON,
  "GET /api/v1/teams": PERSON,
  "GET /api/v1/teams/:id": PERSON,
  "GET /api/v1/systems/:id": PERSON,
  "POST /api/v1/systems": needs("systems.manage", () => ({ url: "/api/v1/systems", payload: { key: "jira", name: "Jira", classification: "internal_data" } })),
  "PATCH /api/v1/systems/:id": needs("systems.manage", () => ({ url: `/api/v1/systems/${UUID}`, payload: { classification: "both" } })),
  "DELETE /api/v1/systems/:id": needs("systems.manage", () => ({ url: `/api/v1/systems/${UUID}` })),
  "POST /api/v1/teams": needs("people.manage", () => ({ url: "/api/v1/teams", payload: { name: "Skunkworks" } })),
  "PATCH /api/v1/teams/:id": needs("people.manage", () => ({ url: `/api/v1/teams/${UUID}`, payload: { name: "Renamed" } })),
  "DELETE /api/v1/teams/:id": needs("people.manage", () => ({ url: `/api/v1/teams/${UUID}` })),
  // the first-run checklist: admins and IT (policy.update, people.manage or systems.manage); IT is
  // the one who lacks the other two, so a person without people.manage is the wrong role here
  "GET /api/v1/setup": needs("people.manage", () => ({ url: "/api/v1/setup" })),
  "GET /api/v1/readiness": needs("bots.read_all", () => ({ url: "/api/v1/readiness" })),
  // org policy and gated actions
  "GET /api/v1/policy": PERSON,
  "PATCH /api/v1/policy": needs("policy.update", () => ({ url: "/api/v1/policy", payload: { reviewIntervalDays: 7 } })),
  "GET /api/v1/policy/versions": PERSON,
  "GET /api/v1/policy/versions/:version": PERSON,
  "POST /api/v1/policy/versions/:version/rollback": needs("policy.update", () => ({ url: "/api/v1/policy/versions/1/rollback" })),
  // the audit log
  // alerts
  "GET /api/v1/alerts": needs("alerts.read", () => ({ url: "/api/v1/alerts" })),
  "GET /api/v1/alerts/summary": needs("alerts.read", () => ({ url: "/api/v1/alerts/summary" })),
  "GET /api/v1/alerts/:id": needs("alerts.read", () => ({ url: `/api/v1/alerts/${UUID}` })),
  "POST /api/v1/alerts/:id/acknowledge": needs("alerts.manage", () => ({ url: `/api/v1/alerts/${UUID}/acknowledge`, payload: {} })),
  "POST /api/v1/alerts/:id/snooze": needs("alerts.manage", () => ({ url: `/api/v1/alerts/${UUID}/snooze`, payload: { hours: 1 } })),
  "POST /api/v1/alerts/:id/resolve": needs("alerts.manage", () => ({ url: `/api/v1/alerts/${UUID}/resolve`, payload: {} })),
  "GET /api/v1/alert-rules": needs("alerts.read", () => ({ url: "/api/v1/alert-rules" })),
  "PUT /api/v1/alert-rules": needs("alerts.manage", () => ({ url: "/api/v1/alert-rules", payload: { rules: [{ kind: "budget", enabled: true }] } })),
  "GET /api/v1/audit-events": needs("audit.read", () => ({ url: "/api/v1/audit-events" })),
  "GET /api/v1/audit-events/:id": needs("audit.read", () => ({ url: `/api/v1/audit-events/${UUID}` })),
  "GET /api/v1/audit-events/export": needs("audit.read", () => ({ url: "/api/v1/audit-events/export?format=ndjson" })),
  "GET /api/v1/audit/verify": needs("audit.read", () => ({ url: "/api/v1/audit/verify" })),
  // the kill switch: any scope with kill_switch.manage; a bot's own managers on that bot (kill-switch tests)
  "POST /api/v1/kill-switch": needs("kill_switch.manage", () => ({ url: "/api/v1/kill-switch", payload: { scope: { kind: "all" }, reason: "routes test" } })),
  "POST /api/v1/kill-switch/preview": needs("kill_switch.manage", () => ({ url: "/api/v1/kill-switch/preview", payload: { scope: { kind: "all" } } })),
  "GET /api/v1/kill-switch": needs("bots.read_all", () => ({ url: "/api/v1/kill-switch" })),
  "GET /api/v1/kill-switch/status": PERSON,
  "GET /api/v1/runbook": PERSON,
  "GET /api/v1/kill-switch/settings": PERSON,
  "PUT /api/v1/kill-switch/settings": needs("policy.update", () => ({ url: "/api/v1/kill-switch/settings", payload: { resumeRequiresSecondPerson: true } })),
  // one switch: its readers and resumers are narrowed in the service (an owner: the switches on their own bots)
  "GET /api/v1/kill-switch/:id": PERSON,
  "POST /api/v1/kill-switch/:id/resume": PERSON,
  "GET /api/v1/gated-actions": PERSON,
  "GET /api/v1/gated-actions/versions": PERSON,
  "GET /api/v1/gated-actions/versions/:version": PERSON,
  "POST /api/v1/gated-actions/versions/:version/rollback": needs("policy.update", () => ({ url: "/api/v1/gated-actions/versions/1/rollback" })),
  "PUT /api/v1/gated-actions/:action": needs("policy.update", () => ({ url: "/api/v1/gated-actions/shell.exec", payload: RULE })),
  // approvals
  "GET /api/v1/approval-requests": PERSON,
  "GET /api/v1/approval-requests/count": PERSON,
  "POST /api/v1/approval-requests": onBot("bots.write_all", (f) => ({
    url: "/api/v1/approval-requests",
    payload: { kind: "scope_expansion", botId: f.otherBotId, justification: "Not my bot", payload: { system: "sentry", scope: "sentry:issues:read", access: "read" } },
  })),
  "POST /api/v1/approval-requests/preview": onBot("bots.write_all", (f) => ({
    url: "/api/v1/approval-requests/preview",
    payload: { kind: "scope_expansion", botId: f.otherBotId, justification: "Not my bot", payload: { system: "sentry", scope: "sentry:issues:read", access: "read" } },
  })),
  "GET /api/v1/approval-requests/:id": onBot("bots.read_all", (f) => ({ url: `/api/v1/approval-requests/${f.otherRequestId}` })),
  "POST /api/v1/approval-requests/:id/approve": needs("bots.read_all", (f) => ({ url: `/api/v1/approval-requests/${f.otherRequestId}/approve` })),
  "POST /api/v1/approval-requests/:id/deny": needs("bots.read_all", (f) => ({ url: `/api/v1/approval-requests/${f.otherRequestId}/deny` })),
  "POST /api/v1/approval-requests/:id/cancel": own((f) => ({ url: `/api/v1/approval-requests/${f.otherRequestId}/cancel` })),
  // access reviews
  "POST /api/v1/access-reviews": needs("reviews.manage", () => ({
    url: "/api/v1/access-reviews",
    payload: { scope: "all", dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), lookbackDays: 30 },
  })),
  "GET /api/v1/access-reviews": needs("reviews.read_all", () => ({ url: "/api/v1/access-reviews" })),
  "GET /api/v1/access-reviews/:id": needs("reviews.read_all", (f) => ({ url: `/api/v1/access-reviews/${f.reviewCampaignId}` })),
  "GET /api/v1/access-reviews/:id/evidence": needs("reviews.read_all", (f) => ({ url: `/api/v1/access-reviews/${f.reviewCampaignId}/evidence?format=csv` })),
  "GET /api/v1/access-review-items": PERSON,
  "GET /api/v1/access-review-items/:id": own((f) => ({ url: `/api/v1/access-review-items/${f.otherReviewItemId}` })),
  "POST /api/v1/access-review-items/:id/decision": own((f) => ({ url: `/api/v1/access-review-items/${f.otherReviewItemId}/decision`, payload: { decision: "keep" } })),
  // offboarding: IT chooses plans and records steps; people.manage offboards a person; the new owner accepts
  "GET /api/v1/incidents": needs("incidents.read", () => ({ url: "/api/v1/incidents" })),
  "POST /api/v1/incidents": needs("incidents.manage", () => ({ url: "/api/v1/incidents", payload: { title: "Leaked token", severity: "high" } })),
  "GET /api/v1/incidents/:id": needs("incidents.read", () => ({ url: `/api/v1/incidents/${UUID}` })),
  "PATCH /api/v1/incidents/:id": needs("incidents.manage", () => ({ url: `/api/v1/incidents/${UUID}`, payload: { version: 1, summary: "x" } })),
  "POST /api/v1/incidents/:id/evidence": needs("incidents.manage", () => ({ url: `/api/v1/incidents/${UUID}/evidence`, payload: { evidence: [{ auditEventId: UUID }] } })),
  "GET /api/v1/incidents/:id/summary": needs("incidents.read", () => ({ url: `/api/v1/incidents/${UUID}/summary?format=md` })),
  "GET /api/v1/offboarding-cases": PERSON,
  "GET /api/v1/offboarding-cases/overview": PERSON,
  "GET /api/v1/offboarding-cases/:id": own(() => ({ url: `/api/v1/offboarding-cases/${UUID}` })),
  "POST /api/v1/offboarding-cases/:id/accept": own(() => ({ url: `/api/v1/offboarding-cases/${UUID}/accept` })),
  "POST /api/v1/offboarding-cases/:id/plan": needs("bots.write_all", () => ({ url: `/api/v1/offboarding-cases/${UUID}/plan`, payload: { plan: "offboard" } })),
  "POST /api/v1/offboarding-cases/:id/steps/:kind": needs("bots.write_all", () => ({ url: `/api/v1/offboarding-cases/${UUID}/steps/destroy_runtime`, payload: { note: "Container deleted" } })),
  "POST /api/v1/people/:id/offboard": needs("people.manage", (f) => ({ url: `/api/v1/people/${f.otherPersonId}/offboard`, payload: { confirm: true, reason: "Left the company" } })),
  "POST /api/v1/people/:id/offboarding-plan": needs("bots.write_all", (f) => ({ url: `/api/v1/people/${f.otherPersonId}/offboarding-plan`, payload: { plan: "offboard" } })),
  // inventory
  "GET /api/v1/inventory/export": needs("inventory.export", () => ({ url: "/api/v1/inventory/export?format=json" })),
  "POST /api/v1/inventory/import": needs("inventory.import", () => ({
    url: "/api/v1/inventory/import?dryRun=true",
    headers: { "content-type": "application/yaml" },
    payload: "bots: []\n",
  })),
  // people and identity
  "GET /api/v1/people": PERSON,
  "GET /api/v1/people/:id": own((f) => ({ url: `/api/v1/people/${f.otherPersonId}` })),
  "PATCH /api/v1/people/:id": needs("identity.manage", (f) => ({ url: `/api/v1/people/${f.otherPersonId}`, payload: { roles: ["auditor"] } })),
  "GET /api/v1/identity-settings": needs("identity.manage", () => ({ url: "/api/v1/identity-settings" })),
  "PATCH /api/v1/identity-settings": needs("identity.manage", () => ({ url: "/api/v1/identity-settings", payload: { scimEnabled: true } })),
  "GET /api/v1/identity-settings/break-glass-events": needs("identity.manage", () => ({ url: "/api/v1/identity-settings/break-glass-events" })),
  "GET /api/v1/scim-tokens": needs("identity.manage", () => ({ url: "/api/v1/scim-tokens" })),
  "POST /api/v1/scim-tokens": needs("identity.manage", () => ({ url: "/api/v1/scim-tokens", payload: { name: "mine" } })),
  "DELETE /api/v1/scim-tokens/:id": needs("identity.manage", () => ({ url: `/api/v1/scim-tokens/${UUID}` })),
  // notifications: my own list and channels; the org's settings
  "GET /api/v1/notifications": PERSON,
  "GET /api/v1/notifications/unread-count": PERSON,
  "POST /api/v1/notifications/:id/read": own((f) => ({ url: `/api/v1/notifications/${f.otherNotificationId}/read` })),
  "POST /api/v1/notifications/read-all": PERSON,
  "POST /api/v1/notifications/test": PERSON,
  "GET /api/v1/notification-preferences": PERSON,
  "PUT /api/v1/notification-preferences": PERSON,
  "GET /api/v1/notification-settings": needs("notifications.manage", () => ({ url: "/api/v1/notification-settings" })),
  "PUT /api/v1/notification-settings": needs("notifications.manage", () => ({ url: "/api/v1/notification-settings", payload: { webhookUrl: "https://hooks.example.com/services/T0/B0/x" } })),
  "GET /api/v1/notification-deliveries": needs("notifications.manage", () => ({ url: "/api/v1/notification-deliveries" })),
  "POST /api/v1/notification-deliveries/:id/retry": needs("notifications.manage", () => ({ url: `/api/v1/notification-deliveries/${UUID}/retry` })),
  // SIEM streaming: security and admins see the destinations, admins change them
  "GET /api/v1/siem/destinations": needs("siem.read", () => ({ url: "/api/v1/siem/destinations" })),
  "GET /api/v1/siem/destinations/:id": needs("siem.read", () => ({ url: `/api/v1/siem/destinations/${UUID}` })),
  "POST /api/v1/siem/destinations": needs("siem.manage", () => ({
    url: "/api/v1/siem/destinations",
    payload: { name: "routes-siem", kind: "syslog", endpoint: "siem.example.com:6514", enabled: false },
  })),
  "PATCH /api/v1/siem/destinations/:id": needs("siem.manage", () => ({ url: `/api/v1/siem/destinations/${UUID}`, payload: { enabled: false } })),
  "DELETE /api/v1/siem/destinations/:id": needs("siem.manage", () => ({ url: `/api/v1/siem/destinations/${UUID}` })),
  "POST /api/v1/siem/destinations/:id/test": needs("siem.manage", () => ({ url: `/api/v1/siem/destinations/${UUID}/test` })),
  // the skills registry: everyone reads it; admins and security register, security reviews
  "GET /api/v1/skills": PERSON,
  "GET /api/v1/skills/:id": PERSON,
  "POST /api/v1/skills": needs("skills.manage", () => ({
    url: "/api/v1/skills",
    payload: { name: "routes-skill", version: "1.0.0", source: { registry: "npm", package: "routes-skill" }, owner: "lucas.meyer@acme.example" },
  })),
  "PATCH /api/v1/skills/:id": needs("skills.manage", (f) => ({ url: `/api/v1/skills/${f.skillId}`, payload: { notes: "Someone else's" } })),
  "POST /api/v1/skills/:id/review": needs("skills.review", (f) => ({ url: `/api/v1/skills/${f.skillId}/review`, payload: { decision: "approve" } })),
  "GET /api/v1/bots/:id/skills": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/skills` })),
  // persistent instructions: the console's side (human auth)...
  "GET /api/v1/bots/:id/instructions/files": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/instructions/files` })),
  "GET /api/v1/bots/:id/instructions/files/:name/versions": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/instructions/files/SOUL.md/versions` })),
  "GET /api/v1/bots/:id/instructions/files/:name/versions/:version": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/instructions/files/SOUL.md/versions/1` })),
  // switching review off is security's; switching it on is also the owner's (instructions tests)
  "PATCH /api/v1/bots/:id/instructions/files/:name": needs("instructions.review", (f) => ({
    url: `/api/v1/bots/${f.otherBotId}/instructions/files/SOUL.md`,
    payload: { requiresReview: false },
  })),
  "POST /api/v1/bots/:id/instructions/files/:name/versions/:version/review": onBot("bots.read_all", (f) => ({
    url: `/api/v1/bots/${f.otherBotId}/instructions/files/SOUL.md/versions/1/review`,
    payload: { decision: "approve" },
  })),
  // ...and the runtime's (a bot runtime token for its own bot, or a person)
  "GET /api/v1/bots/:id/instructions": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/instructions` })),
  "GET /api/v1/bots/:id/instructions/current": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/instructions/current` })),
  "POST /api/v1/bots/:id/instructions/files/:name/versions": onBot("bots.write_all", (f) => ({
    url: `/api/v1/bots/${f.otherBotId}/instructions/files/SOUL.md/versions`,
    payload: { content: "Someone else's bot" },
  })),
  // agent runtimes
  "POST /api/v1/decisions": { access: { kind: "bot-runtime" } },
  // runtime events: a bot's runtime reports (bot token only); people read a bot's sessions
  "POST /api/v1/events": { access: { kind: "bot-runtime" } },
  "GET /api/v1/bots/:id/sessions": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/sessions` })),
  "GET /api/v1/bots/:id/sessions/:sessionId": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/sessions/s-1` })),
  "GET /api/v1/bots/:id/runtime": onBot("bots.read_all", (f) => ({ url: `/api/v1/bots/${f.otherBotId}/runtime` })),
  "GET /api/v1/usage": needs("bots.read_all", () => ({ url: "/api/v1/usage" })),
  "GET /api/v1/usage.csv": needs("bots.read_all", () => ({ url: "/api/v1/usage.csv" })),
  "GET /api/v1/budgets": PERSON,
  "PUT /api/v1/budgets": needs("budgets.manage", (f) => ({ url: "/api/v1/budgets", payload: { scope: "bot", subjectId: f.otherBotId, period: "day", capUsd: 10 } })),
  "DELETE /api/v1/budgets/:id": needs("budgets.manage", () => ({ url: `/api/v1/budgets/${UUID}` })),
  // SCIM 2.0
  "GET /scim/v2/Users": SCIM,
  "POST /scim/v2/Users": SCIM,
  "GET /scim/v2/Users/:id": SCIM,
  "PUT /scim/v2/Users/:id": SCIM,
  "PATCH /scim/v2/Users/:id": SCIM,
  "DELETE /scim/v2/Users/:id": SCIM,
  "GET /scim/v2/Groups": SCIM,
  "POST /scim/v2/Groups": SCIM,
  "GET /scim/v2/Groups/:id": SCIM,
  "PUT /scim/v2/Groups/:id": SCIM,
  "PATCH /scim/v2/Groups/:id": SCIM,
  "DELETE /scim/v2/Groups/:id": SCIM,
  "GET /scim/v2/ServiceProviderConfig": SCIM,
  "GET /scim/v2/ResourceTypes": SCIM,
  "GET /scim/v2/ResourceTypes/:id": SCIM,
  "GET /scim/v2/Schemas": SCIM,
  "GET /scim/v2/Schemas/:id": SCIM,
  // SCIM's own 404 for unknown paths under /scim/v2, every method
  ...Object.fromEntries(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"].map((m) => [`${m} /scim/v2/*`, SCIM])),
};

/** People whose roles lack a permission, tried in order for the wrong-role case. */
const ROLE_HOLDERS: { email: string; roles: TRole[] }[] = [
  { email: "daniel.kim@acme.example", roles: [] },
  { email: "ines.moreau@acme.example", roles: ["auditor"] },
  { email: "omar.haddad@acme.example", roles: ["security"] },
  { email: "sam.taylor@acme.example", roles: ["it"] },
];

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
/** The route's URL with its parameters filled with values that name nothing. */
const bareUrl = (url: string) => url.replace(/:action/g, "shell.exec").replace(/:[A-Za-z]+/g, UUID).replace(/\*$/, "nothing-here");

describe("every route", () => {
  let t: TestApp;
  const f = {} as Fixtures;
  const tokens: Record<string, string> = {};
  const consoleDir = mkdtempSync(join(tmpdir(), "bridle-console-"));

  beforeAll(async () => {
    // a console build with a known set of files, so the static routes are the same on every machine
    writeFileSync(join(consoleDir, "index.html"), '<!doctype html><div id="root"></div><script type="module" src="/assets/app.js"></script>');
    mkdirSync(join(consoleDir, "assets"));
    writeFileSync(join(consoleDir, "assets/app.js"), "export {};\n");
    t = await createTestApp({ seed: "demo", env: { BRIDLE_CONSOLE_DIR: consoleDir } });
    for (const p of [...ROLE_HOLDERS.map((h) => h.email), "lucas.meyer@acme.example"]) tokens[p] = await tokenFor(t.database, p);
    const db = t.database.db;
    const [bot] = await db.select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-triage-bot"));
    const [lucas] = await db.select({ id: people.id }).from(people).where(eq(people.email, "lucas.meyer@acme.example"));
    const [admin] = await db.select({ id: people.id }).from(people).where(eq(people.email, ADMIN_EMAIL));
    f.otherBotId = bot!.id;
    f.otherPersonId = lucas!.id;
    const [skill] = await db.select({ id: skills.id }).from(skills).where(and(eq(skills.name, "openclaw-skill-github"), eq(skills.version, "1.5.0")));
    f.skillId = skill!.id;
    const opened = await t.app.inject({
      method: "POST",
      url: "/api/v1/approval-requests",
      headers: { authorization: `Bearer ${tokens["lucas.meyer@acme.example"]}` },
      payload: { kind: "scope_expansion", botId: f.otherBotId, justification: "Needs to read Sentry issues", payload: { system: "sentry", scope: "sentry:issues:read", access: "read" } },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    f.otherRequestId = opened.json().id;
    const campaign = await t.api({
      method: "POST",
      url: "/api/v1/access-reviews",
      payload: { scope: "all", dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(), lookbackDays: 90 },
    });
    expect(campaign.statusCode, campaign.body).toBe(201);
    f.reviewCampaignId = campaign.json().id;
    const items = (await t.api({ method: "GET", url: `/api/v1/access-reviews/${f.reviewCampaignId}` })).json() as { items: { id: string; botId: string }[] };
    f.otherReviewItemId = items.items.find((i) => i.botId === f.otherBotId)!.id;
    const refs = await t.app.inject({ method: "GET", url: `/api/v1/bots/${f.otherBotId}/credential-references`, headers: { authorization: `Bearer ${tokens["omar.haddad@acme.example"]}` } });
    const [first, second] = (refs.json() as { items: { id: string }[] }).items;
    f.otherReferenceId = first!.id;
    const playbook = await t.app.inject({
      method: "POST",
      url: `/api/v1/bots/${f.otherBotId}/credential-references/${second!.id}/leak-playbooks`,
      headers: { authorization: `Bearer ${tokens["omar.haddad@acme.example"]}` },
      payload: { reason: "Seen in a CI log" },
    });
    expect(playbook.statusCode, playbook.body).toBe(201);
    f.otherPlaybookId = playbook.json().id;
    // the bootstrap admin's API token and a console session of theirs
    f.otherTokenId = (await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.personId, admin!.id)))[0]!.id;
    f.otherNotificationId = (await notify(db, { recipients: { personIds: [lucas!.id] }, kind: "test", title: "For Lucas", body: "" }, SYSTEM_ACTOR)).notificationIds[0]!;
    await login(t.app);
    f.otherSessionId = (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.personId, admin!.id)))[0]!.id;
  });
  afterAll(async () => {
    await t.close();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it("has an access entry for every registered route, and no entry for a route that is gone", () => {
    const registered = t.app.registeredRoutes.map(key);
    expect(registered.length).toBeGreaterThan(80);
    expect(new Set(registered).size).toBe(registered.length);
    expect(registered.filter((r) => !(r in ACCESS)), "routes without an ACCESS entry").toEqual([]);
    expect(Object.keys(ACCESS).filter((k) => !registered.includes(k)), "ACCESS entries for no route").toEqual([]);
  });

  it("documents every route not hidden from OpenAPI, with an operationId", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, Record<string, { operationId?: string }>> };
    const shown = t.app.registeredRoutes.filter((r) => !r.hidden);
    expect(shown.length).toBeGreaterThan(60);
    const undocumented = shown.filter((r) => !doc.paths[r.url.replace(/:(\w+)/g, "{$1}")]?.[r.method.toLowerCase()]?.operationId);
    expect(undocumented.map(key)).toEqual([]);
    // every /api/v1, /auth and /scim/v2 route is documented, hidden ones only where listed here
    const hiddenApi = t.app.registeredRoutes.filter((r) => r.hidden && /^\/(api|auth|scim)\//.test(r.url)).map(key);
    expect(hiddenApi.sort()).toEqual(Object.keys(ACCESS).filter((k) => /^\w+ \/scim\/v2\/\*$/.test(k)).sort());
  });

  it("answers 401 without credentials and with a bad token on every route that is not public", async () => {
    const failures: string[] = [];
    for (const route of t.app.registeredRoutes) {
      const entry = ACCESS[key(route)];
      if (!entry || entry.access.kind === "public") continue;
      const url = entry.sample?.(f).url ?? bareUrl(route.url);
      const method = route.method as InjectOptions["method"];
      const anonymous = await t.app.inject({ method, url });
      if (anonymous.statusCode !== 401) failures.push(`${key(route)} without credentials: ${anonymous.statusCode}`);
      for (const bad of ["Bearer brdl_pat_nope", "Bearer brdl_bot_nope", "Basic YWRtaW46YWRtaW4="]) {
        const res = await t.app.inject({ method, url, headers: { authorization: bad } });
        if (res.statusCode !== 401) failures.push(`${key(route)} with ${bad}: ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses a person token on the bot runtime and SCIM routes", async () => {
    const failures: string[] = [];
    for (const route of t.app.registeredRoutes) {
      const kind = ACCESS[key(route)]?.access.kind;
      if (kind !== "bot-runtime" && kind !== "scim") continue;
      const res = await t.app.inject({ method: route.method as InjectOptions["method"], url: bareUrl(route.url), headers: { authorization: `Bearer ${tokens["ines.moreau@acme.example"]}` } });
      if (res.statusCode !== 401 && res.statusCode !== 403) failures.push(`${key(route)}: ${res.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers 403 to the wrong role on every route that needs a permission", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of t.app.registeredRoutes) {
      const entry = ACCESS[key(route)];
      if (entry?.access.kind !== "permission" && entry?.access.kind !== "bot") continue;
      const permission = entry.access.permission;
      const lacking = ROLE_HOLDERS.filter((h) => !permissionsOf(h.roles).includes(permission));
      expect(lacking.length, `nobody in ROLE_HOLDERS lacks ${permission}`).toBeGreaterThan(0);
      const sample = entry.sample!(f);
      for (const who of lacking) {
        const res = await t.app.inject({
          method: route.method as InjectOptions["method"],
          url: sample.url!,
          headers: { ...sample.headers, authorization: `Bearer ${tokens[who.email]}` },
          ...(sample.payload === undefined ? {} : { payload: sample.payload }),
        });
        checked++;
        if (res.statusCode !== 403) failures.push(`${key(route)} as ${who.roles.join(",") || "no role"}: ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it("answers 403 or 404 on another person's token, session, record or approval request", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of t.app.registeredRoutes) {
      const entry = ACCESS[key(route)];
      if (entry?.access.kind !== "own") continue;
      const sample = entry.sample!(f);
      const res = await t.app.inject({
        method: route.method as InjectOptions["method"],
        url: sample.url!,
        headers: { ...sample.headers, authorization: `Bearer ${tokens["daniel.kim@acme.example"]}` },
        ...(sample.payload === undefined ? {} : { payload: sample.payload }),
      });
      checked++;
      if (res.statusCode !== 403 && res.statusCode !== 404) failures.push(`${key(route)}: ${res.statusCode} ${res.body.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(Object.values(ACCESS).filter((e) => e.access.kind === "own").length);
  });
});
