export * from "./common.ts";
export * from "./enums.ts";
