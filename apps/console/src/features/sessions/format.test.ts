import { describe, expect, it } from "vitest";
import { PARAMS_SHOWN, toolParams } from "./format.ts";

describe("toolParams: what a tool call ran, on the session timeline", () => {
  it("shows an exec call's command as it was stored, redactions included", () => {
    expect(toolParams("runtime.tool_call", { tool: "exec", params: { command: "curl -H 'Authorization: [redacted: github-token]' https://api.github.com", workdir: "/srv" } })).toBe(
      "curl -H 'Authorization: [redacted: github-token]' https://api.github.com",
    );
  });

  it("shows other tools' parameters as JSON, arrays and strings included", () => {
    expect(toolParams("runtime.tool_call", { params: { body: "Labelled bug", issue: 42 } })).toBe('{"body":"Labelled bug","issue":42}');
    expect(toolParams("runtime.tool_call", { params: ["a", { command: "not a command field" }] })).toBe('["a",{"command":"not a command field"}]');
    expect(toolParams("runtime.tool_call", { params: "ls -la" })).toBe('"ls -la"');
    expect(toolParams("runtime.tool_call", { params: { command: 42 } })).toBe('{"command":42}');
  });

  it("cuts long parameters with an ellipsis, never inside a character", () => {
    const long = toolParams("runtime.tool_call", { params: { command: "🚀".repeat(PARAMS_SHOWN + 10) } })!;
    expect(Array.from(long)).toHaveLength(PARAMS_SHOWN);
    expect(long.endsWith("🚀…")).toBe(true);
    const exact = "x".repeat(PARAMS_SHOWN);
    expect(toolParams("runtime.tool_call", { params: { command: exact } })).toBe(exact);
  });

  it("shows nothing for a call without parameters, or for other entries", () => {
    expect(toolParams("runtime.tool_call", { tool: "exec" })).toBeNull();
    expect(toolParams("runtime.tool_call", { params: null })).toBeNull();
    expect(toolParams("runtime.tool_result", { params: { command: "ls" } })).toBeNull();
    expect(toolParams("decision.allow", { params: { command: "ls" } })).toBeNull();
  });
});
