import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/**
 * How an OpenClaw tool call becomes a Bridle decision request. The table is the plugin README's
 * "Tool -> Bridle action" table; keep them together. Only the fields Bridle needs are sent, with
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
export const BRIDGE_TOOLS: ReadonlySet<string> = new Set(["tool_search", "tool_describe", "tool_call", "tool_search_code"]);

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

const SHELL = new Set(["exec", "bash", "process", "code_execution", "terminal"]);
const FILE_WRITE = new Set(["write", "edit", "apply_patch"]);
const WEB_READ = new Set(["web_fetch", "web_search", "x_search"]);
const SUBAGENT = new Set(["sessions_spawn", "subagents", "sessions_send", "conversations_send", "conversations_turn", "agent_send"]);
const MEMORY_READ = new Set(["memory_search", "memory_get", "sessions_list", "sessions_history", "sessions_search", "session_status"]);

/** Maps one OpenClaw tool call to the Bridle action, target and parameters it is decided as. */
export function toBridleAsk(toolName: string, params: Record<string, unknown>): BridleAsk {
  const name = toolName.trim().toLowerCase();
  if (SHELL.has(name)) {
    const fields = pick(params, ["command", "cmd", "code", "action", "sessionId", "workdir", "cwd", "host", "elevated", "background"]);
    // Environment values are where shells carry secrets: send the names only.
    if (params.env && typeof params.env === "object") fields.envKeys = Object.keys(params.env as object).sort();
    return { action: "shell.exec", target: {}, params: { tool: name, ...fields }, readOnly: false };
  }
  if (name === "message") {
    const channel = str(params.channel)?.toLowerCase();
    return {
      action: "message.post",
      target: channel ? { channel } : {},
      params: { tool: name, ...pick(params, ["action", "channel", "to", "target", "accountId", "message", "replyTo"]) },
      readOnly: false,
    };
  }
  if (FILE_WRITE.has(name)) {
    const path = str(params.path) ?? str(params.file_path);
    const body = params.content ?? params.newText ?? params.new_string ?? params.input ?? params.patch;
    return { action: "file.write", target: path ? { resource: path } : {}, params: { tool: name, path: path ?? null, content: digest(body) }, readOnly: false };
  }
  if (name === "read") {
    const path = str(params.path) ?? str(params.file_path);
    return { action: "file.read", target: path ? { resource: path } : {}, params: { tool: name, path: path ?? null }, readOnly: true };
  }
  if (WEB_READ.has(name)) {
    const url = str(params.url);
    return { action: "web.read", target: url ? { resource: url } : {}, params: { tool: name, ...pick(params, ["url", "query", "count"]) }, readOnly: true };
  }
  if (name === "browser") {
    const url = str(params.url) ?? str(params.targetUrl);
    return { action: "browser.act", target: url ? { resource: url } : {}, params: { tool: name, ...pick(params, ["action", "url", "targetUrl", "ref", "text", "selector"]) }, readOnly: false };
  }
  if (name === "cron") return { action: "cron.schedule", target: {}, params: { tool: name, ...pick(params, ["action", "id", "schedule", "job", "name", "text"]) }, readOnly: false };
  if (SUBAGENT.has(name)) return { action: "agent.spawn", target: {}, params: { tool: name, ...pick(params, ["agentId", "task", "message", "label", "sessionKey", "action"]) }, readOnly: false };
  if (MEMORY_READ.has(name)) return { action: "memory.read", target: {}, params: { tool: name, ...pick(params, ["query", "path", "sessionKey"]) }, readOnly: true };
  if (name === "gateway") return { action: "openclaw.gateway.admin", target: {}, params: { tool: name, ...pick(params, ["action", "path"]) }, readOnly: false };
  if (name === "nodes" || name === "computer" || name === "screen")
    return { action: "device.control", target: {}, params: { tool: name, ...pick(params, ["action", "node", "command"]) }, readOnly: false };
  // Anything else is decided under its own name; its parameters are not sent (only their digest).
  return { action: `openclaw.tool.${name.replace(/[^a-z0-9._:-]/g, "_")}`.slice(0, 100), target: {}, params: { tool: name, params: digest(params) }, readOnly: false };
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
