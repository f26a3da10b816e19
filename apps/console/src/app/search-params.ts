/**
 * Plain `?key=value` search params instead of the router's JSON encoding, so filter links read
 * naturally (`/bots?finding=golden_rule&hasFindings=true`) and every value reaches
 * `validateSearch` as a string.
 */
export function parseSearch(searchStr: string): Record<string, string> {
  const params = new URLSearchParams(searchStr.startsWith("?") ? searchStr.slice(1) : searchStr);
  const result: Record<string, string> = {};
  for (const [key, value] of params) result[key] = value;
  return result;
}

export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, typeof value === "string" ? value : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
