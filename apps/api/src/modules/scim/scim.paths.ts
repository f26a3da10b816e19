/** The resource endpoints of Bridle's SCIM service provider, spelled as RFC 7644 §3.2 spells them. */
const ENDPOINTS = ["Users", "Groups", "Schemas", "ResourceTypes", "ServiceProviderConfig"];
const CANONICAL = new Map(ENDPOINTS.map((e) => [e.toLowerCase(), e]));
const SCIM_PATH = /^\/scim\/v2(?=\/|$)/i;

/**
 * The canonical form of a request URL under /scim/v2, for Fastify's `rewriteUrl`: the prefix and
 * the endpoint name in any case (`/scim/v2/users`, `/SCIM/V2/SCHEMAS`) become Bridle's spelling,
 * and a trailing slash before the query (`/Users/?filter=...`) is dropped, because provisioning
 * clients send both (RFC 7644 §3.2 names endpoints, but several IdPs lower-case them). Resource
 * ids and the query string keep their case. Any other URL is returned unchanged, so the rest of
 * the API keeps its case-sensitive, exact routes.
 */
export function canonicalScimUrl(url: string): string {
  if (!SCIM_PATH.test(url)) return url;
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? "" : url.slice(q);
  const [, , , endpoint, ...rest] = path.split("/"); // "", "scim", "v2", endpoint, ...
  const segments = ["", "scim", "v2"];
  if (endpoint !== undefined) segments.push(CANONICAL.get(endpoint.toLowerCase()) ?? endpoint, ...rest);
  let canonical = segments.join("/");
  if (endpoint && canonical.endsWith("/")) canonical = canonical.slice(0, -1);
  return canonical + query;
}
