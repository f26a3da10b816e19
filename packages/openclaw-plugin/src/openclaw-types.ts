/**
 * The part of OpenClaw's plugin API this plugin uses, as declared by `openclaw@2026.9.6`
 * (dist/plugin-entry-*.d.ts: OpenClawPluginApi, PluginHookBeforeToolCallEvent,
 * PluginHookToolContext, PluginHookBeforeToolCallResult, PluginTrustedToolPolicyRegistration).
 * Written out here so the workspace need not install OpenClaw (~330 MB) to typecheck; the
 * end-to-end tests load the plugin into that exact OpenClaw version.
 */
export type ToolCallEvent = {
  toolName: string;
  params: Record<string, unknown>;
  runId?: string;
  toolCallId?: string;
  toolKind?: string;
  toolInputKind?: string;
};
export type ToolContext = {
  agentId?: string;
  sessionKey?: string;
  sessionId?: string;
  runId?: string;
  toolName: string;
  toolCallId?: string;
  channelId?: string;
  abortSignal?: AbortSignal;
};
export type BeforeToolCallResult = { params?: Record<string, unknown>; block?: boolean; blockReason?: string };
export type AfterToolCallEvent = { toolName: string; params: Record<string, unknown>; runId?: string; toolCallId?: string; result?: unknown; error?: string; durationMs?: number };
export type SessionContext = { agentId?: string; sessionId: string; sessionKey?: string };
export type SessionStartEvent = { sessionId: string; sessionKey?: string; resumedFrom?: string };
export type SessionEndEvent = { sessionId: string; sessionKey?: string; messageCount: number; durationMs?: number; reason?: string };
export type MessageSentEvent = { to: string; content: string; success: boolean; messageId?: string; sessionKey?: string; runId?: string };
export type MessageContext = { channelId: string; accountId?: string; conversationId?: string; sessionKey?: string };
export type PluginLogger = { debug?: (msg: string) => void; info: (msg: string) => void; warn: (msg: string) => void; error: (msg: string) => void };
export type PluginService = { id: string; start: (ctx: unknown) => void | Promise<void>; stop?: (ctx: unknown) => void | Promise<void> };

export type AgentContext = { agentId?: string; sessionId?: string; sessionKey?: string; modelProviderId?: string; modelId?: string };
export type AgentRunDecision = { outcome: "pass" } | { outcome: "block"; reason: string; message?: string };

type Hooks = {
  before_agent_run: (event: { prompt: string }, ctx: AgentContext) => Promise<AgentRunDecision | void> | AgentRunDecision | void;
  before_tool_call: (event: ToolCallEvent, ctx: ToolContext) => Promise<BeforeToolCallResult | void> | BeforeToolCallResult | void;
  after_tool_call: (event: AfterToolCallEvent, ctx: ToolContext) => Promise<void> | void;
  session_start: (event: SessionStartEvent, ctx: SessionContext) => Promise<void> | void;
  session_end: (event: SessionEndEvent, ctx: SessionContext) => Promise<void> | void;
  message_sent: (event: MessageSentEvent, ctx: MessageContext) => Promise<void> | void;
};

export type OpenClawPluginApi = {
  id: string;
  version?: string;
  registrationMode: "full" | "discovery" | "tool-discovery" | "setup-only" | "setup-runtime" | "cli-metadata";
  pluginConfig?: Record<string, unknown>;
  logger: PluginLogger;
  runtime?: { version?: string };
  on: <K extends keyof Hooks>(hook: K, handler: Hooks[K], opts?: { priority?: number; timeoutMs?: number }) => void;
  registerTrustedToolPolicy: (policy: {
    id: string;
    description: string;
    evaluate: (event: ToolCallEvent, ctx: ToolContext) => Promise<BeforeToolCallResult | void> | BeforeToolCallResult | void;
  }) => void;
  registerService: (service: PluginService) => void;
};
