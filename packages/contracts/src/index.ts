export * from "./common-exports.ts";
export * from "./policy.ts";
export * from "./bots.ts";
export * from "./inventory.ts";
export * from "./auth.ts";
export * from "./permissions.ts";
export * from "./identity.ts";
