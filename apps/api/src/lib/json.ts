import { configure } from "safe-stable-stringify";

/** A canonical array index ("0", "7", "4294967294"): JS objects list these keys first, in numeric order. */
const isArrayIndex = (k: string) => {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;
};

/**
 * The key order of `stableJson`: array-index keys first in numeric order (where a JS object puts
 * them), then the others by UTF-16 code units. This is the order the first implementation
 * (`JSON.stringify` of objects rebuilt from sorted entries) wrote, and hashes made with it are
 * stored (a decision's `paramsHash` binds an approval), so it must not change.
 */
function keyOrder(a: string, b: string): number {
  const ia = isArrayIndex(a);
  const ib = isArrayIndex(b);
  if (ia && ib) return Number(a) - Number(b);
  if (ia !== ib) return ia ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const sorted = configure({ deterministic: keyOrder, bigint: false, circularValue: TypeError });

/**
 * JSON with object keys sorted (array-index keys first, numerically; then the rest by UTF-16 code
 * units), otherwise exactly `JSON.stringify` for JSON values: for comparing values that went
 * through jsonb (which reorders keys) and for hashing a value canonically (a decision's
 * `paramsHash`). Undefined for `undefined`. @throws TypeError on a circular value
 */
export function stableJson(v: unknown): string {
  return sorted(v) as string;
}
