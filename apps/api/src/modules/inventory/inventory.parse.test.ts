import { describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors.ts";
import {
  csvColumnOf,
  csvRecordToBot,
  formatFromContentType,
  neutraliseFormulaText,
  parseGrantCell,
  parseInventory,
  restoreFormulaText,
} from "./inventory.parse.ts";

describe("inventory file parsing", () => {
  it("reads a grant cell: system from the first segment, read-only only when it ends in read", () => {
    expect(parseGrantCell("github:issues:write@2026-12-31")).toEqual({
      ok: true,
      grant: { system: "github", scope: "github:issues:write", access: "write", expiresAt: "2026-12-31" },
    });
    expect(parseGrantCell("axiom:datasets:read")).toEqual({ ok: true, grant: { system: "axiom", scope: "axiom:datasets:read", access: "read" } });
  });

  it("refuses a grant cell that is not system:resource:action[@YYYY-MM-DD], naming the cell", () => {
    for (const bad of ["github:repo", "github", "github::write", ":issues:write", "github:issues:"]) {
      const g = parseGrantCell(bad);
      expect(g.ok, bad).toBe(false);
      expect(!g.ok && g.message).toContain(`\`${bad}\` is not system:resource:action`);
    }
    for (const bad of ["github:issues:write@tomorrow", "github:issues:write@2026-02-30", "github:issues:write@", "github:issues:write@2026-12-31T00:00:00Z"]) {
      const g = parseGrantCell(bad);
      expect(g.ok, bad).toBe(false);
      expect(!g.ok && g.message).toMatch(/expiry that is not a date; write system:resource:action, optionally with an expiry @YYYY-MM-DD/);
    }
  });

  it("leaves a bad grant cell out of the bot and reports it for the grants column", () => {
    const { bot, errors } = csvRecordToBot({ name: "a-bot", grants: "github:repo;github:issues:read" });
    expect(bot.grants).toEqual([{ system: "github", scope: "github:issues:read", access: "read" }]);
    expect(errors).toEqual([{ field: "grants", cell: "github:repo", message: expect.stringContaining("`github:repo`") }]);
  });

  it("maps field paths to the CSV columns they come from", () => {
    expect(csvColumnOf("internalDataAccess")).toBe("internal_data_access");
    expect(csvColumnOf("runtimeProfile.dataRetention")).toBe("data_retention");
    expect(csvColumnOf("grants.0.scope")).toBe("grants");
    expect(csvColumnOf("credentialReferences.1.reference")).toBe("credential_references");
    expect(csvColumnOf("runtime")).toBe("runtime");
    expect(csvColumnOf("runtimeProfile")).toBe("runtimeProfile");
  });

  it("splits list cells on semicolons and key=value pairs", () => {
    const { bot, errors } = csvRecordToBot({ name: "a-bot", channels: "slack-internal; company-chat", service_accounts: "github=a-bot;slack-internal=U1", network_access_policy: "" });
    expect(errors).toEqual([]);
    expect(bot.channels).toEqual(["slack-internal", "company-chat"]);
    expect(bot.serviceAccounts).toEqual([
      { system: "github", account: "a-bot" },
      { system: "slack-internal", account: "U1" },
    ]);
    expect((bot.runtimeProfile as Record<string, unknown>).networkAccessPolicy).toBeNull();
  });

  it("turns only the columns the file has into fields; an empty cell clears, or is refused where a value is required", () => {
    const { bot, errors } = csvRecordToBot({ name: "a-bot", purpose: "Triage", data_retention: "" });
    expect(errors).toEqual([]);
    expect(bot).toEqual({ name: "a-bot", purpose: "Triage", runtimeProfile: { dataRetention: null } });

    const cleared = csvRecordToBot({
      name: "a-bot",
      email: "",
      runtime: "",
      internal_data_access: "",
      channels: "",
      grants: "",
      created_at: "",
      last_reviewed_at: "",
      allowed_tools: "",
    });
    expect(cleared.errors).toEqual([]);
    expect(cleared.bot).toEqual({
      name: "a-bot",
      email: null,
      runtime: null,
      internalDataAccess: "none",
      channels: [],
      grants: [],
      lastReviewedAt: null,
      runtimeProfile: { allowedTools: null },
    });

    const refused = csvRecordToBot({ name: "a-bot", owner: " ", team: "", purpose: "", environment: "", status: "" });
    expect(refused.errors.map((e) => e.field)).toEqual(["owner", "team", "purpose", "environment", "status"]);
    expect(refused.bot).toEqual({ name: "a-bot" });
  });

  it("quotes formula-like text for a spreadsheet and reads back exactly what was quoted", () => {
    const texts = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "\uFF1Dx", "'=x", "''@x", "- step one", "'plain", "plain", "", "'", "a=b"];
    // What csv-stringify's escape_formulas adds, after our extra quote for text that starts with quotes.
    const exported = texts.map((v) => {
      const cast = neutraliseFormulaText(v);
      return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cast) ? `'${cast}` : cast;
    });
    expect(exported).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "'\uFF1Dx", "''=x", "'''@x", "'- step one", "'plain", "plain", "", "'", "a=b"]);
    expect(exported.map(restoreFormulaText)).toEqual(texts);
    // Written by hand without a quote, text is read as it is.
    expect(["- step one", "=x", "'plain"].map(restoreFormulaText)).toEqual(["- step one", "=x", "'plain"]);
  });

  it("strips the export's quote from every CSV cell before reading it", () => {
    const [rec] = parseInventory("name,purpose,channels\na-bot,'- runs nightly,'@x\n", "csv");
    expect(rec!.data).toEqual({ name: "a-bot", purpose: "- runs nightly", channels: ["@x"] });
  });

  it("gives each CSV record the line it starts on, also after a multi-line cell", () => {
    const csv = 'name,purpose\na-bot,"two\nlines"\n\nb-bot,x\n';
    expect(parseInventory(csv, "csv").map((r) => [r.row, r.line])).toEqual([
      [1, 2],
      [2, 5],
    ]);
  });

  it("reads CR-only (classic Mac) line endings like any other, with the same lines", () => {
    const csv = 'name,purpose\ra-bot,"two\rlines"\r\rb-bot,x\r';
    const records = parseInventory(csv, "csv");
    expect(records.map((r) => [r.row, r.line, (r.data as { name: string }).name])).toEqual([
      [1, 2, "a-bot"],
      [2, 5, "b-bot"],
    ]);
    expect(parseInventory("name,purpose\r\na-bot,x\r\n", "csv").map((r) => r.data)).toEqual([expect.objectContaining({ name: "a-bot", purpose: "x" })]);
    expect(() => parseInventory("name,colour\ra-bot,red\r", "csv")).toThrow(/unknown column\(s\) colour; expected/);
  });

  it("checks the header as the CSV parser reads it (quotes, a BOM)", () => {
    expect(parseInventory('\uFEFF"name","purpose"\na-bot,x\n', "csv")[0]!.data).toMatchObject({ name: "a-bot", purpose: "x" });
    // One quoted column holding a comma: a split on commas would see a known column `purpose` and `more`.
    expect(() => parseInventory('name,"purpose, more"\na-bot,x\n', "csv")).toThrow(/unknown column\(s\) purpose, more; expected/);
  });

  it("rejects unknown CSV columns and names them", () => {
    try {
      parseInventory("name,colour\na-bot,red\n", "csv");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).message).toMatch(/unknown column\(s\) colour/);
    }
  });

  it("accepts a YAML list or an object with bots, with lines", () => {
    expect(parseInventory("- name: a-bot\n- name: b-bot\n", "yaml").map((r) => r.line)).toEqual([1, 2]);
    expect(parseInventory("bots:\n  - name: a-bot\n", "yaml")[0]).toMatchObject({ line: 2, data: { name: "a-bot" } });
    expect(() => parseInventory("name: a-bot\n", "yaml")).toThrow(/expected a list of bots/);
    expect(() => parseInventory("   ", "yaml")).toThrow(/empty/);
  });

  it("maps content types to formats", () => {
    expect(formatFromContentType("text/csv; charset=utf-8")).toBe("csv");
    expect(formatFromContentType("application/x-yaml")).toBe("yaml");
    expect(formatFromContentType("application/json")).toBe("json");
    expect(formatFromContentType("application/xml")).toBeNull();
  });
});
