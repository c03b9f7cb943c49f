// Who sent a request: a bearer token (personal or ingest) or the session cookie. No cache anywhere: a revoked token or
// a deleted session is refused on the very next request.
import { getAuth } from "./auth";
import { isRole, type Actor, type UserActor } from "./policy";
import { bearerToken, resolveToken } from "./tokens";

export const SESSION_COOKIE = "netmortem.session_token";

export type ActorResult =
  | { actor: Actor }
  /** no credential at all */
  | { anonymous: true }
  /** a credential that is not (or no longer) valid */
  | { refused: string };

export async function resolveActor(headers: Headers): Promise<ActorResult> {
  const token = bearerToken(headers);
  if (token) {
    const r = await resolveToken(token);
    return "actor" in r ? r : { refused: `the token is ${r.refused === "unknown" ? "not valid" : r.refused}` };
  }
  if (!hasSessionCookie(headers)) return { anonymous: true };
  const user = await sessionUser(headers);
  return user ? { actor: user } : { refused: "the session has ended; sign in again" };
}

/** Cheap test before touching the database: anonymous requests (health, the public report) cost no query. */
export function hasSessionCookie(headers: Headers): boolean {
  const cookie = headers.get("cookie");
  return !!cookie && cookie.includes(SESSION_COOKIE);
}

/** The signed-in user of a session cookie, or null (no session, expired, signed out, disabled user). */
export async function sessionUser(headers: Headers): Promise<UserActor | null> {
  const auth = await getAuth();
  const found = await auth.api.getSession({ headers });
  if (!found) return null;
  const u = found.user as typeof found.user & { role?: unknown; banned?: unknown };
  if (u.banned === true || !isRole(u.role)) return null;
  return { kind: "user", userId: u.id, role: u.role, email: u.email, name: u.name, via: "session" };
}
