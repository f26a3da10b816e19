/** A cost in US dollars as a person reads it: cents for small amounts, 4 decimals under a cent. */
export function formatCost(usd: number): string {
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** A token count, grouped (12,345). */
export const formatTokens = (n: number): string => n.toLocaleString("en-US");
