import { isUuid, toIso } from "../../lib/sql.ts";
import { invalidValue } from "./scim.errors.ts";
import type { directory } from "../people/index.ts";

type PersonRow = directory.PersonRow;
type TeamRow = directory.TeamRow;
import { URN } from "./scim.schemas.ts";

/**
 * Bridle rows <-> SCIM resources (RFC 7643 §4.1 User, §4.2 Group, §4.3 enterprise User).
 * Unassigned attributes are left out rather than sent as null (RFC 7643 §2.5).
 */

export type Email = { value: string; type?: string; primary?: boolean; display?: string };

/** What a SCIM User says about a person; `undefined` = not sent, `null` = cleared. */
export type UserInput = {
  userName: string | undefined;
  externalId: string | null | undefined;
  displayName: string | null | undefined;
  formatted: string | null | undefined;
  givenName: string | null | undefined;
  familyName: string | null | undefined;
  title: string | null | undefined;
  department: string | null | undefined;
  emails: Email[] | null | undefined;
  managerId: string | null | undefined;
  active: boolean | undefined;
};

const MAX = 256;

/** The value of `key` in `obj`, matching the key case-insensitively (RFC 7643 §2.1). */
export function field(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return undefined;
  const k = Object.keys(obj).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : (obj as Record<string, unknown>)[k];
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A boolean, also from Entra ID's string booleans ("True", "False"). */
export function toBool(v: unknown, name: string): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === "true";
  throw invalidValue(`${name} must be a boolean`);
}

function text(v: unknown, name: string): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v !== "string") throw invalidValue(`${name} must be a string`);
  const t = v.trim();
  if (t.length > MAX) throw invalidValue(`${name} is longer than ${MAX} characters`);
  return t === "" ? null : t;
}

function emailsOf(v: unknown): Email[] | null | undefined {
  if (v === undefined || v === null) return v;
  if (!Array.isArray(v)) throw invalidValue("emails must be a list");
  if (v.length > 20) throw invalidValue("emails has more than 20 entries");
  const out: Email[] = [];
  for (const item of v) {
    if (!isObject(item)) throw invalidValue("each email must be an object with a value");
    const value = text(field(item, "value"), "emails.value");
    if (!value) continue;
    if (value.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(value)) throw invalidValue(`"${value}" is not an email address`);
    const type = text(field(item, "type"), "emails.type");
    const display = text(field(item, "display"), "emails.display");
    const primary = field(item, "primary");
    out.push({
      value,
      ...(type ? { type } : {}),
      ...(primary === undefined || primary === null ? {} : { primary: toBool(primary, "emails.primary") }),
      ...(display ? { display } : {}),
    });
  }
  // Only one email may be primary (RFC 7643 §2.4): the first one claiming it keeps it.
  let seen = false;
  return out.map((e) => {
    if (!e.primary) return e;
    if (seen) return { ...e, primary: false };
    seen = true;
    return e;
  });
}

/** Manager reference forms: "id", { value: "id" }, [{ value: "id" }] (Entra ID's `Add manager`). */
export function managerIdOf(v: unknown): string | null | undefined {
  if (v === undefined) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  const value = isObject(first) ? field(first, "value") : first;
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || !isUuid(value.trim())) throw invalidValue("manager.value must be the id of a SCIM User");
  return value.trim().toLowerCase();
}

/** Reads a SCIM User document (a POST or PUT body, or the result of a PATCH). */
export function readUser(doc: unknown): UserInput {
  if (!isObject(doc)) throw invalidValue("The body must be a SCIM User object");
  const name = field(doc, "name");
  if (name !== undefined && name !== null && !isObject(name)) throw invalidValue("name must be an object");
  const ext = field(doc, URN.enterprise);
  if (ext !== undefined && ext !== null && !isObject(ext)) throw invalidValue(`${URN.enterprise} must be an object`);
  const active = field(doc, "active");
  const userName = text(field(doc, "userName"), "userName");
  return {
    userName: userName ?? undefined,
    externalId: text(field(doc, "externalId"), "externalId"),
    displayName: text(field(doc, "displayName"), "displayName"),
    formatted: name === null ? null : text(field(name, "formatted"), "name.formatted"),
    givenName: name === null ? null : text(field(name, "givenName"), "name.givenName"),
    familyName: name === null ? null : text(field(name, "familyName"), "name.familyName"),
    title: text(field(doc, "title"), "title"),
    department: ext === null ? null : text(field(ext, "department"), "department"),
    emails: emailsOf(field(doc, "emails")),
    managerId: ext === null ? null : managerIdOf(field(ext, "manager")),
    active: active === undefined || active === null ? undefined : toBool(active, "active"),
  };
}

/** The person's email: the primary email, else the work one, else the first, else an email-shaped userName. */
export function emailOf(emails: Email[], userName: string): string {
  const e = emails.find((x) => x.primary) ?? emails.find((x) => x.type?.toLowerCase() === "work") ?? emails[0];
  if (e) return e.value.toLowerCase();
  if (/^[^\s@]+@[^\s@]+$/.test(userName)) return userName.toLowerCase();
  throw invalidValue("A User needs an email address: send emails, or a userName that is an email address");
}

export function displayNameOf(i: { displayName?: string | null; formatted?: string | null; givenName?: string | null; familyName?: string | null }, userName: string) {
  const joined = [i.givenName, i.familyName].filter(Boolean).join(" ");
  return i.displayName || i.formatted || joined || userName;
}

/** People Bridle did not get from SCIM have only a display name; their name parts come from it. */
function nameParts(row: PersonRow): { givenName?: string; familyName?: string } {
  if (row.givenName || row.familyName) return { ...(row.givenName ? { givenName: row.givenName } : {}), ...(row.familyName ? { familyName: row.familyName } : {}) };
  const [given, ...rest] = row.displayName.trim().split(/\s+/);
  return { ...(given ? { givenName: given } : {}), ...(rest.length ? { familyName: rest.join(" ") } : {}) };
}

const meta = (resourceType: "User" | "Group", created: Date, updated: Date, location: string) => ({
  resourceType,
  created: toIso(created),
  lastModified: toIso(updated),
  location,
  version: `W/"${updated.getTime()}"`,
});

/** A person as a SCIM User; `groups` is left out when not loaded. */
export function userResource(row: PersonRow, groups: { id: string; name: string }[] | undefined, baseUrl: string): Record<string, unknown> {
  const parts = nameParts(row);
  const stored = Array.isArray(row.emails) ? (row.emails as Email[]) : [];
  const emails = stored.length ? stored : [{ value: row.email, type: "work", primary: true }];
  const ext = {
    ...(row.department ? { department: row.department } : {}),
    ...(row.managerId
      ? { manager: { value: row.managerId, $ref: `${baseUrl}/Users/${row.managerId}`, ...(row.managerDisplayName ? { displayName: row.managerDisplayName } : {}) } }
      : {}),
  };
  const hasExt = Object.keys(ext).length > 0;
  return {
    schemas: hasExt ? [URN.user, URN.enterprise] : [URN.user],
    id: row.id,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName: row.userName ?? row.email,
    name: { formatted: [parts.givenName, parts.familyName].filter(Boolean).join(" ") || row.displayName, ...parts },
    displayName: row.displayName,
    ...(row.title ? { title: row.title } : {}),
    active: row.status === "active",
    emails,
    ...(groups ? { groups: groups.map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${g.id}`, display: g.name, type: "direct" })) } : {}),
    ...(hasExt ? { [URN.enterprise]: ext } : {}),
    meta: meta("User", row.createdAt, row.updatedAt, `${baseUrl}/Users/${row.id}`),
  };
}

/** A team as a SCIM Group; `members` is left out when not loaded (`excludedAttributes=members`). */
export function groupResource(team: TeamRow, members: { id: string; displayName: string }[] | undefined, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [URN.group],
    id: team.id,
    ...(team.externalId ? { externalId: team.externalId } : {}),
    displayName: team.name,
    ...(members ? { members: members.map((m) => ({ value: m.id, $ref: `${baseUrl}/Users/${m.id}`, display: m.displayName, type: "User" })) } : {}),
    meta: meta("Group", team.createdAt, team.updatedAt, `${baseUrl}/Groups/${team.id}`),
  };
}

/** Ids from a `members` value: [{ value: "id" }], { value: "id" } or "id". */
export function memberIdsOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((m) => {
    const value = isObject(m) ? field(m, "value") : m;
    if (typeof value !== "string" || !value.trim()) throw invalidValue("each member must have a value: the id of a SCIM User");
    return value.trim().toLowerCase();
  });
}
