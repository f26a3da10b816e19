import { ZApprovalRequest, ZApprovalRequestPage, ZCreatedBotToken, ZDecision, type TCreateApprovalRequest } from "@bridle/contracts";
import { bots, people, type Db } from "@bridle/db";
import { eq, inArray } from "drizzle-orm";
import type { FastifyInstance, InjectOptions } from "fastify";
import { loadIdentitySettings } from "../modules/identity-settings/index.ts";
import { openSession } from "../modules/auth/index.ts";

const DAY_MS = 86_400_000;
const SEED_AGENT = "Bridle demo seed";

/** What the demo seed opened, by kind (ids of pending approval requests). */
export type DemoRequests = Record<"scope_expansion" | "golden_rule_exception" | "ownership_transfer" | "gated_action", string>;

/**
 * The demo's pending approval requests, one of each kind, so the Approvals inbox has something to
 * decide and every persona of the demo sign-in has something to do (README "Try every persona"):
 *
 * | kind | opened by | about | decided by |
 * | --- | --- | --- | --- |
 * | scope expansion | Lucas Meyer (owner) | acme-triage-bot: github:pull_requests:read | security (one) |
 * | Golden Rule exception | Sofia Rossi (owner) | acme-deploy-bot posts to the public status page | security (two: dual control) |
 * | ownership transfer | Hana Sato (owner) | acme-incident-digest-bot to Ethan Brooks | IT |
 * | gated action | the bot acme-test-triage-bot, with a token Lucas made | shell.exec of a flaky test | as org policy says (security) |
 *
 * Everything goes through the real HTTP routes (`app.inject`), as the people and the bot would:
 * each requester gets a session opened the way a sign-in opens one and closed by /auth/logout
 * afterwards; the bot's runtime token is revoked once it has asked. None of the requesters
 * reviews requests, so the demo's security and IT people can decide them all.
 *
 * Call once, right after the demo organization was loaded into an empty database, on a ready app.
 * @throws Error naming the step that failed (a start-up error: the demo file and this list disagree)
 */
export async function seedDemoRequests(app: FastifyInstance, db: Db, sessionTtlMs: number, now = new Date()): Promise<DemoRequests> {
  const botIds = await botIdsByName(db, ["acme-triage-bot", "acme-test-triage-bot", "acme-deploy-bot", "acme-incident-digest-bot"]);
  const lucas = await signedIn(db, "lucas.meyer@acme.example", sessionTtlMs);
  const sofia = await signedIn(db, "sofia.rossi@acme.example", sessionTtlMs);
  const hana = await signedIn(db, "hana.sato@acme.example", sessionTtlMs);
  try {
    const scope = await open(app, lucas, {
      kind: "scope_expansion",
      botId: botIds.get("acme-triage-bot")!,
      justification: "Link new issues to the pull requests that fix them, so reporters see progress without asking.",
      payload: { system: "github", scope: "github:pull_requests:read", access: "read" },
    });
    const exception = await open(app, sofia, {
      kind: "golden_rule_exception",
      botId: botIds.get("acme-deploy-bot")!,
      justification: "Customers learn about planned maintenance from the status page; the deploy bot knows first when a migration will need downtime.",
      payload: {
        businessPurpose: "Post planned-maintenance notices for production deploys that need downtime to the public status page.",
        allowedSystems: ["github", "vercel-logs", "statuspage"],
        allowedChannels: ["slack-internal", "github"],
        dataClassification: "internal: deploy times and affected services only, never code, logs or customer data",
        approvalRequirements: "Every notice is a gated action (message.post_external) approved by the on-call engineer.",
        exceptionExpiresAt: new Date(now.getTime() + 90 * DAY_MS).toISOString(),
        grant: { system: "statuspage", scope: "statuspage:incidents:write", access: "write" },
      },
    });
    const transfer = await open(app, hana, {
      kind: "ownership_transfer",
      botId: botIds.get("acme-incident-digest-bot")!,
      justification: "I am moving to the data team; Ethan runs the incident reviews from next month.",
      payload: { toEmail: "ethan.brooks@acme.example" },
    });
    const gated = await botAsks(app, lucas, botIds.get("acme-test-triage-bot")!);
    return { scope_expansion: scope, golden_rule_exception: exception, ownership_transfer: transfer, gated_action: gated };
  } finally {
    for (const s of [lucas, sofia, hana]) await call(app, s, { method: "POST", url: "/auth/logout" }, "sign the requester out").catch(() => {});
  }
}

/**
 * At a later start in demo mode: the bot's gated action lasts only as long as the gated-action
 * policy says (an hour by default, as a runtime would wait), so when acme-test-triage-bot has no
 * pending one any more, its runtime asks again (a new request id), and the README's gated-action
 * walk-through still has a request to approve. The other kinds last a week and are not renewed.
 * Returns the new request's id, or null when one is still pending or the demo bot is not there
 * (a database that was not seeded with the demo organization).
 */
export async function renewDemoGatedAction(app: FastifyInstance, db: Db, sessionTtlMs: number, now = new Date()): Promise<string | null> {
  const [bot] = await db.select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-test-triage-bot"));
  const [owner] = await db.select({ id: people.id }).from(people).where(eq(people.email, "lucas.meyer@acme.example"));
  if (!bot || !owner) return null;
  const lucas = await signedIn(db, "lucas.meyer@acme.example", sessionTtlMs);
  try {
    const res = await call(app, lucas, { method: "GET", url: `/api/v1/approval-requests?status=pending&kind=gated_action&bot=${bot.id}` }, "list the bot's pending requests");
    if (ZApprovalRequestPage.parse(res.json()).items.length) return null;
    return await botAsks(app, lucas, bot.id, `demo-flaky-cart-test-${now.getTime()}`);
  } finally {
    await call(app, lucas, { method: "POST", url: "/auth/logout" }, "sign the requester out").catch(() => {});
  }
}

type Session = { email: string; cookie: string; csrf: string };

async function botIdsByName(db: Db, names: string[]): Promise<Map<string, string>> {
  const rows = await db.select({ id: bots.id, name: bots.name }).from(bots).where(inArray(bots.name, names));
  const out = new Map(rows.map((r) => [r.name, r.id]));
  const missing = names.filter((n) => !out.has(n));
  if (missing.length) throw new Error(`the demo organization has no bot ${missing.join(", ")}`);
  return out;
}

/** A session for a person of the demo file, opened as a sign-in opens one (auth.service openSession). */
async function signedIn(db: Db, email: string, sessionTtlMs: number): Promise<Session> {
  const [person] = await db.select({ id: people.id }).from(people).where(eq(people.email, email));
  if (!person) throw new Error(`the demo organization has no person ${email}`);
  const settings = await loadIdentitySettings(db);
  const s = await openSession(db, { personId: person.id, method: "local", settings, sessionTtlMs, userAgent: SEED_AGENT, now: new Date() });
  return { email, cookie: `bridle_session=${s.cookieValue}`, csrf: s.csrfToken };
}

async function call(app: FastifyInstance, s: Session | { bearer: string }, o: InjectOptions, what: string) {
  const headers = "bearer" in s ? { authorization: `Bearer ${s.bearer}` } : { cookie: s.cookie, "x-csrf-token": s.csrf };
  const res = await app.inject({ ...o, headers: { ...headers, "user-agent": SEED_AGENT, ...o.headers } });
  if (res.statusCode >= 300) throw new Error(`demo seed: could not ${what}: ${res.statusCode} ${res.body}`);
  return res;
}

async function open(app: FastifyInstance, s: Session, body: TCreateApprovalRequest): Promise<string> {
  const res = await call(app, s, { method: "POST", url: "/api/v1/approval-requests", payload: body }, `open the ${body.kind} request as ${s.email}`);
  return ZApprovalRequest.parse(res.json()).id;
}

/** The bot's runtime asks to run a shell command (a flaky test, once); policy holds it for approval. */
async function botAsks(app: FastifyInstance, owner: Session, botId: string, requestId = "demo-flaky-cart-test-1"): Promise<string> {
  const created = ZCreatedBotToken.parse(
    (await call(app, owner, { method: "POST", url: `/api/v1/bots/${botId}/tokens`, payload: { name: "demo runtime (revoked)", expiresInDays: 1 } }, "create a runtime token")).json(),
  );
  try {
    const res = await call(
      app,
      { bearer: created.token },
      {
        method: "POST",
        url: "/api/v1/decisions",
        payload: {
          action: "shell.exec",
          target: { resource: "acme-corp/acme-web" },
          params: { command: "npx vitest run src/checkout/cart.test.ts --retry=0", cwd: "/workspace/acme-web", timeoutSeconds: 300 },
          paramsSummary: "Re-run the flaky checkout cart test once on main, without retries, to see whether it fails there too",
          requestId,
        },
      },
      "ask for a decision as the bot",
    );
    const decision = ZDecision.parse(res.json());
    if (decision.decision !== "require_approval" || !decision.approvalRequestId)
      throw new Error(`demo seed: shell.exec was answered ${decision.decision}, not require_approval`);
    return decision.approvalRequestId;
  } finally {
    await call(app, owner, { method: "DELETE", url: `/api/v1/bots/${botId}/tokens/${created.id}` }, "revoke the runtime token");
  }
}
