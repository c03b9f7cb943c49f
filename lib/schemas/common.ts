import { z } from "zod";

// Shared pieces of the /api/v1 contract (see DEVELOPERS.md). Every schema here is bounded: strings have a max,
// numbers a range, arrays a length, because these bodies come from the network.

/** Any 8-4-4-4-12 hex id, the same set PostgreSQL's uuid type accepts in canonical form. */
export const Id = z.guid({ error: "must be a UUID" });
export type Id = z.infer<typeof Id>;

/** ISO-8601 date-time that names its offset (`Z` or `+08:00`), so a time is never read in the wrong zone. */
export const Timestamp = z.iso.datetime({ offset: true, error: "must be an ISO-8601 date-time with offset" });
export type Timestamp = z.infer<typeof Timestamp>;

/**
 * Optional text: trimmed; "" and null both mean "clear it", an absent key stays absent (so a PATCH that does not
 * mention the field leaves it alone).
 */
export function optionalText(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((s) => (s === undefined ? undefined : s === "" || s === null ? null : s));
}

// Query strings carry strings only; an empty value means "not given" (what a cleared filter field sends).
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const Limit = z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100).default(25));

export const PageQuery = z.strictObject({
  limit: Limit,
  cursor: z.preprocess(blankToUndefined, z.string().max(200).optional()),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function queryFilter<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.optional());
}
