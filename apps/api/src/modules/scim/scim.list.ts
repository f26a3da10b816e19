import { URN } from "./scim.schemas.ts";
import type { Paging } from "./scim.filter.ts";

/** Query parameters of a SCIM list (RFC 7644 §3.4.2): all strings, parsed by the services. */
export type ListQuery = {
  filter?: string | undefined;
  startIndex?: string | undefined;
  count?: string | undefined;
  attributes?: string | undefined;
  excludedAttributes?: string | undefined;
};

/** What every SCIM service call needs to know about its request. */
export type ScimCtx = { requestId: string; baseUrl: string };

/**
 * A ListResponse (RFC 7644 §3.4.2): `totalResults`, `startIndex` and `itemsPerPage` are numbers
 * (Okta rejects strings). With `count=0` only the total is answered (RFC 7644 §3.4.2.4).
 */
export function listResponse(totalResults: number, paging: Paging, resources: Record<string, unknown>[]) {
  return {
    schemas: [URN.listResponse],
    totalResults,
    startIndex: paging.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
