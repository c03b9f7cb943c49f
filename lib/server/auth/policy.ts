// Who is acting, and what a route demands of them. The contract of PLAN.md: every app/api/v1 handler is made with
// route(policy, handler) (lib/server/http.ts), and services take the Actor explicitly.

export const ROLES = ["viewer", "responder", "admin"] as const;
/** admin ⊃ responder ⊃ viewer */
export type Role = (typeof ROLES)[number];

export type Actor =
  | { kind: "user"; userId: string; role: Role; email: string; name: string; via: "session" | "token"; tokenId?: string }
  | { kind: "ingest"; tokenId: string; clusterId: string };

export type UserActor = Extract<Actor, { kind: "user" }>;
export type IngestActor = Extract<Actor, { kind: "ingest" }>;

export type Policy = { public: true } | { role: Role } | { ingest: true };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` includes everything `needed` may do. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The lesser of two roles (a personal token never carries more than its owner has now). */
export function lesserRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}

export function isAdmin(actor: Actor | null | undefined): boolean {
  return actor?.kind === "user" && actor.role === "admin";
}

export function describePolicy(policy: Policy): string {
  if ("public" in policy) return "public";
  if ("ingest" in policy) return "ingest token";
  return `role ${policy.role}`;
}
