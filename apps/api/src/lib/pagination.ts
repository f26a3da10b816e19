import { AppError } from "./errors.ts";

/** Opaque keyset cursor: base64url JSON of the last row's sort key and id. */
export type Cursor = { k: string | number | null; id: string };

export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Cursor;
    if (typeof v !== "object" || v === null || typeof v.id !== "string") throw new Error("shape");
    if (!(v.k === null || typeof v.k === "string" || (typeof v.k === "number" && Number.isSafeInteger(v.k)))) throw new Error("shape");
    return v;
  } catch {
    throw new AppError("validation_failed", "cursor is not valid; start again without it");
  }
}
