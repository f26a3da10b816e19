import { z } from "zod";

/**
 * Field errors: what a 400 answer says about each field, in `error.details.fields`, so the console
 * can show each message next to the field a person sees (DESIGN.md "Errors", STYLE.md 3).
 *
 * - `path` names the field as the request spells it (`["name"]`, `["grants", "0", "scope"]`); a
 *   form keys its inputs with `path.join(".")`.
 * - `code` is stable and typed: branch on it, never on the English.
 * - `message` is a sentence about the field a person sees ("Name is required", "Team: choose a
 *   team"); it never quotes a value that looks like a secret.
 * - `in` says where the field was: the JSON body (default), the query string, the path or a header.
 */
export const FIELD_ERROR_CODES = [
  "required",
  "invalid_type",
  "invalid_format",
  "invalid_choice",
  "too_short",
  "too_long",
  "too_small",
  "too_big",
  "unknown_field",
  "unknown_parameter",
  "unknown_reference",
  "inactive_reference",
  "duplicate",
  "looks_like_secret",
  "invalid",
] as const;
export const ZFieldErrorCode = z.enum(FIELD_ERROR_CODES);
export type TFieldErrorCode = z.infer<typeof ZFieldErrorCode>;

export const ZFieldError = z
  .object({
    path: z.array(z.string()).describe("The field, e.g. `[\"grants\", \"0\", \"scope\"]`; empty for the request as a whole"),
    code: ZFieldErrorCode,
    message: z.string().describe("A sentence for people, naming the field as the console labels it"),
    in: z.enum(["body", "query", "params", "headers"]).optional().describe("Where the field was; the body when absent"),
  })
  .meta({ id: "FieldError" });
export type TFieldError = z.infer<typeof ZFieldError>;

/**
 * `error.details`: `fields` on validation errors; other keys where an answer needs them (an
 * import's `rows`, a conflict's `currentVersion`, ...). New code puts per-field problems in `fields`.
 */
export const ZErrorDetails = z
  .looseObject({ fields: z.array(ZFieldError).optional() })
  .describe("`fields` lists per-field problems; other keys are specific to the endpoint");
export type TErrorDetails = z.infer<typeof ZErrorDetails>;

/**
 * `error.details` of a 409 `conflict` answered because the resource changed since the caller
 * read it (optimistic locking, e.g. PATCH /bots/{id} with a stale `version`): the version it has
 * now. Clients tell this conflict from others by these details, never by the message.
 */
export const ZVersionConflictDetails = z.looseObject({ currentVersion: z.number().int() });

/** `error.details` of the 404 for a path the API has no route for (as opposed to a missing record). */
export const ZUnknownRouteDetails = z.looseObject({ unknownRoute: z.literal(true) });

/**
 * The labels people see for request fields, keyed by path with `*` for a list index. A field not
 * listed is labelled from its name (`businessPurpose` -> "Business purpose"). `choose` is the
 * phrase for a field picked from a list, used when it is missing or names nothing known.
 */
export const FIELD_LABELS: Record<string, { label: string; choose?: string }> = {
  name: { label: "Name" },
  email: { label: "Bot email" },
  owner: { label: "Owner", choose: "choose the owner" },
  team: { label: "Team", choose: "choose a team" },
  purpose: { label: "Business purpose" },
  environment: { label: "Environment", choose: "choose an environment" },
  runtime: { label: "Runtime" },
  status: { label: "Lifecycle status", choose: "choose a lifecycle status" },
  internalDataAccess: { label: "Internal data access", choose: "choose a level of internal data access" },
  channels: { label: "Channels" },
  gatedActions: { label: "Gated actions" },
  "grants.*.system": { label: "Grant system", choose: "choose a connected system" },
  "grants.*.scope": { label: "Grant scope" },
  "grants.*.access": { label: "Grant access", choose: "choose read or write" },
  "grants.*.expiresAt": { label: "Grant expiry" },
  "serviceAccounts.*.system": { label: "Service account system", choose: "choose a connected system" },
  "serviceAccounts.*.account": { label: "Service account" },
  "credentialReferences.*.system": { label: "Credential reference system", choose: "choose a connected system" },
  "credentialReferences.*.reference": { label: "Credential reference" },
  "credentialReferences.*.rotationIntervalDays": { label: "Rotation interval (days)" },
  "credentialReferences.*.lastRotatedAt": { label: "Last rotated" },
  credentialStorage: { label: "Credential storage" },
  createdAt: { label: "Created" },
  lastReviewedAt: { label: "Last reviewed" },
  "runtimeProfile.runtimeOwner": { label: "Runtime owner" },
  "runtimeProfile.hostingEnvironment": { label: "Hosting environment" },
  "runtimeProfile.workspacePersistence": { label: "Workspace persistence" },
  "runtimeProfile.networkAccessPolicy": { label: "Network access policy" },
  "runtimeProfile.allowedTools": { label: "Allowed tools" },
  "runtimeProfile.shellExecutionPolicy": { label: "Shell execution policy", choose: "choose a shell execution policy" },
  "runtimeProfile.dataRetention": { label: "Data retention" },
  "runtimeProfile.deletionProcedure": { label: "Deletion procedure" },
  "runtimeProfile.incidentResponseOwner": { label: "Incident response owner" },
  "exception.businessPurpose": { label: "Exception business purpose" },
  "exception.allowedSystems": { label: "Exception allowed systems" },
  "exception.allowedChannels": { label: "Exception allowed channels" },
  "exception.dataClassification": { label: "Data classification" },
  "exception.approvalRequirements": { label: "Approval requirements" },
  "exception.expiresAt": { label: "Exception expiry" },
  system: { label: "System", choose: "choose a connected system" },
  vault: { label: "Vault", choose: "choose the kind of vault" },
  reference: { label: "Reference" },
  rotationIntervalDays: { label: "Rotation interval (days)" },
  lastRotatedAt: { label: "Last rotated" },
  rotatedAt: { label: "Rotated at" },
  source: { label: "How it leaked", choose: "choose how it leaked" },
  justification: { label: "Justification" },
  expiresInDays: { label: "Expires in (days)" },
  scopes: { label: "Permissions" },
  issuerUrl: { label: "Issuer URL" },
  clientId: { label: "Client id" },
  clientSecret: { label: "Client secret" },
  version: { label: "Version" },
  "source.registry": { label: "Registry", choose: "choose where the skill comes from" },
  "source.package": { label: "Source" },
  notes: { label: "Notes" },
  content: { label: "Content" },
  loadedByDefault: { label: "Loaded by default" },
  capUsd: { label: "Cap (USD)" },
  "scope.kind": { label: "Scope" },
  "scope.subject": { label: "Scope subject" },
};

const isIndex = (segment: string) => /^\d+$/.test(segment);
const humanize = (segment: string) => {
  const words = segment.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * The label of a field for people: from FIELD_LABELS, else from its last name; a list row is
 * numbered from 1 ("Grant scope (row 2)"). A query parameter is named as typed.
 */
export function fieldLabel(path: readonly (string | number)[], where: TFieldError["in"] = "body"): string {
  const segments = path.map(String);
  if (where === "headers") return `Header ${segments.join(".") || "(none)"}`;
  if (where !== "body") return `Parameter ${segments.join(".") || "(none)"}`;
  const pattern = segments.map((s) => (isIndex(s) ? "*" : s)).join(".");
  const rows = segments.filter(isIndex).map((s) => Number(s) + 1);
  const known = FIELD_LABELS[pattern]?.label;
  const named = segments.filter((s) => !isIndex(s));
  const label = known ?? (named.length ? humanize(named[named.length - 1]!) : "The request");
  return rows.length ? `${label} (row ${rows.join(", ")})` : label;
}

/** The phrase zod's error map gives a missing value; field errors turn it into "<Label> is required". */
export const REQUIRED_PHRASE = "is required";

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  date: "a date",
  bigint: "a whole number",
  null: "empty",
};

const FORMAT_PHRASES: Record<string, string> = {
  email: "must be an email address",
  url: "must be a URL",
  uuid: "must be an id (UUID)",
  datetime: "must be a date and time such as 2026-05-01T09:00:00Z",
  date: "must be a date such as 2026-05-01",
  regex: "is not in the expected form",
};

type IssueLike = {
  code: string;
  input?: unknown;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  format?: unknown;
  prefix?: unknown;
  suffix?: unknown;
  includes?: unknown;
  values?: unknown;
  divisor?: unknown;
};

const count = (n: unknown, one: string, many: string) => (Number(n) === 1 ? `1 ${one}` : `${String(n)} ${many}`);

/**
 * Zod's error map for Bridle: a phrase that follows a field's label ("must be at most 80
 * characters"), never quoting the input, so no typed secret comes back in a message. Installed
 * with `z.config` when the contracts load, so the API and the console speak alike.
 */
export function fieldPhrase(issue: IssueLike): string {
  // An empty value that fails a check (an email, a choice) is a missing one.
  if (issue.input === "" && issue.code !== "unrecognized_keys") return REQUIRED_PHRASE;
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined || (issue.input === null && issue.expected !== "null")) return REQUIRED_PHRASE;
      return `must be ${TYPE_NAMES[String(issue.expected)] ?? String(issue.expected)}`;
    case "too_small": {
      const inclusive = issue.inclusive !== false;
      if (issue.origin === "string")
        return Number(issue.minimum) <= 1 ? REQUIRED_PHRASE : `must be at least ${count(issue.minimum, "character", "characters")}`;
      if (issue.origin === "array" || issue.origin === "set")
        return `needs at least ${count(issue.minimum, "entry", "entries")}`;
      return `must be ${inclusive ? "at least" : "more than"} ${String(issue.minimum)}`;
    }
    case "too_big": {
      const inclusive = issue.inclusive !== false;
      if (issue.origin === "string") return `must be at most ${count(issue.maximum, "character", "characters")}`;
      if (issue.origin === "array" || issue.origin === "set") return `may have at most ${count(issue.maximum, "entry", "entries")}`;
      return `must be ${inclusive ? "at most" : "less than"} ${String(issue.maximum)}`;
    }
    case "invalid_format":
      if (issue.format === "starts_with") return `must start with ${String(issue.prefix)}`;
      if (issue.format === "ends_with") return `must end with ${String(issue.suffix)}`;
      if (issue.format === "includes") return `must contain ${String(issue.includes)}`;
      return FORMAT_PHRASES[String(issue.format)] ?? "is not in the expected form";
    case "invalid_value": {
      const values = Array.isArray(issue.values) ? issue.values.map(String) : [];
      if (values.length === 1) return `must be ${values[0]}`;
      if (values.length > 0 && values.length <= 12) return `choose one of ${values.join(", ")}`;
      return "is not one of the accepted values";
    }
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return "has fields Bridle does not accept";
    case "invalid_union": {
      // a discriminated union whose tag matched none of its options names them
      const options = "options" in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
      if (options.length > 0 && options.length <= 12) return `choose one of ${options.join(", ")}`;
      return "is not in an accepted form";
    }
    case "invalid_key":
    case "invalid_element":
      return "has an entry that is not valid";
    default:
      return "is not valid";
  }
}

z.config({ customError: (issue) => fieldPhrase(issue as IssueLike) });

/** A zod issue as validation reports it (zod's `$ZodIssue`, or the same fields from fastify's validation list). */
export type ValidationIssue = IssueLike & { path: readonly PropertyKey[]; message: string; keys?: readonly string[] };

const fieldCode = (issue: ValidationIssue): TFieldErrorCode => {
  if (issue.message === REQUIRED_PHRASE) return "required";
  switch (issue.code) {
    case "invalid_type":
      return "invalid_type";
    case "too_small":
      return issue.origin === "string" || issue.origin === "array" || issue.origin === "set" ? "too_short" : "too_small";
    case "too_big":
      return issue.origin === "string" || issue.origin === "array" || issue.origin === "set" ? "too_long" : "too_big";
    case "invalid_format":
      return "invalid_format";
    case "invalid_value":
      return "invalid_choice";
    default:
      return "invalid";
  }
};

/**
 * "<Label> is required", "Team: choose a team", or "<Label>: <phrase>": a sentence about the
 * field a person sees. A field picked from a list says what to pick when its value is missing,
 * and after the phrase when its value names nothing known ("Team: unknown team x; choose a team").
 */
export function fieldMessage(params: { path: readonly (string | number)[]; code: TFieldErrorCode; phrase: string; in?: TFieldError["in"] }): string {
  const where = params.in ?? "body";
  const label = fieldLabel(params.path, where);
  const pattern = params.path.map((s) => (isIndex(String(s)) ? "*" : String(s))).join(".");
  const choose = where === "body" ? FIELD_LABELS[pattern]?.choose : undefined;
  if (choose && params.phrase === REQUIRED_PHRASE) return `${label}: ${choose}`;
  if (choose && params.code === "unknown_reference") return `${label}: ${params.phrase}; ${choose}`;
  if (params.phrase === REQUIRED_PHRASE) return `${label} is required`;
  return `${label}: ${params.phrase}`;
}

/**
 * Turns validation issues into field errors: one per field (one per unknown key), with the
 * field's label in the message. `acceptedKeys` (the fields the schema knows) is named in the
 * message for an unknown query parameter, so a script's author sees what to write instead.
 */
export function toFieldErrors(
  issues: readonly ValidationIssue[],
  options: { in?: TFieldError["in"]; acceptedKeys?: readonly string[] } = {},
): TFieldError[] {
  const where = options.in ?? "body";
  const at = (f: Omit<TFieldError, "in">): TFieldError => (where === "body" ? f : { ...f, in: where });
  return issues.flatMap((issue): TFieldError[] => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      const accepted = options.acceptedKeys?.length ? options.acceptedKeys.join(", ") : null;
      return (issue.keys ?? []).map((key) =>
        where === "query"
          ? at({
              path: [...path, key],
              code: "unknown_parameter",
              message: `Unknown parameter ${key}: ${accepted ? `this endpoint accepts ${accepted}` : "this endpoint takes no query parameters"}`,
            })
          : at({ path: [...path, key], code: "unknown_field", message: `Unknown field ${[...path, key].join(".")}: Bridle does not accept it here` }),
      );
    }
    const code = fieldCode(issue);
    return [at({ path, code, message: fieldMessage({ path, code, phrase: issue.message, in: where }) })];
  });
}

/** The envelope message for a list of field errors: the first one, and how many more there are. */
export function fieldErrorsSummary(fields: readonly TFieldError[]): string {
  const [first] = fields;
  if (!first) return "The request is not valid";
  if (fields.length === 1) return first.message;
  return `${first.message} (and ${fields.length - 1} more ${fields.length === 2 ? "problem" : "problems"})`;
}
