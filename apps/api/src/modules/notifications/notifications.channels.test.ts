import { webhookUrlProblem } from "@bridle/contracts";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { emailMessage, safeError, smtpServerOf, webhookPayload } from "./notifications.channels.ts";
import { webhookUrlHint } from "./webhook-url.ts";

describe("the webhook URL rule", () => {
  it("takes https anywhere and http only to this machine", () => {
    expect(webhookUrlProblem("https://hooks.slack.com/services/T0/B0/xyz")).toBeNull();
    expect(webhookUrlProblem("http://localhost:8080/hook")).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1/hook")).toBeNull();
    expect(webhookUrlProblem("http://[::1]:9000/hook")).toBeNull();
    expect(webhookUrlProblem("http://hooks.slack.com/services/x")).toBe("must start with https:// (http:// only for localhost)");
    expect(webhookUrlProblem("http://localhost.evil.example/x")).toBe("must start with https:// (http:// only for localhost)");
    expect(webhookUrlProblem("javascript:alert(1)")).toBe("must start with https:// (http:// only for localhost)");
    expect(webhookUrlProblem("https://u:p@hooks.example.com/x")).toBe("must not hold a user name or password");
    expect(webhookUrlProblem("hooks.example.com/x")).toBe("is not a URL");
    expect(webhookUrlProblem(`https://h.example/${"a".repeat(2000)}`)).toBe("is longer than 2000 characters");
  });

  it("shows a hint: scheme, host and the last 4 characters only", () => {
    expect(webhookUrlHint("https://hooks.slack.com/services/T000/B000/abcdEFGHijkl")).toBe("https://hooks.slack.com/…ijkl");
    expect(webhookUrlHint("http://localhost:9000/h")).toBe("http://localhost:9000/…");
  });
});

describe("what leaves Bridle", () => {
  it("an error message never holds the SMTP password, the URL, or anything that looks like a secret", async () => {
    const url = "smtp://mailer:hunter2-longer@smtp.example.com:587";
    expect(await safeError(`Invalid login for ${url} (hunter2-longer)`, [url, "hunter2-longer"])).toBe("Invalid login for [redacted] ([redacted])");
    expect(await safeError("server said ghp_abcdefghijklmnopqrstuvwxyz0123456789 is bad", [])).toBe("server said [redacted] is bad");
    expect((await safeError("x".repeat(900), [])).length).toBe(500);
  });

  it("an SMTP server is named without its credentials", () => {
    expect(smtpServerOf("smtps://user:pass@smtp.example.com:465")).toBe("smtps://smtp.example.com:465");
  });

  it("an email links to the console when Bridle knows its address, and says how to change channels", () => {
    const m = emailMessage({ kind: "rotation_due", title: "Rotate", body: "Now.", link: "/bots/1" }, "https://bridle.acme.example");
    expect(m.subject).toBe("[Bridle] Rotate");
    expect(m.text).toBe(
      "Now.\n\nOpen in Bridle: https://bridle.acme.example/bots/1\n\n--\nCredential rotation due. You get this by email because you keep email on for it;\nchoose your channels at https://bridle.acme.example/notifications/preferences",
    );
    expect(emailMessage({ kind: "test", title: "T", body: "B", link: "/bots/1" }, undefined).text).toContain("In the Bridle console: /bots/1");
  });

  it("a webhook post names at most five recipients", () => {
    const p = webhookPayload({ kind: "test", title: "T", body: "", link: null, recipients: ["a", "b", "c", "d", "e", "f", "g"] }, undefined);
    expect(p.blocks[1]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "Test notification · for a, b, c, d, e and 2 more · Bridle" }] });
    expect(p.blocks).toHaveLength(2);
  });

  it("links an alert's evidence paths in the body when the public URL is known", () => {
    const m = { kind: "alert" as const, title: "Alert: x", body: "Burst.\nAudit event: /audit/a1\nSession: /bots/b1/sessions/s%201", link: "/alerts/x1", recipients: ["a"] };
    const p = webhookPayload(m, "https://bridle.acme.example");
    expect(p.blocks[0]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "*Alert: x*\nBurst.\nAudit event: <https://bridle.acme.example/audit/a1|/audit/a1>\nSession: <https://bridle.acme.example/bots/b1/sessions/s%201|/bots/b1/sessions/s%201>" },
    });
    expect(p.blocks[2]).toEqual({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Bridle" }, url: "https://bridle.acme.example/alerts/x1" }] });
    expect(p.text).toBe("Alert: x\nBurst.\nAudit event: /audit/a1\nSession: /bots/b1/sessions/s%201");
    // without it, the paths stay as text
    expect((webhookPayload(m, undefined).blocks[0] as { text: { text: string } }).text.text).toContain("Audit event: /audit/a1\n");
  });
});

describe("configuration", () => {
  it("needs BRIDLE_MAIL_FROM with BRIDLE_SMTP_URL, and an smtp(s) URL", () => {
    expect(() => loadConfig({ BRIDLE_SMTP_URL: "smtp://u:p@mail.example.com:587" })).toThrow(/BRIDLE_MAIL_FROM: is needed with BRIDLE_SMTP_URL/);
    expect(() => loadConfig({ BRIDLE_SMTP_URL: "https://mail.example.com", BRIDLE_MAIL_FROM: "b@acme.example" })).toThrow(/BRIDLE_SMTP_URL/);
    expect(() => loadConfig({ BRIDLE_SMTP_URL: "smtp://mail.example.com", BRIDLE_MAIL_FROM: "not an address" })).toThrow(/BRIDLE_MAIL_FROM/);
    const c = loadConfig({ BRIDLE_SMTP_URL: "smtps://u:p@mail.example.com:465", BRIDLE_MAIL_FROM: "Bridle <bridle@acme.example>" });
    expect(c.BRIDLE_MAIL_FROM).toBe("Bridle <bridle@acme.example>");
    expect(loadConfig({ BRIDLE_SMTP_URL: "" }).BRIDLE_SMTP_URL).toBeUndefined();
  });
});
