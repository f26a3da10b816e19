/** A cost in US dollars as a person reads it: cents for small amounts, 4 decimals under a cent. */
export function formatCost(usd: number): string {
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** A token count, grouped (12,345). */
export const formatTokens = (n: number): string => n.toLocaleString("en-US");

/** Past this many characters a tool call's parameters are cut; the audit event has them whole. */
export const PARAMS_SHOWN = 400;

/**
 * What a tool call ran, as the runtime reported it and Bridle stored it (secrets already redacted):
 * the command when the tool has one (exec and the other process tools), else its parameters as
 * JSON; cut at PARAMS_SHOWN characters (never inside one) with "…". Null for other actions and
 * for a call reported without parameters.
 */
export function toolParams(action: string, details: Record<string, unknown>): string | null {
  if (action !== "runtime.tool_call") return null;
  const params = details.params;
  if (params === undefined || params === null) return null;
  const command = typeof params === "object" && !Array.isArray(params) ? (params as Record<string, unknown>).command : undefined;
  const text = typeof command === "string" ? command : JSON.stringify(params);
  if (text.length <= PARAMS_SHOWN) return text; // no more characters than UTF-16 units
  const chars = Array.from(text.slice(0, 2 * PARAMS_SHOWN + 2)); // enough to see a character past PARAMS_SHOWN
  return chars.length > PARAMS_SHOWN ? `${chars.slice(0, PARAMS_SHOWN - 1).join("")}…` : text;
}
