import { request, type FullConfig } from "@playwright/test";
import { assertLocalDatabase } from "./assert-local-database";
import { ADMIN, signInApi, storageStatePath } from "./auth";

// Playwright starts the webServer before globalSetup, so playwright.config.ts runs the same check at load
// time (before anything can migrate a database); this repeat guards runs that skip the config check,
// e.g. a reused server. Then the admin (made by the server from NETMORTEM_ADMIN_*) signs in once for all tests.
export default async function globalSetup(config: FullConfig): Promise<void> {
  assertLocalDatabase();
  const baseURL = config.projects[0]?.use.baseURL;
  const ctx = await request.newContext({ baseURL });
  try {
    await signInApi(ctx, ADMIN.email, ADMIN.password);
    await ctx.storageState({ path: storageStatePath() });
  } finally {
    await ctx.dispose();
  }
}
