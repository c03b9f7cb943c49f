"use client";

import { createContext, useContext, type ReactNode } from "react";

export type Role = "viewer" | "responder" | "admin";
export type CurrentUser = { id: string; name: string; email: string; role: Role };

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };
const Ctx = createContext<CurrentUser | null>(null);

/** The signed-in user, given by the root layout (null on the public pages). */
export function CurrentUserProvider({ user, children }: { user: CurrentUser | null; children: ReactNode }) {
  return <Ctx.Provider value={user}>{children}</Ctx.Provider>;
}

export function useCurrentUser(): CurrentUser | null {
  return useContext(Ctx);
}

/**
 * Whether the signed-in user has at least `role`: hide controls they may not use. The API decides (403); this only
 * spares people buttons that cannot work.
 */
export function useCan(role: Role): boolean {
  const user = useContext(Ctx);
  return !!user && RANK[user.role] >= RANK[role];
}
