import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A scripted OpenAI-compatible model on loopback (`POST /v1/chat/completions`, streamed as SSE,
 * as OpenClaw's `openai-completions` provider calls it). The test's user message says what to
 * do: a line `TOOL <name> <json arguments>` makes the model call that tool; once the tool's
 * result is in the conversation (a `role: "tool"` message after that user message) the model
 * answers with text quoting the result, `RESULT: <tool result>`. Any other message gets `OK`.
 * Every request is kept in `requests` for assertions (what the model was told).
 */
export type ScriptedModel = {
  baseUrl: string;
  /** The tool results the model has seen, in order (text of each `role: "tool"` message). */
  toolResults: () => string[];
  close: () => Promise<void>;
};

/** `TOOL <name> <json>` anywhere in a user message (OpenClaw prefixes messages with a timestamp). */
const TOOL_LINE = /TOOL ([\w.-]+) (\{.*\})\s*$/m;

type Message = { role: string; content?: unknown; tool_calls?: unknown[] };

const textOf = (content: unknown): string =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content.map((p) => (typeof p === "string" ? p : typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join("")
      : "";

export async function startScriptedModel(): Promise<ScriptedModel> {
  const seenToolResults: string[] = [];
  let counter = 0;
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [{ id: "mock-model", object: "model" }] }));
        return;
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw || "{}") as { messages?: Message[]; stream?: boolean };
      const messages = body.messages ?? [];
      const lastUser = messages.findLastIndex((m) => m.role === "user" && TOOL_LINE.test(textOf(m.content)));
      const lastTool = messages.findLastIndex((m) => m.role === "tool");
      const id = `chatcmpl-${++counter}`;
      let delta: Record<string, unknown>;
      let finish: string;
      if (lastUser >= 0 && lastTool < lastUser) {
        const [, name, args] = TOOL_LINE.exec(textOf(messages[lastUser]!.content))!;
        delta = { role: "assistant", tool_calls: [{ index: 0, id: `call_${counter}`, type: "function", function: { name, arguments: args } }] };
        finish = "tool_calls";
      } else if (lastTool >= 0) {
        const result = textOf(messages[lastTool]!.content);
        seenToolResults.push(result);
        delta = { role: "assistant", content: `RESULT: ${result}` };
        finish = "stop";
      } else {
        delta = { role: "assistant", content: "OK" };
        finish = "stop";
      }
      const chunk = (d: Record<string, unknown>, f: string | null) =>
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: "mock-model", choices: [{ index: 0, delta: d, finish_reason: f }] })}\n\n`;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.write(chunk(delta, null));
      res.write(chunk({}, finish));
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: "mock-model", choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } })}\n\n`);
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    toolResults: () => [...seenToolResults],
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
