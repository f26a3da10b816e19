import { filter as compile, parse, type Filter } from "scim2-parse-filter";
import { ScimError, invalidValue } from "./scim.errors.ts";
import { COMMON_ATTRS, PAGE, RESOURCE_SCHEMAS, canonicalPath, resolveAttr, splitUrn, type AttrDef, type ResourceKind } from "./scim.schemas.ts";

/**
 * Filtering (RFC 7644 §3.4.2.2), projection (§3.4.2.5) and paging (§3.4.2.4).
 *
 * Filters are parsed by scim2-parse-filter and evaluated by its `filter()`. The library compares
 * values exactly, so before evaluating, the filter and each resource are normalized the same way
 * from the attribute definitions: strings of attributes with caseExact=false are lowercased
 * (userName, emails, displayName...: RFC 7643 §2.2), dateTimes become epoch milliseconds, and a
 * filter on a multi-valued or complex attribute without a sub-attribute compares its `value`
 * (`members eq "id"`, `emails co "@acme"`, RFC 7644 §3.4.2.2).
 */

export type ScimFilter = { ast: Filter; test: (resource: Record<string, unknown>) => boolean };

/** A lookup the database can answer: `userName eq "x"` and friends, which identity providers send constantly. */
export type EqLookup = { attr: "id" | "userName" | "externalId" | "displayName"; value: string };

/** Resolves a filter attribute path relative to `parent` (inside `emails[...]`) or to the resource. */
function resolveDef(kind: ResourceKind, parent: AttrDef | undefined, attrPath: string): { path: string; def: AttrDef | undefined } {
  if (parent) {
    const sub = parent.subAttributes?.find((s) => s.name.toLowerCase() === attrPath.toLowerCase());
    return { path: sub?.name ?? attrPath, def: sub };
  }
  const split = splitUrn(kind, attrPath);
  const r = split ? resolveAttr(kind, split.urn, split.rest.split(".")) : null;
  return r ? { path: canonicalPath(r), def: r.sub ?? r.def } : { path: attrPath, def: undefined };
}

/** Like resolveDef, but a complex attribute compared as a whole compares its `value` sub-attribute. */
function resolveCompared(kind: ResourceKind, parent: AttrDef | undefined, attrPath: string): { path: string; def: AttrDef | undefined } {
  const r = resolveDef(kind, parent, attrPath);
  const value = r.def?.type === "complex" ? r.def.subAttributes?.find((s) => s.name === "value") : undefined;
  return value ? { path: `${r.path}.value`, def: value } : r;
}

function normalizeValue(def: AttrDef | undefined, v: string | number | boolean | null): string | number | boolean | null {
  if (!def || typeof v !== "string") return v;
  if (def.type === "dateTime") {
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new ScimError(400, `"${v}" is not a dateTime`, "invalidFilter");
    return t;
  }
  return def.type === "string" && !def.caseExact ? v.toLowerCase() : v;
}

function normalize(kind: ResourceKind, f: Filter, parent: AttrDef | undefined): Filter {
  switch (f.op) {
    case "and":
    case "or":
      return { ...f, filters: f.filters.map((c) => normalize(kind, c, parent)) };
    case "not":
      return { ...f, filter: normalize(kind, f.filter, parent) };
    case "[]": {
      const { path, def } = resolveDef(kind, parent, f.attrPath);
      return { ...f, attrPath: path, valFilter: normalize(kind, f.valFilter, def) };
    }
    case "pr":
      return { ...f, attrPath: resolveCompared(kind, parent, f.attrPath).path };
    default: {
      const { path, def } = resolveCompared(kind, parent, f.attrPath);
      if ((f.op === "gt" || f.op === "ge" || f.op === "lt" || f.op === "le") && def?.type === "boolean")
        throw new ScimError(400, `${f.op} cannot compare the boolean attribute ${f.attrPath}`, "invalidFilter");
      return { ...f, attrPath: path, compValue: normalizeValue(def, f.compValue) };
    }
  }
}

/** A copy of `value` in the form normalized filters compare against (see the module comment). */
function view(defs: readonly AttrDef[] | undefined, value: unknown, def?: AttrDef): unknown {
  if (Array.isArray(value)) return value.map((v) => view(defs, v, def));
  if (def && def.type !== "complex") {
    if (typeof value !== "string") return value;
    if (def.type === "dateTime") return Date.parse(value);
    return def.type === "string" && !def.caseExact ? value.toLowerCase() : value;
  }
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const d = defs?.find((x) => x.name.toLowerCase() === k.toLowerCase());
    out[k] = d ? view(d.subAttributes, v, d) : v;
  }
  return out;
}

/** The attributes at the top of a `kind` resource; each extension is a complex attribute named by its URN. */
const topLevelDefs = (kind: ResourceKind): AttrDef[] => [
  ...COMMON_ATTRS,
  ...RESOURCE_SCHEMAS[kind][0]!.attrs,
  ...RESOURCE_SCHEMAS[kind].slice(1).map(
    (s): AttrDef => ({ ...s.attrs[0]!, name: s.urn, type: "complex", multiValued: false, caseExact: false, subAttributes: s.attrs }),
  ),
];

/**
 * Parses `filter` (400 invalidFilter when it is not a SCIM filter) into a predicate over SCIM
 * resources of `kind`. Attributes Bridle does not know match nothing.
 */
export function parseFilter(kind: ResourceKind, filter: string): ScimFilter {
  let ast: Filter;
  try {
    ast = parse(filter);
  } catch (e) {
    throw new ScimError(400, `Invalid filter: ${(e as Error).message}`, "invalidFilter");
  }
  const normalized = normalize(kind, ast, undefined);
  const predicate = compile(normalized);
  const defs = topLevelDefs(kind);
  return { ast: normalized, test: (resource) => predicate(view(defs, resource)) };
}

/** The database lookup that narrows `f` without changing its result: one `eq` at its top, or in a top `and`. */
export function eqLookup(f: ScimFilter): EqLookup | null {
  const pick = (n: Filter): EqLookup | null =>
    n.op === "eq" && typeof n.compValue === "string" && ["id", "userName", "externalId", "displayName"].includes(n.attrPath)
      ? { attr: n.attrPath as EqLookup["attr"], value: n.compValue }
      : null;
  if (f.ast.op === "and") {
    for (const c of f.ast.filters) {
      const hit = pick(c);
      if (hit) return hit;
    }
    return null;
  }
  return pick(f.ast);
}

/** Whether the filter mentions the attribute (any case), so its values must be loaded to evaluate it. */
export function mentions(f: ScimFilter, attr: string): boolean {
  const walk = (n: Filter): boolean => {
    switch (n.op) {
      case "and":
      case "or":
        return n.filters.some(walk);
      case "not":
        return walk(n.filter);
      default:
        return n.attrPath.toLowerCase().split(/[.:]/).includes(attr.toLowerCase());
    }
  };
  return walk(f.ast);
}

export type Paging = { startIndex: number; count: number };

function intParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw invalidValue(`${name} must be an integer`);
  return Number(raw);
}

/** `startIndex` is 1-based, below 1 means 1; a negative `count` means 0 (RFC 7644 §3.4.2.4). */
export function parsePaging(q: { startIndex?: string | undefined; count?: string | undefined }): Paging {
  const startIndex = Math.max(1, intParam("startIndex", q.startIndex) ?? 1);
  const count = Math.min(PAGE.maxResults, Math.max(0, intParam("count", q.count) ?? PAGE.defaultCount));
  return { startIndex, count };
}

export type Projection = { attributes: string[][] | null; excluded: string[][] };

/** Splits `attributes` / `excludedAttributes` (comma-separated paths) into lowercased name lists. */
export function parseProjection(kind: ResourceKind, q: { attributes?: string | undefined; excludedAttributes?: string | undefined }): Projection {
  const list = (raw: string | undefined) =>
    (raw ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((p) => {
        const split = splitUrn(kind, p);
        if (!split) return [p.toLowerCase()];
        const names = split.rest ? split.rest.toLowerCase().split(".") : [];
        return split.urn ? [split.urn.toLowerCase(), ...names] : names;
      })
      .filter((p) => p.length > 0);
  const attributes = list(q.attributes);
  return { attributes: attributes.length ? attributes : null, excluded: list(q.excludedAttributes) };
}

const ALWAYS = new Set(["id", "schemas"]);

/**
 * Applies `attributes` (only these, plus `id` and `schemas`, which are always returned) or
 * `excludedAttributes` (all but these) to a resource (RFC 7644 §3.4.2.5).
 */
export function project(resource: Record<string, unknown>, p: Projection): Record<string, unknown> {
  const pick = (obj: Record<string, unknown>, paths: string[][], top: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const key = k.toLowerCase();
      if (top && ALWAYS.has(key)) {
        out[k] = v;
        continue;
      }
      const hits = paths.filter((path) => path[0] === key);
      if (!hits.length) continue;
      const deeper = hits.filter((h) => h.length > 1).map((h) => h.slice(1));
      if (deeper.length < hits.length || typeof v !== "object" || v === null) out[k] = v;
      else if (Array.isArray(v)) out[k] = v.map((item) => (typeof item === "object" && item !== null ? pick(item as Record<string, unknown>, deeper, false) : item));
      else out[k] = pick(v as Record<string, unknown>, deeper, false);
    }
    return out;
  };
  const drop = (obj: Record<string, unknown>, paths: string[][], top: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const key = k.toLowerCase();
      const hits = paths.filter((path) => path[0] === key);
      if (hits.some((h) => h.length === 1) && !(top && ALWAYS.has(key))) continue;
      const deeper = hits.map((h) => h.slice(1));
      if (!deeper.length || typeof v !== "object" || v === null) out[k] = v;
      else if (Array.isArray(v)) out[k] = v.map((item) => (typeof item === "object" && item !== null ? drop(item as Record<string, unknown>, deeper, false) : item));
      else out[k] = drop(v as Record<string, unknown>, deeper, false);
    }
    return out;
  };
  if (p.attributes) return pick(resource, p.attributes, true);
  return p.excluded.length ? drop(resource, p.excluded, true) : resource;
}

/** Whether a projection leaves `attr` (a top-level attribute) out, so it need not be loaded. */
export function leavesOut(p: Projection, attr: string): boolean {
  const a = attr.toLowerCase();
  if (p.attributes) return !p.attributes.some((path) => path[0] === a);
  return p.excluded.some((path) => path.length === 1 && path[0] === a);
}
