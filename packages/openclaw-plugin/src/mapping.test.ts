import { readFile } from "node:fs/promises";
import { OPENCLAW_TOOL_FAMILIES } from "@bridle/policy/openclaw-tools";
import { describe, expect, it } from "vitest";
import { paramsHash, redactSecrets, toBridleAsk } from "./mapping.ts";

describe("OpenClaw tool -> Bridle action", () => {
  it.each([
    ["exec", { command: "ls -la", workdir: "/srv" }, "shell.exec", {}],
    ["process", { action: "kill", sessionId: "p1" }, "shell.exec", {}],
    ["message", { action: "send", channel: "Telegram", to: "@x", message: "hi" }, "message.post", { channel: "telegram" }],
    ["write", { path: "/srv/a.txt", content: "x" }, "file.write", { resource: "/srv/a.txt" }],
    ["apply_patch", { input: "*** Begin Patch" }, "file.write", {}],
    ["read", { path: "/srv/a.txt" }, "file.read", { resource: "/srv/a.txt" }],
    ["web_fetch", { url: "https://example.com" }, "web.read", { resource: "https://example.com" }],
    ["browser", { action: "navigate", url: "https://example.com" }, "browser.act", { resource: "https://example.com" }],
    ["cron", { action: "add", schedule: "0 * * * *" }, "cron.schedule", {}],
    ["sessions_spawn", { task: "triage" }, "agent.spawn", {}],
    ["image_generate", { prompt: "cat" }, "openclaw.tool.image_generate", {}],
  ])("%s -> %s", (tool, params, action, target) => {
    const ask = toBridleAsk(tool, params);
    expect(ask.action).toBe(action);
    expect(ask.target).toEqual(target);
  });

  it("marks only reads as read-only (the only calls fail-open may let through)", () => {
    expect(toBridleAsk("read", { path: "a" }).readOnly).toBe(true);
    expect(toBridleAsk("web_search", { query: "q" }).readOnly).toBe(true);
    expect(toBridleAsk("exec", { command: "cat a" }).readOnly).toBe(false);
    expect(toBridleAsk("write", { path: "a", content: "b" }).readOnly).toBe(false);
  });

  it("sends only the fields Bridle needs: env names not values, file contents as a digest", () => {
    expect(toBridleAsk("exec", { command: "deploy", env: { AWS_SECRET: "s3cr3t", B: "1" }, yieldMs: 10 }).params).toEqual({ tool: "exec", command: "deploy", envKeys: ["AWS_SECRET", "B"] });
    const write = toBridleAsk("write", { path: "/a", content: "hello" }).params;
    expect(write).toEqual({ tool: "write", path: "/a", content: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: 5 } });
  });

  it("redacts secrets by key and by shape", () => {
    expect(
      redactSecrets({
        command: "curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345' https://user:hunter2@api.example.com",
        apiKey: "anything",
        note: "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 and AKIAABCDEFGHIJKLMNOP",
        list: ["sk-abcdefghijklmnopqrstuvwxyz"],
      }),
    ).toEqual({
      command: "curl -H 'Authorization: Bearer [redacted: bearer]' https://user:[redacted: url-credentials]@api.example.com",
      apiKey: "[redacted: secret-key]",
      note: "token [redacted: github] and [redacted: aws]",
      list: ["[redacted: api-key]"],
    });
  });

  it("hashes parameters canonically: key order does not matter, any value change does", () => {
    expect(paramsHash("exec", { a: 1, b: { c: 2, d: 3 } })).toBe(paramsHash("exec", { b: { d: 3, c: 2 }, a: 1 }));
    expect(paramsHash("exec", { command: "ls" })).not.toBe(paramsHash("exec", { command: "ls " }));
    expect(paramsHash("exec", { command: "ls" })).not.toBe(paramsHash("bash", { command: "ls" }));
  });
});

describe("the README's tool table", () => {
  it("says what the shared table (@bridle/policy/openclaw-tools) does, tool by tool", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    const rows = readme.split("\n").filter((l) => /^\| `[a-z_]+`/.test(l));
    const documented = new Map(rows.flatMap((row) => {
      const [tools = "", action = ""] = row.split("|").slice(1, 3);
      const name = /`([a-z._]+)`/.exec(action)?.[1] ?? "";
      return [...tools.matchAll(/`([a-z_]+)`/g)].map((m) => [m[1]!, name] as const);
    }));
    const shared = new Map(OPENCLAW_TOOL_FAMILIES.flatMap((f) => f.tools.map((t) => [t, f.action as string] as const)));
    expect(documented).toEqual(shared);
  });
});
