import { randomUUID } from "node:crypto";
import { RUNTIME_EVENT_VALUE_MAX_BYTES, jsonBytes, type TRuntimeEvent } from "@bridle/contracts";
import { createBridleClient, createEventReporter, type BridleClient, type EventReporter, type Verdict } from "@bridle/sdk";
import type { PluginConfig } from "./config.ts";
import { BRIDGE_TOOLS, paramsHash, redactSecrets, toBridleAsk } from "./mapping.ts";
import type {
  AfterToolCallEvent,
  BeforeToolCallResult,
  MessageContext,
  MessageSentEvent,
  PluginLogger,
  SessionContext,
  SessionEndEvent,
  SessionStartEvent,
  AgentContext,
  AgentRunDecision,
  ToolCallEvent,
  ToolContext,
} from "./openclaw-types.ts";

/** What was decided for one tool call: the hash of the exact parameters that may run. */
type Decided = { hash: string; params: Record<string, unknown>; action: string; requestId: string; agentId: string; sessionId: string | undefined };

/**
 * Model providers (agent backends) whose tool calls OpenClaw 2026.9.6 does not all pass through
 * before_tool_call: `claude-cli` runs MCP tools from `mcp.servers` itself (openclaw #155946).
 */
export const UNGATED_BACKENDS: ReadonlySet<string> = new Set(["claude-cli"]);

/** At most this many decided-but-not-finished calls are remembered (oldest forgotten first). */
const MAX_PENDING = 10_000;

export type Enforcer = {
  /** The trusted tool policy: asks Bridle, holds for approval, blocks with Bridle's reason. */
  evaluate: (event: ToolCallEvent, ctx: ToolContext) => Promise<BeforeToolCallResult | void>;
  /**
   * The last `before_tool_call` hook (lowest priority): blocks when the parameters differ from
   * those decided (a trusted policy after ours changed them), and otherwise returns the decided
   * parameters, which as the last `params` returned win over any ordinary hook's rewrite.
   */
  guard: (event: ToolCallEvent, ctx: ToolContext) => BeforeToolCallResult | void;
  /**
   * `after_tool_call`: reports the result (`tool_result`), and an enforcement gap (an `error`
   * event, code `enforcement_gap`) for a call that ran without a decision or with other
   * parameters than those decided.
   */
  afterToolCall: (event: AfterToolCallEvent, ctx: ToolContext) => void;
  /**
   * `before_agent_run`: a run on a backend whose tool calls OpenClaw does not pass through the
   * policy (UNGATED_BACKENDS) is reported as an enforcement gap and runs only when Bridle allows
   * the gated action `runtime.ungated_backend` for the bot (denied by default).
   */
  beforeAgentRun: (event: { prompt: string }, ctx: AgentContext) => Promise<AgentRunDecision | void>;
  sessionStart: (event: SessionStartEvent, ctx: SessionContext) => void;
  sessionEnd: (event: SessionEndEvent, ctx: SessionContext) => void;
  messageSent: (event: MessageSentEvent, ctx: MessageContext) => void;
  /** The agent's event reporter (one per bot token, opened on first use); null for an agent with no token. */
  reporterFor: (agentId: string) => EventReporter | null;
  /** Sends what every reporter holds (a clean shutdown); resolves when done or after `timeoutMs`. */
  close: (timeoutMs?: number) => Promise<void>;
  /** The policy's own time per decided call, in ms, most recent last (at most 10,000 kept). */
  timings: () => readonly number[];
};

const keyOf = (event: { toolName: string; toolCallId?: string; runId?: string }, ctx: ToolContext) =>
  `${event.runId ?? ctx.runId ?? ""}|${event.toolCallId ?? ctx.toolCallId ?? ""}|${event.toolName}`;

/** The model reads this: Bridle's reasons in its own words, with their codes. */
function blockReason(action: string, v: Verdict): string {
  const why = v.reasons.map((r) => `${r.message} (${r.code})`).join("; ") || "no reason given";
  return `Bridle ${v.decision === "deny" ? "denied" : "did not allow"} ${action}: ${why}`;
}

/** A value for an event: redacted, and replaced by a note when it is too large to send. */
function boundedForEvent(value: unknown): unknown {
  const redacted = redactSecrets(value);
  if (jsonBytes(redacted) <= RUNTIME_EVENT_VALUE_MAX_BYTES) return redacted;
  const text = typeof redacted === "string" ? redacted : JSON.stringify(redacted);
  return { truncated: true, head: text.slice(0, 2000) };
}

/** `agent:<agentId>:...` session keys name their agent. */
const agentOfSessionKey = (key: string | undefined) => (key?.startsWith("agent:") ? key.split(":")[1] : undefined);

export function createEnforcer(opts: { config: PluginConfig; logger: PluginLogger }): Enforcer {
  const { config, logger } = opts;
  const reporters = new Map<string, EventReporter>();
  /** Events are best effort: they never block or fail a tool call. */
  const reporterFor = (agentId: string): EventReporter | null => {
    const token = config.botTokens[agentId];
    if (!token) return null;
    let r = reporters.get(agentId);
    if (!r) {
      r = createEventReporter({ baseUrl: config.bridleUrl, token, onError: (e) => logger.warn(`bridle: events for agent ${agentId}: ${e.message}`) });
      reporters.set(agentId, r);
    }
    return r;
  };
  const report = (agentId: string | undefined, event: TRuntimeEvent) => {
    if (agentId) reporterFor(agentId)?.report(event);
  };
  const now = () => new Date().toISOString();
  const clients = new Map<string, BridleClient>();
  const clientFor = (agentId: string): BridleClient | null => {
    const token = config.botTokens[agentId];
    if (!token) return null;
    let c = clients.get(agentId);
    if (!c) {
      c = createBridleClient({ baseUrl: config.bridleUrl, token, failMode: config.failMode, timeoutMs: config.decisionTimeoutMs });
      clients.set(agentId, c);
    }
    return c;
  };
  const decided = new Map<string, Decided>();
  const times: number[] = [];

  async function evaluate(event: ToolCallEvent, ctx: ToolContext): Promise<BeforeToolCallResult | void> {
    const started = performance.now();
    const toolName = event.toolName;
    // A bridge only names the tool to call; the inner call comes back here under its real name.
    if (BRIDGE_TOOLS.has(toolName)) return undefined;
    const agentId = ctx.agentId ?? "";
    const client = clientFor(agentId);
    if (!client) return { block: true, blockReason: `Bridle: no bot token is configured for OpenClaw agent "${agentId}"; blocked` };
    const ask = toBridleAsk(toolName, event.params);
    const requestId = `openclaw:${event.toolCallId ?? ctx.toolCallId ?? randomUUID()}:${event.runId ?? ctx.runId ?? ""}`.slice(0, 200);
    const sessionId = (ctx.sessionId ?? ctx.sessionKey)?.slice(0, 200);
    let verdict: Verdict;
    try {
      verdict = await client.decideAndWait(
        { action: ask.action, target: ask.target, params: redactSecrets(ask.params), requestId, ...(sessionId ? { sessionId } : {}) },
        {
          waitMs: config.approvalWaitSeconds * 1000,
          readOnly: ask.readOnly,
          ...(ctx.abortSignal ? { signal: ctx.abortSignal } : {}),
          onPending: (id) => logger.info(`bridle: ${toolName} (${ask.action}) waits for approval request ${id}, up to ${config.approvalWaitSeconds} s`),
        },
      );
    } catch (e) {
      // Only an aborted tool call gets here (the SDK turns every other failure into a verdict).
      return { block: true, blockReason: `Bridle: the call was cancelled before a decision (${(e as Error).message})` };
    }
    const ms = performance.now() - started;
    times.push(ms);
    if (times.length > 10_000) times.splice(0, times.length - 10_000);
    logger.debug?.(`bridle: ${toolName} -> ${ask.action}: ${verdict.decision} (${verdict.source}) in ${ms.toFixed(2)} ms`);
    if (verdict.decision !== "allow") return { block: true, blockReason: blockReason(ask.action, verdict) };
    if (decided.size >= MAX_PENDING) decided.delete(decided.keys().next().value!);
    decided.set(keyOf(event, ctx), { hash: paramsHash(toolName, event.params), params: structuredClone(event.params), action: ask.action, requestId, agentId, sessionId });
    const toolCallId = event.toolCallId ?? ctx.toolCallId;
    if (sessionId)
      report(agentId, { type: "tool_call", sessionId, time: now(), tool: toolName, action: ask.action, decisionRequestId: requestId, params: boundedForEvent(ask.params), ...(toolCallId ? { toolCallId } : {}) });
    return undefined;
  }

  function guard(event: ToolCallEvent, ctx: ToolContext): BeforeToolCallResult | void {
    if (BRIDGE_TOOLS.has(event.toolName)) return undefined;
    const d = decided.get(keyOf(event, ctx));
    if (!d) return { block: true, blockReason: "Bridle: no decision was made for this call (the Bridle policy did not run); blocked" };
    if (paramsHash(event.toolName, event.params) !== d.hash) {
      decided.delete(keyOf(event, ctx));
      logger.warn(`bridle: ${event.toolName} parameters changed after the decision (${d.requestId}); blocked`);
      return { block: true, blockReason: `Bridle: the parameters of ${event.toolName} changed after Bridle decided on them; blocked` };
    }
    return { params: structuredClone(d.params) };
  }

  function afterToolCall(event: AfterToolCallEvent, ctx: ToolContext): void {
    if (BRIDGE_TOOLS.has(event.toolName)) return;
    const key = keyOf(event, ctx);
    const d = decided.get(key);
    decided.delete(key);
    const details = (event.result as { details?: { status?: string } } | undefined)?.details;
    if (details?.status === "blocked") return; // blocked before it ran: Bridle's decision record says why
    const agentId = d?.agentId ?? ctx.agentId;
    const sessionId = d?.sessionId ?? (ctx.sessionId ?? ctx.sessionKey)?.slice(0, 200);
    const toolCallId = event.toolCallId ?? ctx.toolCallId;
    const ids = toolCallId ? { toolCallId } : {};
    if (!sessionId) return;
    if (!d || paramsHash(event.toolName, event.params) !== d.hash) {
      const message = d
        ? `${event.toolName} ran with other parameters than those Bridle decided (${d.requestId})`
        : `${event.toolName} ran without a Bridle decision (a path OpenClaw does not gate)`;
      logger.error(`bridle: enforcement gap: ${message}`);
      report(agentId, { type: "error", sessionId, time: now(), code: "enforcement_gap", message, ...ids });
    }
    report(agentId, {
      type: "tool_result",
      sessionId,
      time: now(),
      tool: event.toolName,
      ok: !event.error,
      ...ids,
      ...(event.durationMs !== undefined ? { durationMs: Math.max(0, Math.round(event.durationMs)) } : {}),
      ...(event.error ? { error: String(redactSecrets(event.error)).slice(0, 2000) } : {}),
      result: boundedForEvent(event.result),
    });
  }

  /**
   * A run on a backend Bridle cannot gate is itself a gated action, `runtime.ungated_backend`
   * (denied by default): the org allows it, or has it approved, in its gated-action policy. The
   * decision is Bridle's, signed and audited like any other; a deny, an approval that does not
   * come within the wait, or Bridle out of reach refuses the run.
   */
  async function beforeAgentRun(_event: { prompt: string }, ctx: AgentContext): Promise<AgentRunDecision | void> {
    const backend = ctx.modelProviderId;
    if (!backend || !UNGATED_BACKENDS.has(backend)) return undefined;
    const agentId = ctx.agentId ?? "";
    const message = `OpenClaw agent "${agentId}" runs on ${backend}, whose MCP tool calls Bridle cannot gate`;
    const sessionId = (ctx.sessionId ?? ctx.sessionKey)?.slice(0, 200);
    if (sessionId) report(agentId, { type: "error", sessionId, time: now(), code: "enforcement_gap", message });
    const client = clientFor(agentId);
    if (!client) return { outcome: "block", reason: message, message: `${message}; refused (no Bridle bot token is configured for this agent)` };
    const action = "runtime.ungated_backend";
    const verdict = await client
      .decideAndWait(
        { action, target: { resource: `openclaw:${backend}` }, params: { backend, agentId }, requestId: `openclaw:run:${randomUUID()}`, ...(sessionId ? { sessionId } : {}) },
        { waitMs: config.approvalWaitSeconds * 1000 },
      )
      .catch((e: Error): Verdict | null => (logger.warn(`bridle: ${action}: ${e.message}`), null));
    if (verdict?.decision === "allow") {
      logger.warn(`bridle: ${message} (allowed by the org's policy for ${action})`);
      return undefined;
    }
    const why = verdict ? blockReason(action, verdict) : "Bridle gave no decision";
    return { outcome: "block", reason: message, message: `${message}; refused: ${why}` };
  }

  const sessionStart = (event: SessionStartEvent, ctx: SessionContext) =>
    report(ctx.agentId ?? agentOfSessionKey(event.sessionKey), {
      type: "session_start",
      sessionId: event.sessionId.slice(0, 200),
      time: now(),
      ...(ctx.agentId ? { agent: ctx.agentId } : {}),
    });
  const sessionEnd = (event: SessionEndEvent, ctx: SessionContext) =>
    report(ctx.agentId ?? agentOfSessionKey(event.sessionKey), {
      type: "session_end",
      sessionId: event.sessionId.slice(0, 200),
      time: now(),
      ...(event.reason ? { reason: event.reason } : {}),
    });
  const messageSent = (event: MessageSentEvent, ctx: MessageContext) => {
    const key = event.sessionKey ?? ctx.sessionKey;
    if (!key || !event.success) return;
    report(agentOfSessionKey(key), {
      type: "message_sent",
      sessionId: key.slice(0, 200),
      time: now(),
      channel: ctx.channelId.slice(0, 200) || "unknown",
      ...(event.to ? { to: event.to.slice(0, 200) } : {}),
      ...(event.messageId ? { messageId: event.messageId.slice(0, 200) } : {}),
      text: String(redactSecrets(event.content)).slice(0, 4000),
    });
  };

  async function close(timeoutMs = 10_000) {
    await Promise.all([...reporters.values()].map((r) => r.close({ timeoutMs })));
  }

  return { evaluate, guard, afterToolCall, beforeAgentRun, sessionStart, sessionEnd, messageSent, reporterFor, close, timings: () => times };
}
