// Opaque keyset cursors: the sort key and id of the last row sent. Keyset (not offset) pagination keeps pages
// stable while incidents are being added during an outage.
import { ValidationError } from "./errors";

export interface CursorKey {
  at: Date;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id])).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): CursorKey | undefined {
  if (cursor === undefined) return undefined;
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]*$/.test(cursor)) {
    throw new ValidationError("the cursor is not one this API issued", [{ path: "cursor", message: "invalid cursor" }]);
  }
  const bad = () => new ValidationError("the cursor is not one this API issued", [{ path: "cursor", message: "invalid cursor" }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad();
  const [at, id] = parsed as unknown[];
  if (typeof at !== "string" || typeof id !== "string") throw bad();
  // a forged cursor must be a 400, never reach the database as a bad uuid or a timestamp PostgreSQL (or Prisma)
  // cannot hold: an exact ISO time of years 1..9999 as this API writes them, and a UUID
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at)) throw bad();
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at || date.getUTCFullYear() < 1) throw bad();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw bad();
  return { at: date, id };
}

/** Splits the `limit + 1` rows a list query fetched into the page and the cursor for the next one. */
export function pageOf<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => CursorKey,
  present: (row: R) => T,
): { data: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null,
  };
}
