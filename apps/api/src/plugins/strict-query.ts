import type { FastifyInstance } from "fastify";
import { z } from "zod";

/**
 * Every route under `prefix` refuses query parameters it does not declare (400
 * `validation_failed`, `details.fields[].code = "unknown_parameter"` naming each one), so a
 * misspelt filter (`?search=` for `?q=`) fails loudly instead of quietly answering every bot.
 *
 * Applied once here rather than in each contract: a declared `z.object` querystring becomes
 * strict, a route without one gets `z.strictObject({})`, and one that declares its own catch-all
 * (`z.looseObject`, `.catchall()`) keeps it. A querystring that is not a z.object fails at
 * startup. Must be registered before the routes.
 */
export function strictQueryStrings(app: FastifyInstance, prefix: string) {
  app.addHook("onRoute", (route) => {
    if (route.url !== prefix && !route.url.startsWith(`${prefix}/`)) return;
    const schema = (route.schema ??= {});
    const query = schema.querystring as { _zod?: { def?: { type?: string; catchall?: unknown } }; strict?: () => unknown } | undefined;
    if (query === undefined) {
      schema.querystring = z.strictObject({});
      return;
    }
    const def = query._zod?.def;
    if (def?.type !== "object" || typeof query.strict !== "function")
      throw new Error(`${String(route.method)} ${route.url}: declare the querystring as a z.object so unknown parameters are refused`);
    // An explicit catch-all (z.looseObject, z.strictObject, .catchall) is the route's own choice.
    if (def.catchall === undefined) schema.querystring = query.strict();
  });
}
