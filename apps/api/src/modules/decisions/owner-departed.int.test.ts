import type { TDecision } from "@bridle/contracts";
import { bots, people } from "@bridle/db";
import { randomUUID } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botTokenFor, decide } from "../../../test/bot-runtime.ts";
import { createReplica, createTestApp, type TestApp } from "../../../test/harness.ts";
import { parseChangeNotice, POLICY_CHANNEL, type ChangeNotice, type DomainEventType } from "../../lib/domain-events.ts";
import { PATCH_URN, setScimEnabled } from "../scim/scim.testkit.ts";

/**
 * Two replicas on one database: the identity provider deprovisions a bot's owner through SCIM on
 * replica A, and the very next decision replica B makes for that bot (once B's LISTEN connection
 * has been sent the notification) refuses gated actions and external communication, naming the
 * owner, while read-only actions stay allowed; a transfer on A lifts it on B.
 */
describe("a bot whose owner is deprovisioned, across replicas", () => {
  let a: TestApp;
  let b: TestApp;
  let listener: pg.Client;
  const heard: ChangeNotice[] = [];
  let bot: { token: string; botId: string };
  let lucasId: string;
  let scimToken: string;

  beforeAll(async () => {
    a = await createTestApp({ seed: "demo" });
    b = await createReplica(a);
    listener = new pg.Client({ connectionString: a.config.DATABASE_URL });
    await listener.connect();
    listener.on("notification", (m) => heard.push(parseChangeNotice(m.payload ?? "")));
    await listener.query(`listen ${POLICY_CHANNEL}`);
    await setScimEnabled(a, true);
    scimToken = (await a.api({ method: "POST", url: "/api/v1/scim-tokens", payload: { name: "okta" } })).json().token as string;
    // Gated shell.exec is allowed by org policy here, so the only reason left to refuse it is the owner.
    const put = await a.api({ method: "PUT", url: "/api/v1/gated-actions/shell.exec", payload: { mode: "allow", approverRole: "security", approvalsRequired: 1, requestTtlMinutes: 60 } });
    expect(put.statusCode, put.body).toBe(200);
    // No internal data access: posting to the public status page is allowed external communication.
    const created = await a.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: {
        name: "acme-status-bot",
        owner: "lucas.meyer@acme.example",
        team: "platform",
        purpose: "Posts incident updates to the public status page",
        environment: "production",
        internalDataAccess: "none",
        grants: [
          { system: "statuspage", scope: "statuspage:incidents:write", access: "write" },
          { system: "npm-registry", scope: "npm-registry:packages:read", access: "read" },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    bot = await botTokenFor(a, "acme-status-bot");
    lucasId = (await a.database.db.select({ id: people.id }).from(people).where(eq(people.email, "lucas.meyer@acme.example")))[0]!.id;
  });
  afterAll(async () => {
    await listener.end();
    await b.close();
    await a.close();
  });

  const askB = async (action: string, target: Record<string, string>) => {
    const res = await decide(b, bot.token, { action, target, requestId: `req-${randomUUID()}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as TDecision;
  };
  /**
   * Waits until Postgres has sent listeners (on commit) the change notice of `event`, and checks
   * that it names exactly `bots`: replicas refresh those bots, not the whole snapshot.
   */
  const notified = async (event: DomainEventType, bots: string[]) => {
    const match = (n: ChangeNotice) => n.event === event && n.bots !== "all" && n.bots.includes(bot.botId);
    for (let i = 0; i < 200 && !heard.some(match); i++) await new Promise((r) => setTimeout(r, 10));
    const notices = heard.filter((n) => n.event === event);
    expect(notices).toHaveLength(1);
    expect([...(notices[0]!.bots as string[])].sort()).toEqual([...bots].sort());
  };
  const gated = { action: "shell.exec", target: {} };
  const external = { action: "incident.post", target: { system: "statuspage" } };
  const readOnly = { action: "packages.read", target: { system: "npm-registry" } };

  it("allows all three on replica B while the owner is active", async () => {
    expect((await askB(gated.action, gated.target)).decision).toBe("allow");
    expect((await askB(external.action, external.target)).decision).toBe("allow");
    expect((await askB(readOnly.action, readOnly.target)).decision).toBe("allow");
  });

  it("after SCIM deprovisions the owner on replica A, B denies the gated action and external communication, naming the owner, and allows the read", async () => {
    const off = await a.app.inject({
      method: "PATCH",
      url: `/scim/v2/Users/${lucasId}`,
      headers: { authorization: `Bearer ${scimToken}`, "content-type": "application/scim+json" },
      payload: JSON.stringify({ schemas: [PATCH_URN], Operations: [{ op: "replace", value: { active: false } }] }),
    });
    expect(off.statusCode, off.body).toBe(200);
    // One notice naming every bot Lucas owns (not offboarded), this one among them.
    const lucasBots = await a.database.db.select({ id: bots.id }).from(bots).where(and(eq(bots.ownerId, lucasId), ne(bots.status, "offboarded")));
    expect(lucasBots.map((b) => b.id)).toContain(bot.botId);
    await notified("person.deactivated", lucasBots.map((b) => b.id));

    const message = (action: string) =>
      `${action} refused: the bot's owner Lucas Meyer <lucas.meyer@acme.example> has left (account deactivated); until the bot is transferred to a new owner or offboarded it may only take read-only actions`;
    const g = await askB(gated.action, gated.target);
    expect(g).toMatchObject({ decision: "deny", approvalRequestId: null });
    expect(g.reasons).toEqual([{ code: "owner_departed", rule: "BR-ORPHANED", message: message("shell.exec") }]);
    const e = await askB(external.action, external.target);
    expect(e.decision).toBe("deny");
    expect(e.reasons).toEqual([{ code: "owner_departed", rule: "BR-ORPHANED", message: message("incident.post") }]);
    const r = await askB(readOnly.action, readOnly.target);
    expect(r).toMatchObject({ decision: "allow", reasons: [{ code: "not_gated" }] });
  });

  it("after the identity provider renames the departed owner on replica A, B's refusal names them as they are now", async () => {
    const renamed = await a.app.inject({
      method: "PATCH",
      url: `/scim/v2/Users/${lucasId}`,
      headers: { authorization: `Bearer ${scimToken}`, "content-type": "application/scim+json" },
      payload: JSON.stringify({ schemas: [PATCH_URN], Operations: [{ op: "replace", path: "displayName", value: "Lucas Meyer-Schmidt" }] }),
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const lucasBots = await a.database.db.select({ id: bots.id }).from(bots).where(eq(bots.ownerId, lucasId));
    await notified("person.changed", lucasBots.map((b) => b.id));
    const g = await askB(gated.action, gated.target);
    expect(g.reasons[0]!.message).toContain("the bot's owner Lucas Meyer-Schmidt <lucas.meyer@acme.example> has left");
  });

  it("after IT transfers the bot on replica A, B allows the gated action again", async () => {
    const res = await a.api({ method: "POST", url: `/api/v1/bots/${bot.botId}/transfer`, payload: { toEmail: "maya.chen@acme.example", note: "Lucas left; Maya takes over" } });
    expect(res.statusCode, res.body).toBe(200);
    await notified("bot.owner_changed", [bot.botId]);
    expect((await askB(gated.action, gated.target)).decision).toBe("allow");
    expect((await askB(external.action, external.target)).decision).toBe("allow");
  });
});
