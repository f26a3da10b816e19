import { ScimError as PatchLibError, scimPatch, type ScimPatchOperation, type ScimResource } from "scim-patch";
import { filter as compile, parse } from "scim2-parse-filter";
import { ScimError, invalidValue, type ScimType } from "./scim.errors.ts";
import { field, isObject, managerIdOf, memberIdsOf, toBool } from "./scim.mapping.ts";
import { URN, extensionUrn, resolveAttr, splitUrn, type ResourceKind } from "./scim.schemas.ts";

/**
 * PATCH (RFC 7644 §3.5.2) as Okta and Entra ID really send it. Operations are first normalized
 * into operations with a canonical path each:
 *  - `op` in any case (Entra ID sends `Add`, `Replace`, `Remove`);
 *  - a `replace`/`add` without `path` whose value is an object becomes one operation per attribute
 *    (Okta's `{ op: "replace", value: { active: false } }`, Entra ID's `"name.givenName": ...` keys,
 *    Okta's group rename that repeats the `id`);
 *  - a value object for a singular complex attribute (`name`, `manager`) becomes one operation per
 *    sub-attribute, so the ones not sent stay (RFC 7644 §3.5.2.1 and §3.5.2.3);
 *  - attribute names in any case; `manager` without its enterprise URN (Entra ID);
 *  - read-only attributes (`id`, `meta`, `groups`) and attributes Bridle does not store are
 *    ignored, so an identity provider's extra mappings do not fail the whole request.
 * User operations are then applied with scim-patch; Group membership is applied here (see
 * planGroupPatch), because Entra ID removes members with `path: "members"` and a list of values.
 */

export type PatchOp = { op: "add" | "remove" | "replace"; path: string; value: unknown };

type RawOp = { op: PatchOp["op"]; path: string | undefined; value: unknown };

/** Reads a PatchOp message (400 invalidSyntax when it is not one). Keys match case-insensitively. */
export function readPatchBody(body: unknown): RawOp[] {
  if (!isObject(body)) throw new ScimError(400, "The body must be a PatchOp message", "invalidSyntax");
  const schemas = field(body, "schemas");
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.some((s) => typeof s === "string" && s.toLowerCase() === URN.patchOp.toLowerCase())))
    throw new ScimError(400, `schemas must contain ${URN.patchOp}`, "invalidSyntax");
  const ops = field(body, "Operations");
  if (!Array.isArray(ops) || ops.length === 0) throw new ScimError(400, "Operations must be a non-empty list", "invalidSyntax");
  return ops.map((o, i) => {
    if (!isObject(o)) throw new ScimError(400, `Operations[${i}] must be an object`, "invalidSyntax");
    const op = field(o, "op");
    const name = typeof op === "string" ? op.trim().toLowerCase() : "";
    if (name !== "add" && name !== "remove" && name !== "replace")
      throw new ScimError(400, `Operations[${i}].op must be add, remove or replace`, "invalidSyntax");
    const path = field(o, "path");
    if (path !== undefined && path !== null && typeof path !== "string") throw new ScimError(400, `Operations[${i}].path must be a string`, "invalidPath");
    const p = typeof path === "string" && path.trim() ? path.trim() : undefined;
    // RFC 7644 §3.5.2.2: a remove without a path fails with noTarget.
    if (name === "remove" && !p) throw new ScimError(400, `Operations[${i}]: remove needs a path`, "noTarget");
    const value = field(o, "value");
    if (name !== "remove" && value === undefined) throw new ScimError(400, `Operations[${i}]: ${name} needs a value`, "invalidValue");
    return { op: name, path: p, value };
  });
}

type ParsedPath = { attr: string; urn: string | undefined; filter: string | undefined; sub: string | undefined };

/** `[urn:]attr[ "[" filter "]" ][.sub]` in canonical spelling, or null when Bridle does not know the attribute. */
function parsePath(kind: ResourceKind, raw: string): ParsedPath | "extension" | null {
  const split = splitUrn(kind, raw);
  if (!split) return null;
  if (split.rest === "") return split.urn ? "extension" : null;
  const m = /^([A-Za-z$][\w$-]*)(?:\[(.+)\])?(?:\.([A-Za-z$][\w$-]*))?$/.exec(split.rest);
  if (!m) throw new ScimError(400, `Invalid path ${raw}`, "invalidPath");
  const [, attr, filter, sub] = m;
  const r = resolveAttr(kind, split.urn, sub ? [attr!, sub] : [attr!]);
  if (!r || r.def.mutability === "readOnly" || r.sub?.mutability === "readOnly") return null;
  return { attr: r.def.name, urn: r.urn, filter, sub: r.sub?.name };
}

const pathString = (p: ParsedPath) => `${p.urn ? `${p.urn}:` : ""}${p.attr}${p.filter ? `[${p.filter}]` : ""}${p.sub ? `.${p.sub}` : ""}`;

function expandOne(kind: ResourceKind, op: PatchOp["op"], rawPath: string, value: unknown): PatchOp[] {
  const parsed = parsePath(kind, rawPath);
  if (parsed === null) return [];
  if (parsed === "extension") {
    const urn = extensionUrn(kind, splitUrn(kind, rawPath)!.urn!)!;
    if (op === "remove") return ["department", "manager"].flatMap((a) => expandOne(kind, op, `${urn}:${a}`, undefined));
    if (!isObject(value)) throw invalidValue(`The value for ${urn} must be an object`);
    return Object.entries(value).flatMap(([k, v]) => expandOne(kind, op, `${urn}:${k}`, v));
  }
  const path = pathString(parsed);
  const def = resolveAttr(kind, parsed.urn, [parsed.attr])!.def;
  if (parsed.attr === "manager" && parsed.urn === URN.enterprise && !parsed.sub) {
    const id = op === "remove" ? null : managerIdOf(value);
    return id ? [{ op: "replace", path: `${path}.value`, value: id }] : [{ op: "remove", path, value: undefined }];
  }
  if (def.type === "complex" && !def.multiValued && !parsed.sub && op !== "remove") {
    if (!isObject(value)) throw invalidValue(`The value for ${path} must be an object`);
    return Object.entries(value).flatMap(([k, v]) => expandOne(kind, op, `${path}.${k}`, v));
  }
  if (parsed.attr === "active") return [{ op, path, value: op === "remove" ? undefined : toBool(value, "active") }];
  return [{ op, path, value }];
}

/** Normalizes operations as described at the top of this file. */
export function expandOps(kind: ResourceKind, ops: RawOp[]): PatchOp[] {
  return ops.flatMap((o) => {
    if (o.path) return expandOne(kind, o.op, o.path, o.value);
    if (!isObject(o.value)) throw invalidValue(`${o.op} without a path needs an object value`);
    return Object.entries(o.value).flatMap(([k, v]) => expandOne(kind, o.op, k, v));
  });
}

/** Applies normalized User operations to a SCIM User document with scim-patch. */
export function applyUserOps<T extends Record<string, unknown>>(doc: T, ops: PatchOp[]): T {
  let out = structuredClone(doc);
  for (const o of ops) {
    // RFC 7644 §3.5.2.3: replacing with null, or removing, unassigns the attribute.
    const op: ScimPatchOperation = o.op === "remove" || o.value === null ? { op: "remove", path: o.path } : { op: o.op, path: o.path, value: o.value };
    try {
      out = scimPatch(out as unknown as ScimResource, [op], { mutateDocument: true, treatMissingAsAdd: true }) as unknown as T;
    } catch (e) {
      if (e instanceof PatchLibError) throw new ScimError(400, e.message || "The operation cannot be applied", (e.scimCode as ScimType | undefined) ?? "invalidValue");
      throw e;
    }
  }
  return out;
}

export type GroupState = { displayName: string; externalId: string | null; members: string[] };

/** Members matching a `members[...]` filter (its attributes relative to a member: `value`, `display`). */
function matching(members: string[], filter: string): string[] {
  let test: (m: unknown) => boolean;
  try {
    test = compile(parse(filter));
  } catch (e) {
    throw new ScimError(400, `Invalid filter in path: ${(e as Error).message}`, "invalidPath");
  }
  return members.filter((id) => test({ value: id }));
}

/**
 * Applies normalized Group operations to a group's state: displayName, externalId and members
 * (`add` joins, `replace` sets, `remove` with a filter or a list of values removes only those,
 * `remove` of `members` alone removes everyone).
 */
export function planGroupPatch(current: GroupState, ops: PatchOp[]): GroupState {
  const next = { ...current, members: [...current.members] };
  for (const o of ops) {
    const [, attr, filter, sub] = /^(\w+)(?:\[(.+)\])?(?:\.(\w+))?$/.exec(o.path) ?? [];
    if (attr === "displayName") {
      if (o.op === "remove" || typeof o.value !== "string" || !o.value.trim()) throw invalidValue("displayName is required and must be a string");
      next.displayName = o.value.trim();
    } else if (attr === "externalId") {
      if (o.op !== "remove" && o.value !== null && typeof o.value !== "string") throw invalidValue("externalId must be a string");
      next.externalId = o.op === "remove" || !o.value ? null : (o.value as string).trim();
    } else if (attr === "members") {
      if (sub) throw new ScimError(400, `Bridle cannot ${o.op} ${o.path}; change members as a whole`, "invalidPath");
      const values = memberIdsOf(o.value);
      if (filter) {
        if (o.op === "add") throw new ScimError(400, "add cannot target a filtered path", "invalidPath");
        const hit = new Set(matching(next.members, filter));
        next.members = next.members.filter((m) => !hit.has(m));
        if (o.op === "replace") next.members.push(...values);
      } else if (o.op === "add") next.members.push(...values);
      else if (o.op === "replace") next.members = values;
      else if (o.value === undefined || o.value === null) next.members = [];
      else {
        const gone = new Set(values);
        next.members = next.members.filter((m) => !gone.has(m));
      }
    }
  }
  next.members = [...new Set(next.members)];
  return next;
}
