import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";

export type SecretHit = { line: number; rule: string; kind: string };

const config = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended }] };

/**
 * Finds text that looks like a secret (cloud keys, GitHub/Slack/npm tokens, private keys, ...)
 * with secretlint's recommended rules. Returns where and what kind, never the secret itself, so
 * the answer can be shown and logged safely.
 */
export async function findSecrets(text: string): Promise<SecretHit[]> {
  const result = await lintSource({ source: { filePath: "/input.txt", content: text, contentType: "text" }, options: { config } });
  return result.messages.map((m) => ({
    line: m.loc.start.line,
    rule: m.ruleId.replace("@secretlint/secretlint-rule-", ""),
    kind: m.messageId,
  }));
}

export const secretMessage = (h: SecretHit) =>
  `looks like a secret (${h.kind}, rule ${h.rule}): Bridle stores references to secrets (op://, vault:, ...), never their values`;
