// Who the end-to-end tests are: the server is started with NETMORTEM_ADMIN_EMAIL/PASSWORD (playwright.config.ts),
// globalSetup signs that admin in once and saves the session cookie as storageState, which every page and the
// `request` fixture then carry. A spec that must be anonymous says
// `test.use({ storageState: { cookies: [], origins: [] } })`.
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";

export const ADMIN = { email: "e2e-admin@example.test", password: "e2e admin password 1", name: "Ops Admin" } as const;

/** Where globalSetup writes the admin's session (beside the throwaway data directory). */
export function storageStatePath(): string {
  const dataDir = process.env.E2E_DATA_DIR ?? path.resolve(".data", "e2e-default");
  return `${dataDir}-admin-state.json`;
}

export async function signInApi(request: APIRequestContext, email: string, password: string): Promise<void> {
  const res = await request.post("/api/auth/sign-in/email", { data: { email, password } });
  expect(res.status(), await res.text()).toBe(200);
}

/** A user of a role, made by the signed-in admin through the API (POST /api/v1/users); returns its password. */
export async function createUser(
  admin: APIRequestContext,
  role: "viewer" | "responder" | "admin",
  over: { email?: string; name?: string; clusterIds?: string[] } = {},
): Promise<{ id: string; email: string; password: string; name: string }> {
  const email = over.email ?? `${role}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.test`;
  const password = `pw ${role} ${Math.random().toString(36).slice(2, 10)}`;
  const name = over.name ?? `E2E ${role}`;
  const res = await admin.post("/api/v1/users", { data: { email, name, role, password, ...(over.clusterIds ? { clusterIds: over.clusterIds } : {}) } });
  expect(res.status(), await res.text()).toBe(201);
  const { data } = (await res.json()) as { data: { id: string } };
  return { id: data.id, email, password, name };
}
