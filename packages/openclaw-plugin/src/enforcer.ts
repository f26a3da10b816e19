import { randomUUID } from "node:crypto";
import { createBridleClient, type BridleClient, type Verdict } from "@bridle/sdk";
import type { PluginConfig } from "./config.ts";
import { BRIDGE_TOOLS, paramsHash, redactSecrets, toBridleAsk } from "./mapping.ts";
import type { AfterToolCallEvent, BeforeToolCallResult, PluginLogger, ToolCallEvent, ToolContext } from "./openclaw-types.ts";

/** What was decided for one tool call: the hash of the exact parameters that may run. */
type Decided = { hash: string; params: Record<string, unknown>; action: string; requestId: string };

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
  /** `after_tool_call`: reports a call that ran with other parameters than those decided. */
  afterToolCall: (event: AfterToolCallEvent, ctx: ToolContext) => void;
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

export function createEnforcer(opts: { config: PluginConfig; logger: PluginLogger }): Enforcer {
  const { config, logger } = opts;
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
    decided.set(keyOf(event, ctx), { hash: paramsHash(toolName, event.params), params: structuredClone(event.params), action: ask.action, requestId });
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
    const key = keyOf(event, ctx);
    const d = decided.get(key);
    decided.delete(key);
    if (d && paramsHash(event.toolName, event.params) !== d.hash)
      logger.error(`bridle: enforcement gap: ${event.toolName} ran with other parameters than those decided (${d.requestId})`);
  }

  return { evaluate, guard, afterToolCall, timings: () => times };
}
