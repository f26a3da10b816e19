// @ts-check
/**
 * The API's module map: which module may call which (docs/ARCHITECTURE.md draws it). The lint
 * rule (`import-x/no-restricted-paths`, configured from this map in eslint.config.js) enforces:
 * - a file in `modules/X` imports another module `Y` only through `modules/Y/index.ts`, and only
 *   when `Y` is in X's list below;
 * - the app's wiring (`app.ts`, `server.ts`, `cli.ts`, `bootstrap/`, `demo/`, `jobs/`) imports
 *   modules only through their `index.ts`;
 * - `lib/` and `plugins/` never import a module.
 * Tests are not checked (`NOT_CHECKED`).
 * A test (scripts/lint-boundaries.test.ts) checks that the picture in docs/ARCHITECTURE.md
 * matches this map edge for edge.
 */

/** @type {Record<string, readonly string[]>} module -> the modules it may call */
export const MODULE_DEPENDENCIES = {
  audit: [],
  "identity-settings": ["audit"],
  tokens: ["audit"],
  findings: ["bots", "policy-settings"],
  systems: ["audit"],
  "policy-settings": ["audit", "systems"],
  bots: ["audit", "policy-settings"],
  people: ["audit", "auth", "bots", "identity-settings", "tokens"],
  auth: ["audit", "identity-settings", "tokens"],
  sso: ["audit", "auth", "identity-settings", "people"],
  scim: ["audit", "identity-settings", "people"],
  approvals: ["audit", "bots"],
  "gated-actions": ["audit", "bots", "policy-settings"],
  "bot-tokens": ["audit", "bots"],
  credentials: ["audit", "bots", "notifications"],
  decisions: ["approvals", "audit", "bot-tokens", "usage"],
  inventory: ["audit", "bots", "credentials", "policy-settings", "systems"],
  setup: ["audit", "identity-settings", "people", "systems"],
  readiness: ["audit"],
  /**
   * Every reminder and alert goes through `notify` (modules/notifications/index.ts). Callers add
   * their edge here when they call it (the map holds only edges the code uses): offboarding,
   * credentials, access-reviews, instructions, skills, approvals. people and bots cannot
   * (notifications -> people -> bots would close a cycle): they emit domain events instead.
   */
  notifications: ["audit", "people"],
  offboarding: ["audit", "bot-tokens", "bots", "credentials", "notifications", "people", "policy-settings"],
  skills: ["audit", "bots", "notifications", "people"],
  instructions: ["audit", "bots", "decisions", "notifications"],
  events: ["audit", "bots", "decisions", "notifications", "usage"],
  /** usage, cost and budgets: the events and decisions group commits call its commands; people: whose team a cap's spend is shown to */
  usage: ["audit", "bots", "notifications", "people"],
  "access-reviews": ["audit", "bots", "credentials", "notifications", "offboarding", "policy-settings"],
  alerts: ["audit", "bots", "notifications"],
  incidents: ["audit", "bots"],
  siem: ["audit"],
  "kill-switch": ["audit", "bots", "people"],
};

/**
 * Edges drawn dashed in the picture: none any more. They were the hand calls of
 * `recomputeFindings`, which typed domain events (lib/domain-events.ts) replaced: findings now
 * subscribe to the changes instead of being called by each module that makes one.
 * @type {readonly (readonly [string, string])[]}
 */
export const HAND_CALL_EDGES = [];

const SRC = "apps/api/src";
const MODULES = `${SRC}/modules`;
/** Files of the app that wire modules together: they may import any module, through its door. */
const WIRING = [`${SRC}/*.ts`, `${SRC}/bootstrap/**`, `${SRC}/demo/**`, `${SRC}/jobs/**`];

/**
 * Tests set up state across modules (and use other modules' test kits): the rule does not apply
 * to them (eslint.config.js leaves these files out).
 */
export const NOT_CHECKED = ["**/*.test.ts", "**/*.testkit.ts", "apps/api/test/**"];

/**
 * The zones of `import-x/no-restricted-paths` for the map above.
 * @param {string} basePath the repository root (absolute)
 */
export function boundaryZones(basePath) {
  const names = Object.keys(MODULE_DEPENDENCIES);
  /** @type {{ target: string | string[]; from: string; except?: string[]; message: string }[]} */
  const zones = [];
  for (const from of names) {
    const door = { from: `${MODULES}/${from}`, except: ["./index.ts"] };
    for (const target of names) {
      if (target === from) continue;
      if (MODULE_DEPENDENCIES[target]?.includes(from))
        zones.push({ target: `${MODULES}/${target}`, ...door, message: `Import modules/${from} only through modules/${from}/index.ts (docs/ARCHITECTURE.md).` });
      else
        zones.push({
          target: `${MODULES}/${target}`,
          from: `${MODULES}/${from}`,
          message: `modules/${target} may not depend on modules/${from}: add the edge to scripts/module-boundaries.js and docs/ARCHITECTURE.md, or invert it.`,
        });
    }
    zones.push({ target: WIRING, ...door, message: `Import modules/${from} only through modules/${from}/index.ts (docs/ARCHITECTURE.md).` });
  }
  zones.push({ target: [`${SRC}/lib`, `${SRC}/plugins`], from: MODULES, message: "lib/ and plugins/ never import a module: move the code into a module, or pass what it needs in." });
  return { basePath, zones };
}
