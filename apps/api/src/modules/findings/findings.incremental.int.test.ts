import { bots } from "@bridle/db";
import { evaluateInventory, nextReviewDue } from "@bridle/policy";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/harness.ts";
import { stableJson } from "../../lib/json.ts";
import { rowsOf } from "../../lib/sql.ts";
import { recomputeFindings } from "./index.ts";
import * as repo from "./findings.repo.ts";
import { loadPolicyInput } from "../policy-settings/index.ts";

/**
 * Findings follow domain events incrementally: a change recomputes the changed bots and the bots
 * sharing (or until now sharing) an identity with them, and gives exactly the findings a full
 * recompute would. Every change here goes through the real HTTP routes.
 */
describe("incremental findings", () => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  const bot = (name: string, extra: Record<string, unknown>) => ({
    name,
    owner: "maya.chen@acme.example",
    team: "platform",
    purpose: "Exercises incremental findings",
    environment: "production",
    status: "active",
    ...extra,
  });
  /** The bots under test: alpha and beta share a mailbox and a GitHub account; gamma and delta a Linear account; loner shares nothing. */
  const INVENTORY = [
    bot("acme-inc-alpha-internal-bot", { email: "shared.mailbox.bot@acme.example", serviceAccounts: [{ system: "github", account: "inc-shared-gh" }] }),
    bot("acme-inc-beta-internal-bot", { email: "Shared.Mailbox.Bot@ACME.example", serviceAccounts: [{ system: "github", account: "INC-shared-gh" }] }),
    bot("acme-inc-gamma-internal-bot", { serviceAccounts: [{ system: "github", account: "inc-gamma" }, { system: "linear", account: "inc-shared-linear" }] }),
    bot("acme-inc-delta-internal-bot", { environment: "staging", serviceAccounts: [{ system: "linear", account: "inc-shared-linear" }] }),
    bot("acme-inc-loner-internal-bot", { serviceAccounts: [{ system: "github", account: "inc-loner" }] }),
  ];

  const importBots = async (list: unknown[]) => {
    const res = await t.api({ method: "POST", url: "/api/v1/inventory/import", headers: { "content-type": "application/json" }, payload: JSON.stringify({ bots: list }) });
    expect(res.statusCode, res.body).toBe(200);
  };
  const patch = async (name: string, body: Record<string, unknown>) => {
    const res = await t.api({ method: "PATCH", url: `/api/v1/bots/${ids[name]}`, payload: body });
    expect(res.statusCode, res.body).toBe(200);
  };

  /**
   * The bots whose stored findings (or next review date) differ from what a full evaluation of
   * the whole inventory gives now: [] when the incremental recomputes left nothing behind.
   */
  async function driftFromFull(): Promise<string[]> {
    const policy = (await loadPolicyInput(t.database.db))!;
    const systems = await repo.loadSystemClassifications(t.database.db);
    const facts = await repo.loadBotFacts(t.database.db);
    const skills = await repo.loadSkillRegistry(t.database.db);
    const full = evaluateInventory(facts, { policy: policy.policy, systems, skills, now: new Date() });
    return facts
      .filter((b) => {
        const due = b.status === "offboarded" ? null : nextReviewDue(b, policy.policy.reviewIntervalDays);
        return stableJson(full.get(b.id)) !== stableJson(b.storedFindings) || (due?.getTime() ?? null) !== (b.storedNextReviewDue?.getTime() ?? null);
      })
      .map((b) => b.name);
  }
  const sharedWith = async (name: string) => {
    const [row] = await t.database.db.select({ findings: bots.findings }).from(bots).where(eq(bots.id, ids[name]!));
    return (row!.findings as { kind: string; details?: { otherBots?: { name: string }[] } }[])
      .filter((f) => f.kind === "shared_identity")
      .flatMap((f) => f.details!.otherBots!.map((o) => o.name))
      .sort();
  };

  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
    await importBots(INVENTORY);
    const rows = await t.database.db.select({ id: bots.id, name: bots.name }).from(bots);
    for (const r of rows) ids[r.name] = r.id;
  });
  afterAll(() => t.close());

  it("gives the findings a full recompute would, after a series of changes through the API", async () => {
    expect(await driftFromFull()).toEqual([]);
    expect(await sharedWith("acme-inc-alpha-internal-bot")).toEqual(["acme-inc-beta-internal-bot", "acme-inc-beta-internal-bot"]);
    expect(await sharedWith("acme-inc-delta-internal-bot")).toEqual(["acme-inc-gamma-internal-bot"]);

    // delta moves to production: gamma's finding no longer says "across environments"
    await patch("acme-inc-delta-internal-bot", { environment: "production" });
    expect(await driftFromFull()).toEqual([]);

    // beta gets its own GitHub account (admin edit): alpha and beta still share the mailbox only
    await patch("acme-inc-beta-internal-bot", { serviceAccounts: [{ system: "github", account: "inc-beta" }] });
    expect(await driftFromFull()).toEqual([]);
    expect(await sharedWith("acme-inc-alpha-internal-bot")).toEqual(["acme-inc-beta-internal-bot"]);

    // an import makes the loner take gamma's GitHub account: loner and gamma now share it
    await importBots([{ name: "acme-inc-loner-internal-bot", serviceAccounts: [{ system: "github", account: "inc-gamma" }] }]);
    expect(await driftFromFull()).toEqual([]);
    expect(await sharedWith("acme-inc-gamma-internal-bot")).toEqual(["acme-inc-delta-internal-bot", "acme-inc-loner-internal-bot"]);

    // identities compared as JavaScript compares them, where SQL's lower/trim alone would differ:
    // non-ASCII letters, and an account ending in "v" (btrim must not take E'\\v' for a "v")
    await importBots([
      bot("acme-inc-umlaut-internal-bot", { serviceAccounts: [{ system: "notion", account: "ÜBER-SHARED" }] }),
      bot("acme-inc-umlaut2-internal-bot", { serviceAccounts: [{ system: "notion", account: "über-shared" }] }),
      bot("acme-inc-dev-internal-bot", { serviceAccounts: [{ system: "sentry", account: "inc-dev" }] }),
      bot("acme-inc-dev2-internal-bot", { serviceAccounts: [{ system: "sentry", account: "INC-DEV" }] }),
    ]);
    for (const r of await t.database.db.select({ id: bots.id, name: bots.name }).from(bots)) ids[r.name] = r.id;
    expect(await sharedWith("acme-inc-umlaut-internal-bot")).toEqual(["acme-inc-umlaut2-internal-bot"]);
    expect(await sharedWith("acme-inc-dev-internal-bot")).toEqual(["acme-inc-dev2-internal-bot"]);
    // each stops sharing: the bot it shared with must be found from the stored finding's identity
    await patch("acme-inc-dev2-internal-bot", { serviceAccounts: [{ system: "sentry", account: "inc-dev2-own" }] });
    await patch("acme-inc-umlaut2-internal-bot", { serviceAccounts: [{ system: "notion", account: "umlaut2-own" }] });
    expect(await driftFromFull()).toEqual([]);
    expect(await sharedWith("acme-inc-umlaut-internal-bot")).toEqual([]);
    expect(await sharedWith("acme-inc-dev-internal-bot")).toEqual([]);

    // gamma is offboarded: delta and the loner lose the identity they shared with it
    await patch("acme-inc-gamma-internal-bot", { status: "offboarded" });
    expect(await driftFromFull()).toEqual([]);
    expect(await sharedWith("acme-inc-delta-internal-bot")).toEqual([]);
    expect(await sharedWith("acme-inc-loner-internal-bot")).toEqual([]);

    // a direct transfer, a grant added by an admin, and an approved scope expansion
    const transfer = await t.api({ method: "POST", url: `/api/v1/bots/${ids["acme-inc-alpha-internal-bot"]}/transfer`, payload: { toEmail: "sofia.rossi@acme.example", note: "team change" } });
    expect(transfer.statusCode, transfer.body).toBe(200);
    await patch("acme-inc-beta-internal-bot", { grants: [{ system: "telegram", scope: "telegram:messages:write", access: "write" }], channels: ["telegram"] });
    expect(await driftFromFull()).toEqual([]);

    // and the scheduled full recompute finds nothing left to change
    const full = await t.database.db.transaction((tx) => recomputeFindings(tx));
    expect(full.changed).toBe(0);
  });

  it("re-evaluates only the changed bot and the bots sharing an identity with it", async () => {
    // Findings written by hand, out of date on purpose: whoever is re-evaluated gets them fixed.
    const stale = ["acme-inc-alpha-internal-bot", "acme-inc-beta-internal-bot", "acme-inc-loner-internal-bot", "acme-deploy-bot"];
    await t.database.db.update(bots).set({ findings: [], findingKinds: [], findingCount: 0 }).where(inArray(bots.id, stale.map((n) => ids[n]!)));
    const versions = async () =>
      Object.fromEntries(
        rowsOf<{ name: string; xmin: string }>(await t.database.db.execute(sql`select name, xmin::text from bots where id in (select jsonb_array_elements_text(${JSON.stringify(stale.map((n) => ids[n]))}::jsonb)::uuid)`)).map((r) => [r.name, r.xmin]),
      );
    const before = await versions();

    // alpha changes; beta shares its mailbox; the loner and the deploy bot share nothing with it
    await patch("acme-inc-alpha-internal-bot", { purpose: "Exercises incremental findings, now for the sales team" });

    expect((await driftFromFull()).sort()).toEqual(["acme-deploy-bot", "acme-inc-loner-internal-bot"]);
    const after = await versions();
    expect(after["acme-inc-beta-internal-bot"]).not.toBe(before["acme-inc-beta-internal-bot"]);
    expect(after["acme-inc-loner-internal-bot"]).toBe(before["acme-inc-loner-internal-bot"]);
    expect(after["acme-deploy-bot"]).toBe(before["acme-deploy-bot"]);

    // the scheduled full recompute fixes the rest
    const full = await t.database.db.transaction((tx) => recomputeFindings(tx));
    expect(full.changed).toBe(2);
    expect(await driftFromFull()).toEqual([]);
  });

  it("recomputes every bot for an org-wide change (org policy)", async () => {
    await t.database.db.update(bots).set({ findings: [], findingKinds: [], findingCount: 0 }).where(eq(bots.id, ids["acme-deploy-bot"]!));
    const res = await t.api({ method: "PATCH", url: "/api/v1/policy", payload: { reviewIntervalDays: 120 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await driftFromFull()).toEqual([]);
  });
});
