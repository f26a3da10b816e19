import { randomUUID } from "node:crypto";
import type { TDecision } from "@bridle/contracts";
import { bots } from "@bridle/db";
import { inArray } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide, eventually } from "../../../test/bot-runtime.ts";
import { createReplica, createTestApp, type TestApp } from "../../../test/harness.ts";
import { noticePayloads, POLICY_CHANNEL } from "../../lib/domain-events.ts";

/**
 * Two replicas on one database. Replica B answers decisions from its in-memory snapshot and
 * refreshes only the bots a change notice names; an org-wide change rebuilds it whole. To see
 * which bots B refreshed, the test changes two bots directly in SQL (no domain event, so no
 * notice), then sends the notice another replica would send on commit for one of them.
 */
describe("the decision snapshot across replicas, per bot", () => {
  let a: TestApp;
  let b: TestApp;
  let notifier: pg.Client;
  let triage: { token: string; botId: string };
  let deploy: { token: string; botId: string };

  beforeAll(async () => {
    a = await createTestApp({ seed: "demo" });
    b = await createReplica(a);
    notifier = new pg.Client({ connectionString: a.config.DATABASE_URL });
    await notifier.connect();
    triage = await botTokenFor(a, "acme-triage-bot");
    deploy = await botTokenFor(a, "acme-deploy-bot");
  });
  afterAll(async () => {
    await notifier.end();
    await b.close();
    await a.close();
  });

  const askB = async (bot: { token: string }) => {
    const res = await decide(b, bot.token, { action: "issue.comment", target: { system: "github" }, requestId: `req-${randomUUID()}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TDecision;
  };

  it("refreshes on B only the bots a notice names, and everything on an org-wide change", async () => {
    expect((await askB(triage)).decision).toBe("allow");
    expect((await askB(deploy)).decision).toBe("allow");

    // Both bots paused behind the snapshot's back: B still answers from memory.
    await a.database.db.update(bots).set({ status: "paused" }).where(inArray(bots.id, [triage.botId, deploy.botId]));
    expect((await askB(triage)).decision).toBe("allow");

    // The notice a replica in another process sends when its change to the triage bot commits.
    await notifier.query("select pg_notify($1, $2)", [POLICY_CHANNEL, noticePayloads("bot.changed", [triage.botId])[0]]);
    const paused = await eventually(() => askB(triage), (d) => d.decision === "deny");
    expect(paused.reasons[0]!.code).toBe("bot_not_active");
    // Only the named bot was reloaded: the deploy bot's entry is the one B had.
    expect((await askB(deploy)).decision).toBe("allow");

    // An org-wide change through replica A's API (an org gated-action rule): B reloads every bot.
    const rule = await a.api({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: { mode: "deny", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(rule.statusCode, rule.body).toBe(200);
    const deployPaused = await eventually(() => askB(deploy), (d) => d.decision === "deny");
    expect(deployPaused.reasons[0]!.code).toBe("bot_not_active");
  });

  it("sees a bot changed through replica A's API in B's next decisions", async () => {
    const res = await a.api({ method: "PATCH", url: `/api/v1/bots/${triage.botId}`, payload: { status: "active" } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await eventually(() => askB(triage), (d) => d.decision === "allow")).decision).toBe("allow");
  });
});
