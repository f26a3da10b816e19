import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";

export type SecretHit = { line: number; rule: string; kind: string };
/** A secret found in a text: `[start, end)` in UTF-16 code units (JavaScript string indices). */
export type SecretRange = { start: number; end: number; rule: string; kind: string };

const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended }] };

async function lint(text: string) {
  const result = await lintSource({ source: { filePath: "/input.txt", content: text, contentType: "text" }, options: { config } });
  return result.messages;
}
const ruleName = (ruleId: string) => ruleId.replace("@secretlint/secretlint-rule-", "");

/**
 * Finds text that looks like a secret (cloud keys, GitHub/Slack/npm tokens, private keys, ...)
 * with secretlint's recommended rules. Returns where and what kind, never the secret itself, so
 * the answer can be shown and logged safely.
 */
export async function findSecrets(text: string): Promise<SecretHit[]> {
  return (await lint(text)).map((m) => ({ line: m.loc.start.line, rule: ruleName(m.ruleId), kind: m.messageId }));
}

/**
 * The same scan, answering with the exact ranges of the secrets (for cutting them out of a
 * longer text, e.g. the token in `curl -H 'Authorization: token ghp_…'`), ordered by start.
 */
export async function findSecretRanges(text: string): Promise<SecretRange[]> {
  return (await lint(text))
    .map((m) => ({ start: m.range[0], end: m.range[1], rule: ruleName(m.ruleId), kind: m.messageId }))
    .sort((a, b) => a.start - b.start || b.end - a.end);
}

export const secretMessage = (h: SecretHit) =>
  `looks like a secret (${h.kind}, rule ${h.rule}): Bridle stores references to secrets (op://, vault:, ...), never their values`;
