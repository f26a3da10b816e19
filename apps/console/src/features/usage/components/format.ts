/** Dollars as the console shows them: "$1,234.50"; under a cent, "$0.0042". */
export function usd(v: number): string {
  if (v !== 0 && Math.abs(v) < 0.01) return `$${v.toFixed(4)}`;
  return `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Large counts shortened: 1,234 -> "1.2k", 3,400,000 -> "3.4M". */
export function compact(v: number): string {
  return v.toLocaleString("en-US", { notation: "compact", maximumFractionDigits: 1 });
}
