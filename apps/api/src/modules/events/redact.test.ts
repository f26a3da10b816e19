import { describe, expect, it } from "vitest";
import { redactBatch } from "./redact.ts";

const GH = "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";

describe("redactBatch", () => {
  it("leaves a batch without secrets as it is (the same objects)", async () => {
    const details = [
      { bot: "b", time: "t", tool: "exec", params: { command: "ls -la" } },
      { bot: "b", time: "t", channel: "slack:#ops", text: "done" },
    ];
    const out = await redactBatch(details);
    expect(out.details[0]).toBe(details[0]);
    expect(out.details[1]).toBe(details[1]);
    expect(out.redactions.size).toBe(0);
  });

  it("cuts a secret out of the event it is in, wherever in the batch, and says where", async () => {
    const details = Array.from({ length: 50 }, (_, i) => ({ bot: "b", time: "t", tool: "exec", params: { command: `echo ${i}` } }));
    details[37] = { bot: "b", time: "t", tool: "exec", params: { command: `curl -H 'Authorization: token ${GH}' https://api.github.com` } };
    const out = await redactBatch([...details, { bot: "b", time: "t", channel: "c", text: `my token is ${GH}` } as never]);
    expect([...out.redactions.keys()].sort((a, b) => a - b)).toEqual([37, 50]);
    expect(out.details[37]).toEqual({ bot: "b", time: "t", tool: "exec", params: { command: "curl -H 'Authorization: token [redacted: github]' https://api.github.com" } });
    expect(out.redactions.get(37)).toEqual([{ path: "/params/command", rule: "github" }]);
    expect(out.details[50]).toMatchObject({ text: "my token is [redacted: github]" });
    expect(out.redactions.get(50)).toEqual([{ path: "/text", rule: "github" }]);
    expect(out.details[36]).toBe(details[36]);
    expect(JSON.stringify(out.details)).not.toContain(GH);
  });

  it("finds a secret in a key of a free-form value", async () => {
    const out = await redactBatch([{ bot: "b", time: "t", tool: "http", params: { [GH]: true } }]);
    expect(JSON.stringify(out.details)).not.toContain(GH);
    expect(out.redactions.get(0)?.[0]?.rule).toBe("github");
  });
});
