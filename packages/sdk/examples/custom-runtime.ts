/**
 * The whole loop for an agent runtime that is not OpenClaw: ask Bridle, wait for a human when it
 * says so, run only what was allowed, report what happened. Run it:
 *   BRIDLE_URL=http://127.0.0.1:3000 BRIDLE_BOT_TOKEN=brdl_bot_... tsx examples/custom-runtime.ts "touch /tmp/x"
 * Prints one JSON line: the verdict, the command's exit code (null when it did not run), event stats.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { createBridleClient, createEventReporter } from "@bridle/sdk";

const baseUrl = process.env.BRIDLE_URL ?? "http://127.0.0.1:3000";
const token = process.env.BRIDLE_BOT_TOKEN ?? "";
const command = process.argv[2] ?? "echo hello";
const bridle = createBridleClient({ baseUrl, token }); // fails closed when Bridle is unreachable
const events = createEventReporter({ baseUrl, token });
const sessionId = process.env.SESSION_ID ?? `custom-${randomUUID()}`;
const now = () => new Date().toISOString();

events.report({ type: "session_start", sessionId, time: now(), agent: "custom-runtime" });
const requestId = randomUUID(); // a retry with the same id is idempotent; an approval is bound to it
const verdict = await bridle.decideAndWait(
  { action: "shell.exec", params: { command }, sessionId, requestId },
  { waitMs: Number(process.env.APPROVAL_WAIT_MS ?? 60_000), onPending: (id) => console.error(`waiting for approval ${id}`) },
);

let exitCode: number | null = null;
if (verdict.decision === "allow") {
  events.report({ type: "tool_call", sessionId, time: now(), tool: "sh", action: "shell.exec", decisionRequestId: requestId, params: { command }, toolCallId: requestId });
  const started = Date.now();
  try {
    await promisify(execFile)("sh", ["-c", command]);
    exitCode = 0;
  } catch (e) {
    exitCode = typeof (e as { code?: unknown }).code === "number" ? (e as { code: number }).code : 1;
  }
  events.report({ type: "tool_result", sessionId, time: now(), tool: "sh", ok: exitCode === 0, durationMs: Date.now() - started, toolCallId: requestId });
} else {
  console.error(`blocked: ${verdict.reasons.map((r) => `${r.message} (${r.code})`).join("; ")}`);
}
events.report({ type: "session_end", sessionId, time: now(), reason: "done" });
const stats = await events.close(); // flushes; what could not be sent is counted in `dropped`

console.log(JSON.stringify({ decision: verdict.decision, reasons: verdict.reasons.map((r) => r.code), exitCode, sessionId, events: stats }));
