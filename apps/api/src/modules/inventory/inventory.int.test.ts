import { auditEvents, bots } from "@bridle/db";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, tokenFor, type TestApp } from "../../../test/harness.ts";

const HEADER =
  "name,email,owner,team,purpose,environment,runtime,status,internal_data_access,channels,grants,service_accounts,credential_references,credential_storage,gated_actions,created_at,last_reviewed_at,runtime_owner,hosting_environment,workspace_persistence,network_access_policy,allowed_tools,shell_execution_policy,data_retention,deletion_procedure,incident_response_owner";
const row = (name: string, over: Partial<Record<string, string>> = {}) => {
  const v: Record<string, string> = {
    name,
    email: "",
    owner: "daniel.kim@acme.example",
    team: "platform",
    purpose: "Summarizes CI failures",
    environment: "test",
    runtime: "openclaw 2026.9.6",
    status: "active",
    internal_data_access: "internal",
    channels: "slack-internal",
    grants: "github:actions:read",
    service_accounts: `github=${name}`,
    credential_references: `github=op://bots-test/${name}/github-token`,
    credential_storage: "1Password bots-test",
    gated_actions: "shell.exec",
    created_at: "2026-11-01",
    last_reviewed_at: "",
    runtime_owner: "daniel.kim@acme.example",
    hosting_environment: "k8s test",
    workspace_persistence: "ephemeral",
    network_access_policy: "api.github.com",
    allowed_tools: "gh@2.63.0",
    shell_execution_policy: "allowlist",
    data_retention: "7 days",
    deletion_procedure: "delete namespace",
    incident_response_owner: "omar.haddad@acme.example",
    ...over,
  };
  return HEADER.split(",").map((c) => (/[,"\r\n]/.test(v[c] ?? "") ? `"${(v[c] ?? "").replace(/"/g, '""')}"` : (v[c] ?? ""))).join(",");
};

describe("inventory import and export", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());
  const botCount = async () => (await t.database.db.select({ n: count() }).from(bots))[0]!.n;
  const importCsv = (csv: string, dryRun: boolean) =>
    t.api({ method: "POST", url: `/api/v1/inventory/import?dryRun=${dryRun}`, headers: { "content-type": "text/csv" }, payload: csv });

  it("dry-runs a CSV: shows what would be created and changed, writes nothing", async () => {
    const before = await botCount();
    const csv = [HEADER, row("acme-ci-digest-bot"), row("acme-ci-digest-two-bot")].join("\n");
    const res = await importCsv(csv, true);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, created: 2, updated: 0 });
    expect(res.json().rows.map((r: { line: number }) => r.line)).toEqual([2, 3]);
    expect(await botCount()).toBe(before);
  });

  it("imports a CSV, then re-importing the same file changes nothing", async () => {
    const before = await botCount();
    const csv = [HEADER, row("acme-ci-digest-bot")].join("\n");
    const res = await importCsv(csv, false);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: false, created: 1 });
    expect(await botCount()).toBe(before + 1);
    const again = await importCsv(csv, true);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const changed = await importCsv([HEADER, row("acme-ci-digest-bot", { purpose: "New purpose" })].join("\n"), true);
    expect(changed.json().rows[0]).toMatchObject({
      action: "update",
      changes: [{ field: "purpose", before: "Summarizes CI failures", after: "New purpose" }],
      removals: [],
    });
    const imported = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, "inventory.import"));
    expect(imported.some((e) => (e.details as { created?: number }).created === 1)).toBe(true);
  });

  it("answers a bad row with 400, its line number and field, and writes nothing at all", async () => {
    const before = await botCount();
    const csv = [
      HEADER,
      row("acme-good-one-bot"),
      row("acme-bad-env-bot", { environment: "prod" }),
      row("acme-no-owner-bot", { owner: "ghost@acme.example" }),
      row("acme-good-one-bot"),
    ].join("\n");
    const res = await importCsv(csv, false);
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe("import_invalid");
    expect(err.message).toMatch(/line 3/);
    const rows = err.details.rows as { line: number; field: string; message: string; name: string }[];
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, field: "environment", name: "acme-bad-env-bot" }),
        expect.objectContaining({ line: 4, field: "owner", message: expect.stringMatching(/unknown owner/) }),
        expect.objectContaining({ line: 5, field: "name", message: expect.stringMatching(/duplicate bot name/) }),
      ]),
    );
    expect(await botCount()).toBe(before);
  });

  type RowError = { line: number; row: number; name: string | null; field: string | null; message: string };
  const rowErrors = (res: { statusCode: number; json: () => { error: { code: string; details: { rows: RowError[] } } } }) => {
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("import_invalid");
    return res.json().error.details.rows;
  };

  it("reports every problem of a row in one pass: an invalid field and the unknown owner, team and systems", async () => {
    const before = await botCount();
    const csv = [
      HEADER,
      row("acme-many-problems-bot", {
        environment: "prod",
        owner: "Ghost@acme.example",
        team: "no-such-team",
        grants: "nosuch:issues:write;nosuch:repos:read",
        service_accounts: "elsewhere=acme-many-problems-bot",
      }),
      // An invalid owner email is one problem, not also an unknown owner.
      row("acme-bad-email-bot", { owner: "not-an-email", internal_data_access: "secret-ish" }),
    ].join("\n");
    const rows = rowErrors(await importCsv(csv, false));
    expect(rows.filter((r) => r.row === 1).map((r) => [r.field, r.message])).toEqual([
      ["environment", expect.any(String)],
      ["owner", "unknown owner ghost@acme.example: no person has this email"],
      ["team", "unknown team no-such-team"],
      // Both grants name the same unknown system: said once.
      ["grants", "unknown connected system nosuch"],
      ["service_accounts", "unknown connected system elsewhere"],
    ]);
    expect(rows.filter((r) => r.row === 2).map((r) => r.field)).toEqual(["owner", "internal_data_access"]);
    expect(rows.find((r) => r.row === 2 && r.field === "owner")!.message).not.toMatch(/unknown owner/);
    expect(await botCount()).toBe(before);
  });

  it("names CSV columns in a CSV upload's errors, and field paths in YAML", async () => {
    const csv = [HEADER, row("acme-columns-bot", { internal_data_access: "top-secret", data_retention: "d".repeat(201), shell_execution_policy: "sometimes" })].join("\n");
    const rows = rowErrors(await importCsv(csv, true));
    expect(rows.map((r) => r.field).sort()).toEqual(["data_retention", "internal_data_access", "shell_execution_policy"]);
    expect(rows.map((r) => [r.line, r.name])).toEqual(Array(3).fill([2, "acme-columns-bot"]));

    const yaml = `- name: acme-columns-bot\n  owner: daniel.kim@acme.example\n  team: platform\n  purpose: p\n  environment: test\n  internalDataAccess: top-secret\n  runtimeProfile:\n    dataRetention: ${"d".repeat(201)}\n`;
    const y = await t.api({ method: "POST", url: "/api/v1/inventory/import?dryRun=true", headers: { "content-type": "application/yaml" }, payload: yaml });
    expect(rowErrors(y).map((r) => r.field).sort()).toEqual(["internalDataAccess", "runtimeProfile.dataRetention"]);
  });

  it("refuses a grant cell that is not system:resource:action[@YYYY-MM-DD], naming the cell and the format", async () => {
    const before = await botCount();
    const csv = [
      HEADER,
      row("acme-short-grant-bot", { grants: "github:repo;github:actions:read" }),
      row("acme-bad-expiry-bot", { grants: "github:issues:write@someday" }),
    ].join("\n");
    const res = await importCsv(csv, false);
    const rows = rowErrors(res);
    expect(rows).toEqual([
      {
        line: 2,
        row: 1,
        name: "acme-short-grant-bot",
        field: "grants",
        message: "grant `github:repo` is not system:resource:action; write system:resource:action, optionally with an expiry @YYYY-MM-DD (e.g. github:issues:write@2026-12-31)",
      },
      expect.objectContaining({ line: 3, field: "grants", message: expect.stringMatching(/^grant `github:issues:write@someday` has an expiry that is not a date/) }),
    ]);
    expect(res.json().error.message).toMatch(/^2 problem\(s\).*First: line 2: grants: grant `github:repo`/);
    expect(await botCount()).toBe(before);
  });

  it("does not quote a bad grant cell back when its row holds something that looks like a secret", async () => {
    const slack = ["xoxb", "123456789012", "1234567890123", "abcdefghijklmnopqrstuvwx"].join("-");
    const rows = rowErrors(await importCsv([HEADER, row("acme-shifted-bot", { grants: slack })].join("\n"), true));
    expect(rows.map((r) => r.field)).toEqual([null, "grants"]);
    expect(rows[1]!.message).toMatch(/^grant `…` is not system:resource:action/);
    expect(JSON.stringify(rows)).not.toContain(slack);
  });

  it("reads a CSV with CR-only (classic Mac) line endings, with the right lines", async () => {
    const csv = [HEADER, row("acme-mac-one-bot"), row("acme-mac-two-bot", { purpose: "two\rlines" }), row("acme-mac-three-bot")].join("\r");
    const res = await importCsv(csv, true);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 3 });
    expect(res.json().rows.map((r: { line: number }) => r.line)).toEqual([2, 3, 5]);
    const bad = await importCsv([HEADER, row("acme-mac-one-bot", { environment: "prod" })].join("\r"), true);
    expect(rowErrors(bad)).toEqual([expect.objectContaining({ line: 2, field: "environment" })]);
    const unknown = await importCsv([`${HEADER},colour`, `${row("acme-mac-one-bot")},red`].join("\r"), true);
    expect(unknown.json().error.message).toMatch(/unknown column\(s\) colour; expected name, email/);
    expect(unknown.json().error.message).not.toMatch(/\r|acme-mac/);
  });

  it("refuses a file with a secret pasted into a cell, naming the line but not the secret", async () => {
    const slack = ["xoxb", "123456789012", "1234567890123", "abcdefghijklmnopqrstuvwx"].join("-");
    const csv = [HEADER, row("acme-clean-bot"), row("acme-leaky-bot", { deletion_procedure: `revoke ${slack}` })].join("\n");
    const res = await importCsv(csv, true);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.rows[0]).toMatchObject({ line: 3, row: 2, name: "acme-leaky-bot", message: expect.stringMatching(/looks like a secret/) });
    expect(res.body).not.toContain(slack);
  });

  it("reports the line of a bot in YAML and of a JSON syntax error", async () => {
    const yaml = `bots:\n  - name: acme-yaml-bot\n    owner: daniel.kim@acme.example\n    team: platform\n    purpose: p\n    environment: test\n  - name: Not Valid\n    owner: daniel.kim@acme.example\n    team: platform\n    purpose: p\n    environment: test\n`;
    const y = await t.api({ method: "POST", url: "/api/v1/inventory/import?dryRun=true", headers: { "content-type": "application/yaml" }, payload: yaml });
    expect(y.statusCode).toBe(400);
    expect(y.json().error.details.rows[0]).toMatchObject({ line: 7, row: 2, field: "name" });
    const j = await t.api({
      method: "POST",
      url: "/api/v1/inventory/import?dryRun=true",
      headers: { "content-type": "application/json" },
      payload: '[\n{"name": "acme-json-bot",\n "owner": }\n]',
    });
    expect(j.statusCode).toBe(400);
    expect(j.json().error.code).toBe("import_invalid");
    expect(j.json().error.details.rows[0].line).toBe(3);
  });

  it("exports CSV and JSON that import back unchanged", async () => {
    const csv = await t.api({ method: "GET", url: "/api/v1/inventory/export?format=csv" });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.body.split("\n")[0]).toBe(HEADER);
    const back = await importCsv(csv.body, true);
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({ created: 0, updated: 0 });
    const json = await t.api({ method: "GET", url: "/api/v1/inventory/export?format=json" });
    const parsed = JSON.parse(json.body) as { bots: unknown[] };
    expect(parsed.bots.length).toBe(await botCount());
    const backJson = await t.api({ method: "POST", url: "/api/v1/inventory/import?dryRun=true", headers: { "content-type": "application/json" }, payload: json.body });
    expect(backJson.json()).toMatchObject({ created: 0, updated: 0 });
  });

  it("answers 413 for a body over the limit and 415 for an unknown content type", async () => {
    const big = [HEADER, ...Array.from({ length: 4000 }, (_, i) => row(`acme-bulk-${i}-bot`))].join("\n");
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const res = await importCsv(big, true);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("payload_too_large");
    const odd = await t.api({ method: "POST", url: "/api/v1/inventory/import", headers: { "content-type": "application/xml" }, payload: "<bots/>" });
    expect(odd.statusCode).toBe(415);
  });

  it("refuses import to people without the permission, and export to plain owners", async () => {
    const owner = await tokenFor(t.database, "daniel.kim@acme.example");
    const imp = await t.app.inject({
      method: "POST",
      url: "/api/v1/inventory/import?dryRun=true",
      headers: { authorization: `Bearer ${owner}`, "content-type": "text/csv" },
      payload: [HEADER, row("acme-sneaky-bot")].join("\n"),
    });
    expect(imp.statusCode).toBe(403);
    const exp = await t.app.inject({ method: "GET", url: "/api/v1/inventory/export?format=csv", headers: { authorization: `Bearer ${owner}` } });
    expect(exp.statusCode).toBe(403);
    expect((await t.app.inject({ method: "GET", url: "/api/v1/inventory/export" })).statusCode).toBe(401);
  });
});
