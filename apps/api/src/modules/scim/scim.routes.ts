import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ScimError, ZScimError } from "./scim.errors.ts";
import { listResponse, type ListQuery, type ScimCtx } from "./scim.list.ts";
import { URN, resourceTypeResources, schemaResources, serviceProviderConfig } from "./scim.schemas.ts";
import type { ScimGroupsService } from "./scim-groups.service.ts";
import type { ScimClient } from "./scim-tokens.service.ts";
import type { ScimUsersService } from "./scim-users.service.ts";

/**
 * The SCIM 2.0 endpoints (RFC 7644 §3.2): /Users, /Groups, and discovery (/ServiceProviderConfig,
 * /ResourceTypes, /Schemas, RFC 7644 §4). Bodies are checked loosely here (SCIM attribute names
 * are case-insensitive and identity providers send nulls and string booleans); the services read
 * them. Every error answers in the SCIM error shape (scim.errors.ts).
 */

const str = z.string().nullish();
const bool = z.union([z.boolean(), z.string()]).nullish();
const ref = z.looseObject({ value: z.string().optional(), $ref: z.string().nullish(), display: z.string().optional() });

const ZScimUser = z
  .looseObject({
    schemas: z.array(z.string()).optional(),
    id: z.string().optional(),
    externalId: str,
    userName: str.describe("Required on create and replace; unique case-insensitively"),
    name: z.looseObject({ formatted: str, givenName: str, familyName: str }).nullish(),
    displayName: str,
    title: str,
    active: bool.describe("false deprovisions the person (sessions end, tokens revoked, bots flagged); Entra ID's \"False\" is accepted"),
    emails: z.array(z.looseObject({ value: str, type: str, primary: bool, display: str })).nullish(),
    groups: z.array(ref).optional().describe("Read-only: the person's teams"),
    [URN.enterprise]: z
      .looseObject({ department: str, manager: z.unknown().optional().describe("{ value: the manager's SCIM User id }") })
      .nullish(),
    meta: z.unknown().optional(),
  })
  .describe("A SCIM User (RFC 7643 §4.1, with the enterprise extension §4.3); attribute names in any case")
  .meta({ id: "ScimUser" });

const ZScimGroup = z
  .looseObject({
    schemas: z.array(z.string()).optional(),
    id: z.string().optional(),
    externalId: str,
    displayName: z.string().optional().describe("Required on create and replace; unique case-insensitively"),
    members: z.array(ref).nullish(),
    meta: z.unknown().optional(),
  })
  .describe("A SCIM Group (RFC 7643 §4.2): a Bridle team")
  .meta({ id: "ScimGroup" });

// Operations are read by scim.patch.ts, which tells a malformed message (invalidSyntax) from a bad value.
const ZScimPatch = z
  .looseObject({
    schemas: z.array(z.string()).optional(),
    Operations: z.unknown().optional().describe("[{ op: add | remove | replace (any case), path?, value? }]"),
  })
  .describe("A PatchOp message (RFC 7644 §3.5.2), as Okta and Entra ID send it")
  .meta({ id: "ScimPatchOp" });

const ZListResponse = z
  .object({
    schemas: z.array(z.string()),
    totalResults: z.number().int(),
    startIndex: z.number().int(),
    itemsPerPage: z.number().int(),
    Resources: z.array(z.looseObject({})),
  })
  .meta({ id: "ScimListResponse" });

const ZListQuery = z.object({
  filter: z.string().max(4000).optional().describe("A SCIM filter (RFC 7644 §3.4.2.2), e.g. `userName eq \"ada@example.com\"`"),
  startIndex: z.string().optional().describe("1-based index of the first result"),
  count: z.string().optional().describe("Results per page (at most 200); 0 answers the total only"),
  attributes: z.string().optional().describe("Comma-separated attributes to return"),
  excludedAttributes: z.string().optional().describe("Comma-separated attributes to leave out, e.g. `members`"),
});
const ZProjectionQuery = ZListQuery.pick({ attributes: true, excludedAttributes: true });
const ZId = z.object({ id: z.string().min(1).max(200) });

const errors = { 400: ZScimError, 401: ZScimError, 403: ZScimError, 404: ZScimError, 409: ZScimError };
/** Media types for OpenAPI: SCIM's own (RFC 7644 §3.1) and plain JSON are read; SCIM's is answered. */
const produces = ["application/scim+json"];
const consumes = ["application/scim+json", "application/json"];

type Resources = Pick<ScimUsersService, "get" | "list" | "create" | "replace" | "remove"> & {
  patch: (client: ScimClient, id: string, body: unknown, q: ListQuery, ctx: ScimCtx) => Promise<Record<string, unknown> | null>;
};

export type ScimRouteDeps = { users: ScimUsersService; groups: ScimGroupsService; prefix: string };

export function scimResourceRoutes(deps: ScimRouteDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const ctx = (request: FastifyRequest): ScimCtx => ({ requestId: request.id, baseUrl: `${request.protocol}://${request.host}${deps.prefix}` });
    const client = (request: FastifyRequest) => {
      const c = request.getDecorator<ScimClient | null>("scimClient");
      if (!c) throw new ScimError(401, "Not authenticated");
      return c;
    };

    const resource = (kind: "User" | "Group", path: string, svc: Resources, body: typeof ZScimUser | typeof ZScimGroup) => {
      const tags = ["scim"];
      r.get(
        path,
        {
          schema: {
            operationId: `scimList${kind}s`,
            tags,
            produces,
            summary: `List or filter ${kind}s (RFC 7644 §3.4.2); a filter matching nothing answers an empty list`,
            querystring: ZListQuery,
            response: { 200: ZListResponse, ...errors },
          },
        },
        async (request) => svc.list(request.query, ctx(request)),
      );
      r.get(
        `${path}/:id`,
        {
          schema: {
            operationId: `scimGet${kind}`,
            tags,
            produces,
            summary: `One ${kind} by id`,
            params: ZId,
            querystring: ZProjectionQuery,
            response: { 200: body, ...errors },
          },
        },
        async (request) => svc.get(request.params.id, request.query, ctx(request)),
      );
      r.post(
        path,
        {
          schema: { operationId: `scimCreate${kind}`, tags, consumes, produces, summary: `Create a ${kind} (409 uniqueness when it exists)`, body, response: { 201: body, ...errors } },
        },
        async (request, reply) => {
          const created = await svc.create(client(request), request.body, ctx(request));
          // RFC 7644 §3.3: the new resource's URI in Location and in meta.location.
          const location = (created.meta as { location?: string } | undefined)?.location;
          if (location) reply.header("location", location);
          return reply.code(201).send(created);
        },
      );
      r.put(
        `${path}/:id`,
        {
          schema: { operationId: `scimReplace${kind}`, tags, consumes, produces, summary: `Replace a ${kind} (RFC 7644 §3.5.1)`, params: ZId, body, response: { 200: body, ...errors } },
        },
        async (request) => svc.replace(client(request), request.params.id, request.body, ctx(request)),
      );
      r.patch(
        `${path}/:id`,
        {
          schema: {
            operationId: `scimPatch${kind}`,
            tags,
            consumes,
            produces,
            summary: `Modify a ${kind} (RFC 7644 §3.5.2)${kind === "Group" ? "; 204 unless attributes are asked for" : ""}`,
            params: ZId,
            querystring: ZProjectionQuery,
            body: ZScimPatch,
            response: { 200: body, 204: z.null(), ...errors },
          },
        },
        async (request, reply) => {
          const out = await svc.patch(client(request), request.params.id, request.body, request.query, ctx(request));
          return out ? out : reply.code(204).send(null);
        },
      );
      r.delete(
        `${path}/:id`,
        {
          schema: { operationId: `scimDelete${kind}`, tags, produces, summary: `Delete a ${kind}`, params: ZId, response: { 204: z.null(), ...errors } },
        },
        async (request, reply) => {
          await svc.remove(client(request), request.params.id, ctx(request));
          return reply.code(204).send(null);
        },
      );
    };
    resource("User", "/Users", deps.users, ZScimUser);
    resource("Group", "/Groups", deps.groups, ZScimGroup);

    const discovery = z.looseObject({});
    const tags = ["scim"];
    const all = { startIndex: 1, count: 100 };
    r.get(
      "/ServiceProviderConfig",
      { schema: { operationId: "scimServiceProviderConfig", tags, produces, summary: "What this SCIM service supports (RFC 7643 §5)", response: { 200: discovery, 401: ZScimError, 403: ZScimError } } },
      async (request) => serviceProviderConfig(ctx(request).baseUrl),
    );
    r.get(
      "/ResourceTypes",
      { schema: { operationId: "scimResourceTypes", tags, produces, summary: "User and Group (RFC 7643 §6)", response: { 200: ZListResponse, 401: ZScimError, 403: ZScimError } } },
      async (request) => {
        const items = resourceTypeResources(ctx(request).baseUrl);
        return listResponse(items.length, all, items);
      },
    );
    r.get(
      "/ResourceTypes/:id",
      { schema: { operationId: "scimResourceType", tags, produces, summary: "One resource type", params: ZId, response: { 200: discovery, 401: ZScimError, 403: ZScimError, 404: ZScimError } } },
      async (request) => {
        const found = resourceTypeResources(ctx(request).baseUrl).find((t) => t.id === request.params.id);
        if (!found) throw new ScimError(404, `ResourceType ${request.params.id} not found`);
        return found;
      },
    );
    r.get(
      "/Schemas",
      { schema: { operationId: "scimSchemas", tags, produces, summary: "The User, Group and enterprise User schemas as served (RFC 7643 §7)", response: { 200: ZListResponse, 401: ZScimError, 403: ZScimError } } },
      async (request) => {
        const items = schemaResources(ctx(request).baseUrl);
        return listResponse(items.length, all, items);
      },
    );
    r.get(
      "/Schemas/:id",
      { schema: { operationId: "scimSchema", tags, produces, summary: "One schema by URN", params: ZId, response: { 200: discovery, 401: ZScimError, 403: ZScimError, 404: ZScimError } } },
      async (request) => {
        const found = schemaResources(ctx(request).baseUrl).find((s) => s.id.toLowerCase() === request.params.id.toLowerCase());
        if (!found) throw new ScimError(404, `Schema ${request.params.id} not found`);
        return found;
      },
    );
  };
}
