import { GATED_ACTIONS } from "@bridle/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.ts";

// Realistic but never-issued secrets.
const GITHUB_TOKEN = "ghp_R8nq1Vw2xYz3AbCdEfGhIjKlMnOpQrStUv4W";
const AWS_KEY_SLASH = "0xBAn4x7GA0pqy3nREWiyT5CBK0MEz1duGJnLPD/";
const AWS_KEY_PLUS = "Q4g94mQZT/q4x4iy6ZPv3tYlDYrJsWMLYeW1De6+";

const bot = (over: Record<string, unknown> = {}) => ({
  name: "acme-clear-answers-bot",
  owner: "daniel.kim@acme.example",
  team: "platform",
  purpose: "Answers clearly",
  environment: "staging",
  ...over,
});

/** Every registered route, read from Fastify's route tree (`printRoutes({ commonPrefix: false })`). */
function registeredRoutes(tree: string): { path: string; methods: string[] }[] {
  const stack: string[] = [];
  const routes: { path: string; methods: string[] }[] = [];
  for (const line of tree.split("\n")) {
    const m = /^(.*?)[├└]── (.+?)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    if (m[3]) routes.push({ path: stack.join(""), methods: m[3].split(", ") });
  }
  return routes;
}

type Envelope = { error: { code: string; message: string; details?: { fields?: { path: string[]; code: string; message: string; in?: string }[]; rows?: { field: string | null; message: string }[] } } };

describe("clear answers: field errors, unknown parameters, no echoed secrets", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: "demo" });
  });
  afterAll(() => t.close());

  it("answers a bot without a name and with an empty team with one sentence per field, next to each field", async () => {
    const res = await t.api({ method: "POST", url: "/api/v1/bots", payload: bot({ name: undefined, team: "" }) });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as Envelope;
    expect(error.code).toBe("validation_failed");
    expect(error.details!.fields).toEqual([
      { path: ["name"], code: "required", message: "Name is required" },
      { path: ["team"], code: "required", message: "Team: choose a team" },
    ]);
    expect(error.message).toBe("Name is required (and 1 more problem)");
  });

  it("labels format, length and choice problems and never quotes zod's own wording", async () => {
    const res = await t.api({
      method: "POST",
      url: "/api/v1/bots",
      payload: bot({ name: "Not A Name", environment: "prod", purpose: "x".repeat(2001), grants: [{ system: "github", scope: "github:issues:read", access: "maybe" }] }),
    });
    expect(res.statusCode).toBe(400);
    const fields = (res.json() as Envelope).error.details!.fields!;
    expect(fields).toEqual([
      { path: ["name"], code: "invalid_format", message: "Name: 2-63 lowercase letters, digits or hyphens, starting with a letter or digit" },
      { path: ["purpose"], code: "too_long", message: "Business purpose: must be at most 2000 characters" },
      { path: ["environment"], code: "invalid_choice", message: "Environment: choose one of production, staging, test" },
      { path: ["grants", "0", "access"], code: "invalid_choice", message: "Grant access (row 1): choose one of read, write" },
    ]);
    expect(JSON.stringify(fields)).not.toMatch(/Invalid (input|option|string)|expected/);
  });

  it("names an unknown team in the team field's own words", async () => {
    const res = await t.api({ method: "POST", url: "/api/v1/bots", payload: bot({ team: "no-such-team" }) });
    expect(res.statusCode).toBe(400);
    expect((res.json() as Envelope).error.details!.fields).toEqual([
      { path: ["team"], code: "unknown_reference", message: "Team: unknown team no-such-team; choose a team" },
    ]);
  });

  it("answers 400 naming an unknown query parameter instead of ignoring it", async () => {
    const res = await t.api({ method: "GET", url: "/api/v1/bots?search=acme-pto-bot" });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as Envelope;
    expect(error.code).toBe("validation_failed");
    expect(error.message).toMatch(/^Unknown parameter search: this endpoint accepts limit, cursor, owner, team, .*\bq\b/);
    expect(error.details!.fields).toEqual([{ path: ["search"], code: "unknown_parameter", in: "query", message: error.message }]);
    // The declared parameter still works.
    expect((await t.api({ method: "GET", url: "/api/v1/bots?q=acme-pto-bot" })).statusCode).toBe(200);
  });

  it("refuses an unknown query parameter on every GET route under /api/v1", async () => {
    const routes = registeredRoutes(t.app.printRoutes({ commonPrefix: false })).filter(
      (r) => r.path.startsWith("/api/v1/") && r.methods.includes("GET"),
    );
    // The walk finds at least every GET the OpenAPI document lists (it also sees hidden routes).
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, { get?: unknown }> };
    const documented = Object.entries(doc.paths)
      .filter(([path, ops]) => path.startsWith("/api/v1/") && ops.get)
      .map(([path]) => path.replace(/\{(\w+)\}/g, ":$1"));
    expect(documented.length).toBeGreaterThan(20);
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(documented));
    const answers: string[] = [];
    for (const { path } of routes) {
      // Path parameters get a value of the right shape, so only the query string can be wrong.
      const sample: Record<string, string> = { action: GATED_ACTIONS[0], name: "SOUL.md", version: "1" };
      const url = path.replace(/:(\w+)/g, (_m, name: string) => sample[name] ?? "00000000-0000-4000-8000-000000000000");
      const res = await t.api({ method: "GET", url: `${url}?bridleNoSuchParam=1` });
      const fields = (res.json() as Envelope).error?.details?.fields ?? [];
      answers.push(`${path} ${res.statusCode} ${fields.map((f) => `${f.code}:${f.path.join(".")}`).join(",")}`);
    }
    expect(answers).toEqual(routes.map(({ path }) => `${path} 400 unknown_parameter:bridleNoSuchParam`));
  });

  it("answers a body that is not JSON, or empty, in a sentence rather than the parser's words", async () => {
    const broken = await t.api({ method: "POST", url: "/api/v1/bots", headers: { "content-type": "application/json" }, payload: '{"name": "x",' });
    expect(broken.statusCode).toBe(400);
    expect((broken.json() as Envelope).error).toMatchObject({ code: "bad_request", message: "The request body is not valid JSON" });
    const empty = await t.api({ method: "POST", url: "/api/v1/bots", headers: { "content-type": "application/json" }, payload: "" });
    expect(empty.statusCode).toBe(400);
    expect((empty.json() as Envelope).error).toMatchObject({ code: "bad_request", message: "The request body is empty; send a JSON object" });
  });

  it("does not repeat a query parameter name that looks like a secret", async () => {
    const res = await t.api({ method: "GET", url: `/api/v1/bots?${GITHUB_TOKEN}=1` });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(GITHUB_TOKEN);
  });

  it("refuses an AWS secret access key ending in / or + in any field, without repeating it", async () => {
    for (const key of [AWS_KEY_SLASH, AWS_KEY_PLUS]) {
      const res = await t.api({ method: "POST", url: "/api/v1/bots", payload: bot({ team: key }) });
      expect(res.statusCode).toBe(400);
      const { error } = res.json() as Envelope;
      expect(error.details!.fields!.map((f) => [f.path, f.code])).toEqual([[["team"], "looks_like_secret"]]);
      expect(error.message).toMatch(/^Team: looks like a secret \(AWSSecretAccessKey, rule bridle\/aws-secret-access-key\)/);
      expect(res.body).not.toContain(key);
      const labelled = await t.api({ method: "POST", url: "/api/v1/bots", payload: bot({ purpose: `aws_secret_access_key = ${key}` }) });
      expect(labelled.statusCode).toBe(400);
      expect((labelled.json() as Envelope).error.details!.fields!.map((f) => f.path)).toEqual([["purpose"]]);
      expect(labelled.body).not.toContain(key);
    }
  });

  it("does not echo a token that landed in an import's team column", async () => {
    // Only the columns the row fills: a column left out keeps its default.
    const csv = ["name,owner,team,purpose,environment", `acme-token-team-bot,daniel.kim@acme.example,${GITHUB_TOKEN},Oops,test`].join("\n");
    const res = await t.api({ method: "POST", url: "/api/v1/inventory/import?dryRun=true", headers: { "content-type": "text/csv" }, payload: csv });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain(GITHUB_TOKEN);
    expect(res.body).not.toContain(GITHUB_TOKEN.slice(4, 20));
    const rows = (res.json() as Envelope).error.details!.rows!;
    expect(rows.map((r) => [r.field, r.message])).toEqual([
      [null, expect.stringMatching(/^looks like a secret/)],
      ["team", "unknown team: no team has this slug"],
    ]);
  });
});
