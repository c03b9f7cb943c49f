import { assertLocalDatabase } from "./assert-local-database";

// Playwright starts the webServer before globalSetup, so playwright.config.ts runs the same check at load
// time (before anything can migrate a database); this repeat guards runs that skip the config check,
// e.g. a reused server.
export default function globalSetup(): void {
  assertLocalDatabase();
}
