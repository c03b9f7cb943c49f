// Pages' side of the session: who is signed in (server components), and the redirects that follow from it.
// Route handlers do not use this: they are made with route(policy, handler) (lib/server/http.ts).
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { sessionUser } from "@/lib/server/auth/actor";
import { roleAtLeast, type Role, type UserActor } from "@/lib/server/auth/policy";
import { setupNeeded } from "@/lib/server/auth/setup";

/** The signed-in user of this page request, or null. */
export async function currentUser(): Promise<UserActor | null> {
  return sessionUser(await headers());
}

/** A relative path to go back to after signing in; anything else (another site, //host) becomes /incidents. */
export function safeNext(next: string | string[] | undefined): string {
  const v = Array.isArray(next) ? next[0] : next;
  return v && v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : "/incidents";
}

/** For pages that need a signed-in user (with at least `role`): sends others to sign in; too low a role is a 404. */
export async function requireUser(role: Role = "viewer"): Promise<UserActor> {
  const user = await currentUser();
  if (!user) {
    if (await setupNeeded()) redirect("/setup");
    const path = (await headers()).get("x-pathname") ?? "/incidents";
    redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  }
  if (!roleAtLeast(user.role, role)) notFound();
  return user;
}
