import { describe, expect, it } from "vitest";
import { stableJson } from "../../lib/json.ts";
import { prepareGatedParams, redactSecrets } from "./gated-params.ts";

const GH = "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";
const SLACK = "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx";

describe("redactSecrets", () => {
  it("cuts only the matched range out of a longer string, one marker per secret", async () => {
    const r = await redactSecrets({ cmd: `curl -H 'Authorization: token ${GH}' -d '${SLACK}' https://x.example` });
    expect(r).toEqual({
      value: { cmd: "curl -H 'Authorization: token [redacted: github]' -d '[redacted: slack]' https://x.example" },
      redactions: [
        { path: "/cmd", rule: "github" },
        { path: "/cmd", rule: "slack" },
      ],
    });
  });

  it("walks arrays, nested objects and keys; paths are JSON Pointers into the redacted value", async () => {
    const r = await redactSecrets({ "a/b": [1, "plain", `x ${GH}`], nested: { [GH]: true, [`${SLACK}`]: false }, n: null });
    expect(r.value).toEqual({ "a/b": [1, "plain", "x [redacted: github]"], nested: { "[redacted: github]": true, "[redacted: slack]": false }, n: null });
    expect(r.redactions).toEqual([
      { path: "/a~1b/2", rule: "github" },
      { path: "/nested/[redacted: github]", rule: "github" },
      { path: "/nested/[redacted: slack]", rule: "slack" },
    ]);
  });

  it("keeps two keys apart when they redact alike, and a __proto__ key stays a plain key", async () => {
    const other = "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const input = JSON.parse(`{"${GH}": 1, "${other}": 2, "__proto__": "${GH}"}`) as unknown;
    const r = await redactSecrets(input);
    expect(JSON.stringify(r.value)).toBe('{"[redacted: github]":1,"[redacted: github] (2)":2,"__proto__":"[redacted: github]"}');
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });

  it("leaves values without secrets as they are (no strings at all, too)", async () => {
    expect(await redactSecrets({ a: 1, b: [true, null] })).toEqual({ value: { a: 1, b: [true, null] }, redactions: [] });
    expect(await redactSecrets({ cmd: "kubectl get pods -n staging" })).toEqual({ value: { cmd: "kubectl get pods -n staging" }, redactions: [] });
  });
});

describe("prepareGatedParams", () => {
  it("shows the hashed canonical JSON: same keys in the same order, only laid out on lines", async () => {
    const params = { z: 1, a: { y: [2, { c: 3, b: 4 }], x: "é" }, "10": "ten", "2": "two" };
    const p = await prepareGatedParams("config.change_production", params, undefined);
    if (!p.ok) throw new Error("expected ok");
    expect(p.shown.paramsText.replace(/\n\s*/g, "").replaceAll('": ', '":')).toBe(stableJson(params));
    expect(p.shown).toMatchObject({ params, paramsRedacted: [], command: null, paramsSummary: null });
  });

  it("takes the shell command from cmd or command, never when both are given", async () => {
    const one = await prepareGatedParams("shell.exec", { command: "ls -la" }, "list");
    expect(one.ok && one.shown.command).toBe("ls -la");
    const both = await prepareGatedParams("shell.exec", { cmd: "ls", command: "rm -rf /" }, undefined);
    expect(both.ok && both.shown.command).toBeNull();
    const notShell = await prepareGatedParams("email.send", { cmd: "ls" }, undefined);
    expect(notShell.ok && notShell.shown.command).toBeNull();
  });

  it("shows missing parameters as null", async () => {
    const p = await prepareGatedParams("shell.exec", undefined, undefined);
    expect(p).toEqual({ ok: true, shown: { params: null, paramsText: "null", paramsRedacted: [], command: null, paramsSummary: null } });
  });

  it("refuses more than 16 KB of canonical JSON, counted in UTF-8 bytes", async () => {
    expect(await prepareGatedParams("shell.exec", { cmd: "é".repeat(8192) }, undefined)).toEqual({ ok: false, bytes: 16384 + 10 });
    expect((await prepareGatedParams("shell.exec", { cmd: "x".repeat(16384 - 10) }, undefined)).ok).toBe(true);
  });
});

describe("prepareGatedParams: characters an approver cannot see", () => {
  // U+202E turns the rest of a line around on screen; U+200B is invisible; ESC and CR drive
  // terminals; U+E0041 (a tag character) is invisible text.
  const hidden = "echo safe\u202E\u200B\u001b[2K\r\u{E0041} #; rm -rf ~";

  it("shows them as escapes in the command, the parameters' text and the bot's summary, newlines and tabs kept", async () => {
    const p = await prepareGatedParams("shell.exec", { cmd: `${hidden}\n\tls` }, `tidy up\u2066 files\u2069\nnothing else`);
    if (!p.ok) throw new Error("expected ok");
    expect(p.shown.command).toBe("echo safe\\u202E\\u200B\\u001B[2K\\u000D\\u{E0041} #; rm -rf ~\n\tls");
    expect(p.shown.paramsText).toBe('{\n  "cmd": "echo safe\\u202e\\u200b\\u001b[2K\\r\\udb40\\udc41 #; rm -rf ~\\n\\tls"\n}');
    expect(p.shown.paramsSummary).toBe("tidy up\\u2066 files\\u2069\nnothing else");
    // The shown text is still JSON for the very same parameters (the approval stays bound to them).
    expect(JSON.parse(p.shown.paramsText)).toEqual({ cmd: `${hidden}\n\tls` });
    expect(p.shown.params).toEqual({ cmd: `${hidden}\n\tls` });
  });

  it("shows characters that render as nothing (variation selectors, Hangul fillers, the grapheme joiner) too", async () => {
    // `rm report\uFE0F` names another file than `rm report`, and looks the same.
    const p = await prepareGatedParams("shell.exec", { cmd: "rm report\uFE0F \u3164 a\u034Fb" }, undefined);
    if (!p.ok) throw new Error("expected ok");
    expect(p.shown.command).toBe("rm report\\uFE0F \\u3164 a\\u034Fb");
    expect(p.shown.paramsText).toBe('{\n  "cmd": "rm report\\ufe0f \\u3164 a\\u034fb"\n}');
  });

  it("shows the same escapes in object keys", async () => {
    const p = await prepareGatedParams("config.change_production", { "path\u202E": "x" }, undefined);
    if (!p.ok) throw new Error("expected ok");
    expect(p.shown.paramsText).toBe('{\n  "path\\u202e": "x"\n}');
  });
});
