import { describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors.ts";
import { csvRecordToBot, formatFromContentType, parseGrantCell, parseInventory } from "./inventory.parse.ts";

describe("inventory file parsing", () => {
  it("reads a grant cell: system from the first segment, read-only only when it ends in read", () => {
    expect(parseGrantCell("github:issues:write@2026-12-31")).toEqual({ system: "github", scope: "github:issues:write", access: "write", expiresAt: "2026-12-31" });
    expect(parseGrantCell("axiom:datasets:read")).toEqual({ system: "axiom", scope: "axiom:datasets:read", access: "read" });
  });

  it("splits list cells on semicolons and key=value pairs", () => {
    const bot = csvRecordToBot({ name: "a-bot", channels: "slack-internal; company-chat", service_accounts: "github=a-bot;slack-internal=U1", network_access_policy: "" });
    expect(bot.channels).toEqual(["slack-internal", "company-chat"]);
    expect(bot.serviceAccounts).toEqual([
      { system: "github", account: "a-bot" },
      { system: "slack-internal", account: "U1" },
    ]);
    expect((bot.runtimeProfile as Record<string, unknown>).networkAccessPolicy).toBeNull();
  });

  it("gives each CSV record the line it starts on, also after a multi-line cell", () => {
    const csv = 'name,purpose\na-bot,"two\nlines"\n\nb-bot,x\n';
    expect(parseInventory(csv, "csv").map((r) => [r.row, r.line])).toEqual([
      [1, 2],
      [2, 5],
    ]);
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
