import { createHash } from "node:crypto";
import { OPENCLAW_BRIDGE_TOOLS, openClawToolFamily, otherToolAction } from "@bridle/policy/openclaw-tools";
import canonicalize from "canonicalize";

/**
 * How an OpenClaw tool call becomes a Bridle decision request. Which tool is which action is the
 * shared table in `@bridle/policy/openclaw-tools` (also behind Bridle's static floor); the README's
 * "Tool -> Bridle action" table shows it with the fields sent; keep them together. Only the fields Bridle needs are sent, with
 * secrets redacted (redactSecrets below); Bridle hashes what it receives and an approval covers
 * exactly that. The plugin binds execution to the full, unredacted parameters itself (paramsHash).
 */
export type BridleAsk = {
  action: string;
  target: { system?: string; resource?: string; channel?: string };
  params: Record<string, unknown>;
  /** Safe to fail open on (the `open_read_only` fail mode): reads nothing but reads. */
  readOnly: boolean;
};

/** Tool-search bridges: the inner tool call re-enters before_tool_call under its real name and is decided there. */
export const BRIDGE_TOOLS: ReadonlySet<string> = new Set(OPENCLAW_BRIDGE_TOOLS);

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const pick = (params: Record<string, unknown>, keys: readonly string[]) => {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (params[k] !== undefined) out[k] = params[k];
  return out;
};
/** Large text (file contents, patches) is sent as its SHA-256 and length, never in full. */
const digest = (v: unknown) => {
  const text = typeof v === "string" ? v : JSON.stringify(v ?? null);
  return { sha256: createHash("sha256").update(text).digest("hex"), bytes: Buffer.byteLength(text) };
};

/** Maps one OpenClaw tool call to the Bridle action, target and parameters it is decided as. */
export function toBridleAsk(toolName: string, params: Record<string, unknown>): BridleAsk {
  const name = toolName.trim().toLowerCase();
  const family = openClawToolFamily(name);
  const readOnly = family?.readOnly ?? false;
  switch (family?.action) {
    case "shell.exec": {
      const fields = pick(params, ["command", "cmd", "code", "action", "sessionId", "workdir", "cwd", "host", "elevated", "background"]);
      // Environment values are where shells carry secrets: send the names only.
      if (params.env && typeof params.env === "object") fields.envKeys = Object.keys(params.env as object).sort();
      return { action: family.action, target: {}, params: { tool: name, ...fields }, readOnly };
    }
    case "message.post": {
      const channel = str(params.channel)?.toLowerCase();
      return {
        action: family.action,
        target: channel ? { channel } : {},
        params: { tool: name, ...pick(params, ["action", "channel", "to", "target", "accountId", "message", "replyTo"]) },
        readOnly,
      };
    }
    case "file.write": {
      const path = str(params.path) ?? str(params.file_path);
      const body = params.content ?? params.newText ?? params.new_string ?? params.input ?? params.patch;
      return { action: family.action, target: path ? { resource: path } : {}, params: { tool: name, path: path ?? null, content: digest(body) }, readOnly };
    }
    case "file.read": {
      const path = str(params.path) ?? str(params.file_path);
      return { action: family.action, target: path ? { resource: path } : {}, params: { tool: name, path: path ?? null }, readOnly };
    }
    case "web.read": {
      const url = str(params.url);
      return { action: family.action, target: url ? { resource: url } : {}, params: { tool: name, ...pick(params, ["url", "query", "count"]) }, readOnly };
    }
    case "browser.act": {
      const url = str(params.url) ?? str(params.targetUrl);
      return { action: family.action, target: url ? { resource: url } : {}, params: { tool: name, ...pick(params, ["action", "url", "targetUrl", "ref", "text", "selector"]) }, readOnly };
    }
    case "cron.schedule":
      return { action: family.action, target: {}, params: { tool: name, ...pick(params, ["action", "id", "schedule", "job", "name", "text"]) }, readOnly };
    case "agent.spawn":
      return { action: family.action, target: {}, params: { tool: name, ...pick(params, ["agentId", "task", "message", "label", "sessionKey", "action"]) }, readOnly };
    case "memory.read":
      return { action: family.action, target: {}, params: { tool: name, ...pick(params, ["query", "path", "sessionKey"]) }, readOnly };
    case "openclaw.gateway.admin":
      return { action: family.action, target: {}, params: { tool: name, ...pick(params, ["action", "path"]) }, readOnly };
    case "device.control":
      return { action: family.action, target: {}, params: { tool: name, ...pick(params, ["action", "node", "command"]) }, readOnly };
    default:
      // Anything else is decided under its own name; its parameters are not sent (only their digest).
      return { action: otherToolAction(name), target: {}, params: { tool: name, params: digest(params) }, readOnly: false };
  }
}

/** Keys whose values are secrets wherever they appear. */
const SECRET_KEY = /(pass(word|phrase)?|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key)$/i;
/** Well-known token shapes inside strings (GitHub, OpenAI/Anthropic-style, AWS, Slack, bearer, JWT, URL credentials). */
const SECRET_PATTERNS: readonly [string, RegExp][] = [
  ["github", /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g],
  ["api-key", /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}\b/g],
  ["aws", /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g],
  ["slack", /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g],
  ["bridle", /\bbrdl_[a-z]+_[A-Za-z0-9_]{16,}\b/g],
  ["bearer", /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi],
  ["jwt", /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g],
  ["url-credentials", /(\/\/[^/\s:@]+:)[^@\s/]+@/g],
];

/** `[redacted: <rule>]`, the marker Bridle itself uses (packages/contracts redactionMarker). */
const marker = (rule: string) => `[redacted: ${rule}]`;

/** A copy of `value` with secret-looking keys' values and token-shaped substrings replaced by markers. */
export function redactSecrets(value: unknown, key?: string): unknown {
  if (key !== undefined && SECRET_KEY.test(key) && value !== null && value !== undefined && value !== "") return marker("secret-key");
  if (typeof value === "string") {
    let out = value;
    for (const [rule, re] of SECRET_PATTERNS)
      out = out.replace(re, (m, prefix?: string) => (rule === "bearer" || rule === "url-credentials" ? `${prefix}${marker(rule)}${rule === "url-credentials" ? "@" : ""}` : marker(rule)));
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactSecrets(v, k);
    return out;
  }
  return value;
}

/** SHA-256 of the canonical JSON (RFC 8785) of a tool's parameters: what ran must hash the same as what was decided. */
export function paramsHash(toolName: string, params: unknown): string {
  return createHash("sha256")
    .update(canonicalize({ toolName, params: params ?? null }) ?? "null")
    .digest("hex");
}
