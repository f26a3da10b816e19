/**
 * The SCIM schemas Bridle serves (RFC 7643 §4 User and Group, §4.3 enterprise extension), reduced
 * to the attributes it stores, with their characteristics (RFC 7643 §2.2). The same definitions
 * drive discovery (`/Schemas`), filter evaluation (caseExact, dateTime) and the canonical spelling
 * of attribute names, which clients may send in any case (RFC 7643 §2.1).
 */

export const URN = {
  user: "urn:ietf:params:scim:schemas:core:2.0:User",
  group: "urn:ietf:params:scim:schemas:core:2.0:Group",
  enterprise: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
  listResponse: "urn:ietf:params:scim:api:messages:2.0:ListResponse",
  patchOp: "urn:ietf:params:scim:api:messages:2.0:PatchOp",
  error: "urn:ietf:params:scim:api:messages:2.0:Error",
  serviceProviderConfig: "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig",
  resourceType: "urn:ietf:params:scim:schemas:core:2.0:ResourceType",
  schema: "urn:ietf:params:scim:schemas:core:2.0:Schema",
} as const;

export type ResourceKind = "User" | "Group";

export type AttrDef = {
  name: string;
  type: "string" | "boolean" | "dateTime" | "reference" | "complex";
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: "readOnly" | "readWrite" | "immutable";
  returned: "always" | "default";
  uniqueness: "none" | "server";
  subAttributes?: AttrDef[];
  canonicalValues?: string[];
  referenceTypes?: string[];
};

const attr = (name: string, type: AttrDef["type"], description: string, over: Partial<AttrDef> = {}): AttrDef => ({
  name,
  type,
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...over,
});

/** A multi-valued reference to another resource: `{ value, $ref, display, type }` (RFC 7643 §2.4). */
const references = (name: string, description: string, to: ResourceKind, over: Partial<AttrDef> = {}) =>
  attr(name, "complex", description, {
    multiValued: true,
    subAttributes: [
      attr("value", "string", `The id of the ${to}`, { caseExact: true, mutability: over.mutability ?? "immutable" }),
      attr("$ref", "reference", `The URI of the ${to}`, { caseExact: true, mutability: over.mutability ?? "immutable", referenceTypes: [to] }),
      attr("display", "string", "A human-readable name", { mutability: "readOnly" }),
      attr("type", "string", "The kind of reference", { mutability: over.mutability ?? "immutable", canonicalValues: [to === "User" ? "User" : "direct"] }),
    ],
    ...over,
  });

export const USER_ATTRS: AttrDef[] = [
  attr("userName", "string", "Unique identifier for the User, typically the sign-in name; unique case-insensitively", {
    required: true,
    uniqueness: "server",
  }),
  attr("name", "complex", "The components of the User's name", {
    subAttributes: [
      attr("formatted", "string", "The full name, formatted for display"),
      attr("familyName", "string", "The family name"),
      attr("givenName", "string", "The given name"),
    ],
  }),
  attr("displayName", "string", "The name of the User, suitable for display"),
  attr("title", "string", "The User's title, such as 'Vice President'"),
  attr("active", "boolean", "Whether the User may sign in and own bots; false deprovisions the person in Bridle"),
  attr("emails", "complex", "Email addresses; the primary (or work) one is the person's email in Bridle", {
    multiValued: true,
    subAttributes: [
      // Bridle refuses a second person with the same email (409 uniqueness), so the server says so.
      attr("value", "string", "The email address; unique case-insensitively across Users", { uniqueness: "server" }),
      attr("display", "string", "A human-readable name"),
      attr("type", "string", "The kind of address", { canonicalValues: ["work", "home", "other"] }),
      attr("primary", "boolean", "Whether this is the primary address"),
    ],
  }),
  references("groups", "The Groups (Bridle teams) the User belongs to; change it through /Groups", "Group", { mutability: "readOnly" }),
];

export const ENTERPRISE_ATTRS: AttrDef[] = [
  attr("department", "string", "The User's department"),
  attr("manager", "complex", "The User's manager; a departing owner's bots are offered to them", {
    subAttributes: [
      attr("value", "string", "The id of the manager's SCIM User", { caseExact: true }),
      attr("$ref", "reference", "The URI of the manager's SCIM User", { caseExact: true, referenceTypes: ["User"] }),
      attr("displayName", "string", "The manager's display name", { mutability: "readOnly" }),
    ],
  }),
];

export const GROUP_ATTRS: AttrDef[] = [
  attr("displayName", "string", "The name of the Group (Bridle team), unique case-insensitively", { required: true, uniqueness: "server" }),
  references("members", "The Users in the Group", "User", { mutability: "readWrite" }),
];

/** Attributes every resource has (RFC 7643 §3.1); not part of any schema's definition. */
export const COMMON_ATTRS: AttrDef[] = [
  attr("id", "string", "The service provider's identifier", { caseExact: true, mutability: "readOnly", returned: "always", uniqueness: "server" }),
  attr("externalId", "string", "The identity provider's identifier", { caseExact: true }),
  attr("meta", "complex", "Resource metadata", {
    mutability: "readOnly",
    subAttributes: [
      attr("resourceType", "string", "The resource type", { caseExact: true, mutability: "readOnly" }),
      attr("created", "dateTime", "When the resource was added", { mutability: "readOnly" }),
      attr("lastModified", "dateTime", "When the resource last changed", { mutability: "readOnly" }),
      attr("location", "reference", "The URI of the resource", { caseExact: true, mutability: "readOnly" }),
      attr("version", "string", "The version of the resource", { caseExact: true, mutability: "readOnly" }),
    ],
  }),
];

/** Schema URN -> its attributes, per resource type: the core schema first, then extensions. */
export const RESOURCE_SCHEMAS: Record<ResourceKind, { urn: string; attrs: AttrDef[] }[]> = {
  User: [
    { urn: URN.user, attrs: USER_ATTRS },
    { urn: URN.enterprise, attrs: ENTERPRISE_ATTRS },
  ],
  Group: [{ urn: URN.group, attrs: GROUP_ATTRS }],
};

const findIn = (defs: readonly AttrDef[] | undefined, name: string) => defs?.find((d) => d.name.toLowerCase() === name.toLowerCase());

/** The extension schema URN that `name` spells (any case), if it is one of `kind`'s extensions. */
export function extensionUrn(kind: ResourceKind, name: string): string | undefined {
  return RESOURCE_SCHEMAS[kind].slice(1).find((s) => s.urn.toLowerCase() === name.toLowerCase())?.urn;
}

/**
 * Splits an attribute path (`name.givenName`, `urn:...:enterprise:2.0:User:manager.value`,
 * `urn:...:core:2.0:User:userName`) into its schema URN (undefined for core) and its names.
 * A core schema prefix is dropped (RFC 7644 §3.10: the core URN is optional). Returns null for an
 * unknown schema URN.
 */
export function splitUrn(kind: ResourceKind, path: string): { urn: string | undefined; rest: string } | null {
  const lower = path.toLowerCase();
  for (const [i, s] of RESOURCE_SCHEMAS[kind].entries()) {
    const u = s.urn.toLowerCase();
    if (lower === u) return { urn: i === 0 ? undefined : s.urn, rest: "" };
    if (lower.startsWith(`${u}:`)) return { urn: i === 0 ? undefined : s.urn, rest: path.slice(u.length + 1) };
  }
  return lower.startsWith("urn:") ? null : { urn: undefined, rest: path };
}

export type ResolvedAttr = { urn: string | undefined; def: AttrDef; sub: AttrDef | undefined };

/**
 * Resolves `attr` or `attr.sub` (any case) in `urn`'s schema, or in the core schema and then the
 * extensions when `urn` is undefined (Entra ID sends `manager` without its URN).
 */
export function resolveAttr(kind: ResourceKind, urn: string | undefined, names: string[]): ResolvedAttr | null {
  const [first, second, ...more] = names;
  if (!first || more.length) return null;
  const candidates = urn
    ? RESOURCE_SCHEMAS[kind].filter((s) => s.urn === urn)
    : [{ urn: undefined as string | undefined, attrs: COMMON_ATTRS }, ...RESOURCE_SCHEMAS[kind].map((s, i) => ({ urn: i === 0 ? undefined : s.urn, attrs: s.attrs }))];
  for (const c of candidates) {
    const def = findIn(c.attrs, first);
    if (!def) continue;
    if (second === undefined) return { urn: c.urn, def, sub: undefined };
    const sub = findIn(def.subAttributes, second);
    return sub ? { urn: c.urn, def, sub } : null;
  }
  return null;
}

/** The spelling a resolved attribute has in a resource: `urn:...:manager.value`, `name.givenName`. */
export const canonicalPath = (r: ResolvedAttr) => `${r.urn ? `${r.urn}:` : ""}${r.def.name}${r.sub ? `.${r.sub.name}` : ""}`;

const stripForDiscovery = (d: AttrDef): Record<string, unknown> => ({
  ...d,
  ...(d.subAttributes ? { subAttributes: d.subAttributes.map(stripForDiscovery) } : {}),
});

/** `/Schemas` resources (RFC 7643 §7). */
export function schemaResources(baseUrl: string) {
  const defs = [
    { id: URN.user, name: "User", description: "User Account (a Bridle person)", attributes: USER_ATTRS },
    { id: URN.group, name: "Group", description: "Group (a Bridle team)", attributes: GROUP_ATTRS },
    { id: URN.enterprise, name: "EnterpriseUser", description: "Enterprise User", attributes: ENTERPRISE_ATTRS },
  ];
  return defs.map((d) => ({
    schemas: [URN.schema],
    id: d.id,
    name: d.name,
    description: d.description,
    attributes: d.attributes.map(stripForDiscovery),
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${d.id}` },
  }));
}

/** `/ResourceTypes` resources (RFC 7643 §6). */
export function resourceTypeResources(baseUrl: string) {
  return [
    {
      schemas: [URN.resourceType],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "People in Bridle",
      schema: URN.user,
      schemaExtensions: [{ schema: URN.enterprise, required: false }],
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [URN.resourceType],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "Teams in Bridle",
      schema: URN.group,
      schemaExtensions: [],
      meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

/** Page size limits: the default when `count` is absent, and the most one page holds. */
export const PAGE = { defaultCount: 100, maxResults: 200 } as const;

/** `/ServiceProviderConfig` (RFC 7643 §5). */
export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [URN.serviceProviderConfig],
    documentationUri: `${baseUrl.replace(/\/scim\/v2$/, "")}/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: PAGE.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A SCIM token created by a Bridle admin (Settings, Identity); send `Authorization: Bearer <token>`",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}
