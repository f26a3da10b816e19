import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { fieldError, invalidFields } from "./errors.ts";

export type SecretHit = { line: number; rule: string; kind: string };
/** A secret found in a text: `[start, end)` in UTF-16 code units (JavaScript string indices). */
export type SecretRange = { start: number; end: number; rule: string; kind: string };

type RuleEntry = Parameters<typeof lintSource>[0]["options"]["config"]["rules"][number];
type RuleCreator = Extract<RuleEntry["rule"], { create: unknown }>;
type RuleContext = Extract<Parameters<RuleCreator["create"]>[0], { report: unknown }>;
type RuleSource = Parameters<NonNullable<Extract<ReturnType<RuleCreator["create"]>, object>["file"]>>[0];

/** AWS's documentation example key, which secretlint ignores too. */
const AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const KEY_CHARS = "A-Za-z0-9/+";
/** `aws_secret_access_key = <40 chars>` as secretlint writes it, but ended by "no more key characters" instead of `\b`. */
const LABELLED = new RegExp(
  String.raw`["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?([${KEY_CHARS}=]{40})(?![${KEY_CHARS}=])`,
  "g",
);
/** A whole value (a JSON string, a CSV cell, a word) of exactly 40 key characters. */
const STANDALONE = new RegExp(String.raw`(?<=^|[\s"',;=])([${KEY_CHARS}]{40})(?=$|[\s"',;])`, "gm");
/** Random 40-character keys have upper and lower case letters and digits; hex digests, words and paths do not. */
const looksRandom = (key: string) => /[A-Z]/.test(key) && /[a-z]/.test(key) && /[0-9]/.test(key) && !key.startsWith("/") && !key.includes("//");

/**
 * `bridle/aws-secret-access-key`: what secretlint's AWS rule (13.0.7) misses.
 * 1. Its pattern ends `([A-Za-z0-9/\+=]{40})["']?\b`: a key whose last character is `/` or `+`
 *    (2 of the 64 key characters, so about 1 key in 32) is followed by no word boundary at the end
 *    of a line or before a quote, so `aws_secret_access_key = ...abc/` passes unreported.
 * 2. It only looks after an `aws_secret_access_key =` label, so a key pasted alone into a field
 *    (the team column, a purpose) passes; here a whole value of 40 key characters with upper and
 *    lower case letters and digits is refused.
 * Keys secretlint does report (labelled, ending in a letter or digit) are left to it.
 */
const awsMessages = { AWSSecretAccessKey: { en: () => "found an AWS secret access key" } };
export const awsSecretAccessKeyRule: RuleCreator = {
  messages: awsMessages,
  meta: {
    id: "bridle/aws-secret-access-key",
    recommended: true,
    type: "scanner",
    supportedContentTypes: ["text"],
    docs: { url: "https://github.com/secretlint/secretlint/tree/master/packages/%40secretlint/secretlint-rule-aws" },
  },
  create(context: RuleContext) {
    const t = context.createTranslator(awsMessages);
    return {
      file(source: RuleSource) {
        const reported = new Set<number>();
        const report = (start: number, key: string) => {
          if (key === AWS_EXAMPLE_SECRET || reported.has(start)) return;
          reported.add(start);
          context.report({ message: t("AWSSecretAccessKey"), range: [start, start + key.length] });
        };
        const labelled = new Set<number>();
        for (const m of source.content.matchAll(LABELLED)) {
          const key = m[1]!;
          const start = m.index + m[0].length - key.length;
          labelled.add(start);
          // secretlint reports these itself.
          if (/[A-Za-z0-9]$/.test(key)) continue;
          report(start, key);
        }
        for (const m of source.content.matchAll(STANDALONE)) {
          if (labelled.has(m.index) || !looksRandom(m[1]!)) continue;
          report(m.index, m[1]!);
        }
      },
    };
  },
};

const config = {
  rules: [
    { id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended },
    { id: "bridle/aws-secret-access-key", rule: awsSecretAccessKeyRule },
  ] satisfies RuleEntry[],
};

async function lint(text: string) {
  const result = await lintSource({ source: { filePath: "/input.txt", content: text, contentType: "text" }, options: { config } });
  return result.messages;
}
const ruleName = (ruleId: string) => ruleId.replace("@secretlint/secretlint-rule-", "");

/**
 * Finds text that looks like a secret (cloud keys, GitHub/Slack/npm tokens, private keys, ...)
 * with secretlint's recommended rules plus `bridle/aws-secret-access-key` (what secretlint's AWS
 * rule misses). Returns where (1-based line) and what kind, never the secret itself, so the answer
 * can be shown and logged safely.
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

/** True when `value` looks like a secret (by findSecrets). */
export async function looksLikeSecret(value: string): Promise<boolean> {
  return (await findSecrets(value)).length > 0;
}

/**
 * Messages that quote what a person typed (`unknown team <slug>`) keep the quote only when it
 * does not look like a secret; otherwise they use `withoutValue`, which names the field alone.
 * One scan for the whole list. Lines of a multi-line value count together.
 */
export async function withoutEchoedSecrets<T extends { message: string; echoed?: string; withoutValue?: string }>(
  items: readonly T[],
): Promise<Omit<T, "echoed" | "withoutValue">[]> {
  const lineOf: number[] = [];
  const lines: string[] = [];
  items.forEach((item, i) => {
    lineOf[i] = lines.length + 1;
    lines.push(...(item.echoed ?? "").split(/\r\n|\r|\n/));
  });
  const hits = lines.some(Boolean) ? await findSecrets(lines.join("\n")) : [];
  const hitLines = new Set(hits.map((h) => h.line));
  return items.map((item, i) => {
    const { echoed, withoutValue, ...rest } = item;
    const span = (echoed ?? "").split(/\r\n|\r|\n/).length;
    const secret = echoed !== undefined && Array.from({ length: span }, (_, k) => lineOf[i]! + k).some((l) => hitLines.has(l));
    return secret ? { ...rest, message: withoutValue ?? "A value here looks like a secret; Bridle stores references to secrets, never their values" } : rest;
  });
}

/**
 * Refuses input that carries a secret value in any of its fields: 400 `validation_failed` with one
 * `looks_like_secret` field error per field (named by its top-level key), never the value.
 * One scan for the whole record. Used by every write that stores free text people will read.
 */
export async function refuseSecretFields(input: Record<string, unknown>): Promise<void> {
  const fields = Object.entries(input)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}\t${JSON.stringify(v)}`);
  const hits = await findSecrets(fields.join("\n"));
  if (!hits.length) return;
  throw invalidFields(hits.map((h) => fieldError(fields[h.line - 1]?.split("\t")[0] ?? "", "looks_like_secret", secretMessage(h))));
}
