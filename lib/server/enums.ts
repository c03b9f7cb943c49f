// The generated client names enum values with underscores (a Prisma identifier cannot hold a hyphen) while the
// database and the API use the hyphenated spelling (@map in schema.prisma). These two functions are the only
// translation between them; the types make a missed or wrong conversion a compile error.

export type Hyphenated<S extends string> = S extends `${infer A}_${infer B}` ? `${A}-${Hyphenated<B>}` : S;
export type Underscored<S extends string> = S extends `${infer A}-${infer B}` ? `${A}_${Underscored<B>}` : S;

export function toApiEnum<S extends string>(value: S): Hyphenated<S> {
  return value.replaceAll("_", "-") as Hyphenated<S>;
}

export function toDbEnum<S extends string>(value: S): Underscored<S> {
  return value.replaceAll("-", "_") as Underscored<S>;
}
