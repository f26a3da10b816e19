import { createHash } from "node:crypto";
import { auditEvents, bots, goldenRuleExceptions } from "@bridle/db";
import { parse as parseCsv } from "csv-parse/sync";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";
import { loadBotsAsInput } from "./inventory.repo.ts";

/** Issue 7, sections 2 and 5: an import never erases what the file does not mention, shows what it changes, and records exceptions honestly. */
describe("inventory import keeps what the file does not mention", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  const post = (payload: string, contentType: string, dryRun: boolean, query = "") =>
    t.api({ method: "POST", url: `/api/v1/inventory/import?dryRun=${dryRun}${query}`, headers: { "content-type": contentType }, payload });
  const csv = (lines: string[], dryRun: boolean) => post(lines.join("\n"), "text/csv", dryRun);
  const stored = async (name: string) => (await loadBotsAsInput(t.database.db, [name]))[0]!;

  const FULL_HEADER =
    "name,owner,team,purpose,environment,internal_data_access,channels,grants,service_accounts,credential_references,last_reviewed_at,runtime_owner,data_retention";
  /** A bot with internal access, a channel, a grant, a service account, a credential reference and a review date. */
  const createFullBot = async (name: string) => {
    const res = await csv(
      [
        FULL_HEADER,
        `${name},daniel.kim@acme.example,platform,Summarizes CI failures,test,internal,slack-internal,github:issues:write,github=${name},github=op://bots/wipe-test/github,2026-10-01,daniel.kim@acme.example,7 days`,
      ],
      false,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 1 });
  };

  it("a CSV with only name, owner, team, purpose and environment changes the purpose and keeps access, channels, grants, accounts, references and review date", async () => {
    await createFullBot("acme-wipe-test-bot");
    const before = await stored("acme-wipe-test-bot");
    const file = ["name,owner,team,purpose,environment", "acme-wipe-test-bot,daniel.kim@acme.example,platform,Summarizes CI failures daily,test"];

    const dry = await csv(file, true);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ created: 0, updated: 1, unchanged: 0, removals: 0 });
    expect(dry.json().rows).toEqual([
      {
        row: 1,
        line: 2,
        name: "acme-wipe-test-bot",
        action: "update",
        changes: [{ field: "purpose", before: "Summarizes CI failures", after: "Summarizes CI failures daily" }],
        removals: [],
      },
    ]);

    expect((await csv(file, false)).statusCode).toBe(200);
    const after = await stored("acme-wipe-test-bot");
    expect(after).toEqual({ ...before, purpose: "Summarizes CI failures daily" });
    expect(after.internalDataAccess).toBe("internal");
    expect(after.channels).toEqual(["slack-internal"]);
    expect(after.grants.map((g) => g.scope)).toEqual(["github:issues:write"]);
    expect(after.serviceAccounts).toEqual([{ system: "github", account: "acme-wipe-test-bot" }]);
    expect(after.credentialReferences.map((c) => c.reference)).toEqual(["op://bots/wipe-test/github"]);
    expect(after.lastReviewedAt).toBe(before.lastReviewedAt);
    expect(after.lastReviewedAt).not.toBeNull();
    expect(after.runtimeProfile).toEqual({ runtimeOwner: "daniel.kim@acme.example", dataRetention: "7 days" });
  });

  it("an empty cell in a present column clears that field; an empty cell where a value is required is refused", async () => {
    await createFullBot("acme-clear-test-bot");
    const file = ["name,channels,last_reviewed_at,data_retention,internal_data_access", "acme-clear-test-bot,,,,"];
    const dry = await csv(file, true);
    expect(dry.statusCode).toBe(200);
    const [row] = dry.json().rows;
    expect(row.changes).toEqual([
      { field: "internal_data_access", before: "internal", after: "none" },
      { field: "channels", before: "slack-internal", after: null },
      { field: "last_reviewed_at", before: "2026-10-01", after: null },
      { field: "data_retention", before: "7 days", after: null },
    ]);
    expect(row.removals).toEqual([{ kind: "channel", value: "slack-internal" }]);
    expect((await csv(file, false)).statusCode).toBe(200);
    const after = await stored("acme-clear-test-bot");
    expect([after.channels, after.lastReviewedAt, after.internalDataAccess, after.runtimeProfile]).toEqual([
      [],
      null,
      "none",
      { runtimeOwner: "daniel.kim@acme.example", dataRetention: null },
    ]);
    expect(after.grants.map((g) => g.scope)).toEqual(["github:issues:write"]);

    const bad = await csv(["name,owner,status", "acme-clear-test-bot,,"], true);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.rows.map((e: { field: string }) => e.field).sort()).toEqual(["owner", "status"]);
  });

  it("a YAML or JSON key the file leaves out keeps its value; runtime profile keys merge one by one; [] clears a list", async () => {
    await createFullBot("acme-keys-test-bot");
    const before = await stored("acme-keys-test-bot");
    const yaml = await post("- name: acme-keys-test-bot\n  purpose: Watches CI\n", "application/yaml", false);
    expect(yaml.statusCode).toBe(200);
    expect(yaml.json().rows[0].changes).toEqual([{ field: "purpose", before: "Summarizes CI failures", after: "Watches CI" }]);
    expect(await stored("acme-keys-test-bot")).toEqual({ ...before, purpose: "Watches CI" });

    const json = JSON.stringify({ bots: [{ name: "acme-keys-test-bot", runtimeProfile: { dataRetention: "14 days" }, grants: [] }] });
    const dry = await post(json, "application/json", true);
    expect(dry.statusCode).toBe(200);
    expect(dry.json().rows[0]).toMatchObject({
      action: "update",
      changes: [
        { field: "grants", before: "github:issues:write", after: null },
        { field: "runtimeProfile.dataRetention", before: "7 days", after: "14 days" },
      ],
      removals: [{ kind: "grant", value: "github:issues:write" }],
    });
    expect((await post(json, "application/json", false)).statusCode).toBe(200);
    const after = await stored("acme-keys-test-bot");
    expect(after).toEqual({ ...before, purpose: "Watches CI", grants: [], runtimeProfile: { runtimeOwner: "daniel.kim@acme.example", dataRetention: "14 days" } });
  });

  it("the dry run shows each changed field before and after and lists every removal by kind; the import audits the removals", async () => {
    await createFullBot("acme-diff-test-bot");
    const file = [
      "name,grants,service_accounts,credential_references,channels",
      "acme-diff-test-bot,github:issues:read@2027-01-31,github=acme-diff-two,github=op://bots/diff-test/github,company-chat",
    ];
    const dry = await csv(file, true);
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ updated: 1, removals: 4 });
    const [row] = dry.json().rows;
    expect(row.changes).toEqual([
      { field: "channels", before: "slack-internal", after: "company-chat" },
      { field: "grants", before: "github:issues:write", after: "github:issues:read@2027-01-31" },
      { field: "service_accounts", before: "github=acme-diff-test-bot", after: "github=acme-diff-two" },
      { field: "credential_references", before: "github=op://bots/wipe-test/github", after: "github=op://bots/diff-test/github" },
    ]);
    expect(row.removals).toEqual([
      { kind: "grant", value: "github:issues:write" },
      { kind: "channel", value: "slack-internal" },
      { kind: "credentialReference", value: "github=op://bots/wipe-test/github" },
      { kind: "serviceAccount", value: "github=acme-diff-test-bot" },
    ]);

    expect((await csv(file, false)).statusCode).toBe(200);
    const [id] = (await t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-diff-test-bot"))).map((r) => r.id);
    const events = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "bot.update"), eq(auditEvents.resourceId, id!)));
    expect(events.length).toBe(1);
    // the event carries what the dry run showed: each changed field before and after
    expect(events[0]!.details).toEqual({
      name: "acme-diff-test-bot",
      via: "import",
      changes: Object.fromEntries((row.changes as { field: string; before: string; after: string }[]).map((c) => [c.field, { before: c.before, after: c.after }])),
      removed: row.removals,
    });
    expect(Object.keys((events[0]!.details as { changes: object }).changes).sort()).toEqual(["channels", "credential_references", "grants", "service_accounts"]);
  });

  it("a CSV export neutralises spreadsheet formulas, and importing the export gives back the original text", async () => {
    const tricky = {
      purpose: '=HYPERLINK("http://evil.example","click")',
      runtime: "+cmd|' /C calc'!A0",
      credentialStorage: "@SUM(1+1)",
      runtimeProfile: {
        deletionProcedure: "- drain the queue, then delete the namespace",
        hostingEnvironment: "'=already quoted",
        dataRetention: "\uFF1D30 days",
        workspacePersistence: "'kept as written",
      },
    };
    const create = await post(
      JSON.stringify([{ name: "acme-formula-test-bot", owner: "daniel.kim@acme.example", team: "platform", environment: "test", ...tricky }]),
      "application/json",
      false,
    );
    expect(create.statusCode).toBe(200);

    const exported = await t.api({ method: "GET", url: "/api/v1/inventory/export?format=csv" });
    expect(exported.statusCode).toBe(200);
    const rows = parseCsv(exported.body, { columns: true }) as Record<string, string>[];
    const mine = rows.filter((r) => r.name === "acme-formula-test-bot");
    expect(mine.length).toBe(1);
    expect(mine[0]).toMatchObject({
      purpose: `'${tricky.purpose}`,
      runtime: `'${tricky.runtime}`,
      credential_storage: `'${tricky.credentialStorage}`,
      deletion_procedure: `'${tricky.runtimeProfile.deletionProcedure}`,
      hosting_environment: `''=already quoted`,
      data_retention: `'\uFF1D30 days`,
      workspace_persistence: "'kept as written",
    });
    // No cell of the whole export starts with a formula trigger.
    const cells = rows.flatMap((r) => Object.values(r));
    expect(cells.filter((c) => /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(c))).toEqual([]);

    const back = await post(exported.body, "text/csv", true);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ created: 0, updated: 0, removals: 0 });
    expect((await post(exported.body, "text/csv", false)).statusCode).toBe(200);
    const after = await stored("acme-formula-test-bot");
    expect({ purpose: after.purpose, runtime: after.runtime, credentialStorage: after.credentialStorage }).toEqual({
      purpose: tricky.purpose,
      runtime: tricky.runtime,
      credentialStorage: tricky.credentialStorage,
    });
    expect(after.runtimeProfile).toEqual(tricky.runtimeProfile);

    // Written by hand without the quote, a leading "- " is kept as it is.
    const hand = await csv(["name,purpose", "acme-formula-test-bot,- watches CI"], false);
    expect(hand.statusCode).toBe(200);
    expect((await stored("acme-formula-test-bot")).purpose).toBe("- watches CI");
  });

  it("an imported exception is recorded as approved by the importing admin now, naming the file; the file's approver and date are not stored", async () => {
    const file = `bots:
  - name: acme-exception-test-bot
    owner: daniel.kim@acme.example
    team: platform
    purpose: Posts release notes to the company chat
    environment: test
    internalDataAccess: internal
    channels: [slack-internal]
    exception:
      status: approved
      businessPurpose: Release notes need the changelog and the chat
      allowedSystems: [github]
      allowedChannels: [slack-internal]
      dataClassification: internal
      approvalRequirements: Every post is approved by the release manager
      approvedBy: the CISO, by phone
      approvedAt: "2020-01-01"
      expiresAt: "2027-06-30"
`;
    const started = Date.now();
    const res = await post(file, "application/yaml", false, "&fileName=exceptions.yaml");
    expect(res.statusCode).toBe(200);
    const exceptionOf = async () => {
      const [bot] = await t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-exception-test-bot"));
      const rows = await t.database.db.select().from(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, bot!.id));
      expect(rows.length).toBe(1);
      return { botId: bot!.id, exception: rows[0]! };
    };
    const { botId, exception } = await exceptionOf();
    expect(exception.approvedBy).toBe("admin@acme.example");
    expect(exception.approvedAt!.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(exception.approvedAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const sha256 = createHash("sha256").update(file).digest("hex");
    const created = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "bot.create"), eq(auditEvents.resourceId, botId)));
    expect(created.length).toBe(1);
    expect(created[0]!.actorLabel).toBe("admin@acme.example");
    expect((created[0]!.details as { exception: unknown }).exception).toEqual({
      approvedBy: "admin@acme.example",
      approvedAt: exception.approvedAt!.toISOString(),
      source: "upload (yaml)",
      fileName: "exceptions.yaml",
      sha256,
    });
    const imports = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "inventory.import"), sql`${auditEvents.details}->>'sha256' = ${sha256}`));
    expect(imports.length).toBe(1);
    expect(imports[0]!.details).toMatchObject({ fileName: "exceptions.yaml", created: 1 });

    // The same exception again, claiming another approver: unchanged, and the record stays.
    const again = await post(file.replace("the CISO, by phone", "someone@acme.example"), "application/yaml", true);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });

    // An export imports back unchanged, even for IT (who may not record exceptions), and keeps the approval.
    const it = await tokenFor(t.database, "sam.taylor@acme.example");
    const exported = await t.api({ method: "GET", url: "/api/v1/inventory/export?format=json" });
    const asIt = (payload: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/v1/inventory/import?dryRun=false",
        headers: { authorization: `Bearer ${it}`, "content-type": "application/json" },
        payload,
      });
    const back = await asIt(exported.body);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ created: 0, updated: 0 });
    expect((await exceptionOf()).exception).toEqual(exception);

    // Changing the exception is recording a new one: admins only.
    const changed = JSON.parse(exported.body) as { bots: { name: string; exception: { expiresAt: string } | null }[] };
    const mine = changed.bots.filter((b) => b.name === "acme-exception-test-bot");
    mine[0]!.exception!.expiresAt = "2027-12-31";
    const refused = await asIt(JSON.stringify({ bots: mine }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.rows).toMatchObject([{ field: "exception", message: expect.stringMatching(/only admins/) }]);

    // An exception recorded by the command line names a label, not an email; its export still imports back.
    await t.database.db.update(goldenRuleExceptions).set({ approvedBy: "cli (sam)" }).where(eq(goldenRuleExceptions.botId, botId));
    const labelled = await t.api({ method: "GET", url: "/api/v1/inventory/export?format=json" });
    expect(labelled.body).toContain('"approvedBy": "cli (sam)"');
    const labelledBack = await post(labelled.body, "application/json", true);
    expect(labelledBack.statusCode).toBe(200);
    expect(labelledBack.json()).toMatchObject({ created: 0, updated: 0 });
  });

  it("removing a recorded exception is changing it: admins only, as on the bot's page (IT is refused, the exception stays)", async () => {
    const bot = (exception: string) => `bots:
  - name: acme-exception-removal-bot
    owner: daniel.kim@acme.example
    team: platform
    purpose: Posts release notes to the company chat
    environment: test
    internalDataAccess: internal
    channels: [slack-internal]
    exception:${exception}
`;
    const recorded = bot(`
      status: approved
      businessPurpose: Release notes need the changelog and the chat
      allowedSystems: [github]
      allowedChannels: [slack-internal]
      dataClassification: internal
      approvalRequirements: Every post is approved by the release manager
      expiresAt: "2027-06-30"`);
    expect((await post(recorded, "application/yaml", false)).statusCode).toBe(200);
    const exceptions = async () => {
      const [row] = await t.database.db.select({ id: bots.id }).from(bots).where(eq(bots.name, "acme-exception-removal-bot"));
      return t.database.db.select().from(goldenRuleExceptions).where(eq(goldenRuleExceptions.botId, row!.id));
    };
    const before = await exceptions();
    expect(before.map((e) => [e.status, e.approvedBy])).toEqual([["approved", "admin@acme.example"]]);

    const it = await tokenFor(t.database, "sam.taylor@acme.example");
    const asIt = (dryRun: boolean) =>
      t.app.inject({
        method: "POST",
        url: `/api/v1/inventory/import?dryRun=${dryRun}`,
        headers: { authorization: `Bearer ${it}`, "content-type": "application/yaml" },
        payload: bot(" null"),
      });
    const deniedImports = () =>
      t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "inventory.import"), eq(auditEvents.outcome, "denied")))
        .orderBy(auditEvents.seq);
    const deniedBefore = (await deniedImports()).length;
    for (const dryRun of [true, false]) {
      const refused = await asIt(dryRun);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.details.rows).toMatchObject([{ field: "exception", message: expect.stringMatching(/only admins/) }]);
    }
    expect(await exceptions()).toEqual(before);
    // The attempt to write (not the dry run) is audited as denied, naming what was refused.
    const denied = (await deniedImports()).slice(deniedBefore);
    expect(denied.map((e) => [e.actorLabel, (e.details as { refused?: unknown }).refused])).toEqual([
      ["sam.taylor@acme.example", ["acme-exception-removal-bot: remove a Golden Rule exception"]],
    ]);

    // An admin may remove it.
    const removed = await post(bot(" null"), "application/yaml", false);
    expect(removed.json()).toMatchObject({ updated: 1 });
    expect(await exceptions()).toEqual([]);
  });

  it("the demo organization's seed keeps its exceptions' approvals as written", async () => {
    const [row] = await t.database.db
      .select({ approvedBy: goldenRuleExceptions.approvedBy })
      .from(goldenRuleExceptions)
      .innerJoin(bots, eq(bots.id, goldenRuleExceptions.botId))
      .where(eq(bots.name, "incident-comms-bot"));
    expect(row?.approvedBy).toBe("omar.haddad@acme.example");
  });
});
