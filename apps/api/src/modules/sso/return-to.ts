const BASE = "http://bridle.invalid";

const hasControlChars = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * Where to send the browser after sign-in: only a path on Bridle itself. Anything else (a scheme,
 * `//host`, a backslash, which browsers read as `/`, or control characters, which they drop) falls
 * back to `/`, so `returnTo` can never become an open redirect.
 */
export function safeReturnTo(raw: unknown): string {
  if (typeof raw !== "string" || raw.length > 2000 || !raw.startsWith("/")) return "/";
  if (raw.startsWith("//") || raw.includes("\\") || hasControlChars(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
