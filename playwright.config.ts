import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { assertLocalDatabase } from "./e2e/support/assert-local-database";
import { ADMIN, storageStatePath } from "./e2e/support/auth";

// Runs before the webServer starts (globalSetup only runs after it), so a remote DATABASE_URL is
// refused before anything could migrate it.
assertLocalDatabase();

const PORT = Number(process.env.E2E_PORT ?? 3107);
const baseURL = `http://127.0.0.1:${PORT}`;
// Computed once in the runner and inherited by the workers through the environment.
process.env.E2E_DATA_DIR ??= path.resolve(".data", `e2e-${new Date().toISOString().replace(/[:.]/g, "-")}-${process.pid}`);

export default defineConfig({
  testDir: "e2e",
  testMatch: "*.spec.ts",
  // e2e/lab holds the network-namespace reproductions: not browser tests.
  testIgnore: ["lab/**"],
  globalSetup: "./e2e/support/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    // Signed in as the admin the server made from NETMORTEM_ADMIN_* (globalSetup wrote the cookie).
    storageState: storageStatePath(),
    headless: true,
    trace: "on-first-retry",
    // A zone far from UTC so that a local/UTC mix-up cannot pass unnoticed.
    timezoneId: "Asia/Shanghai",
    locale: "en-US",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 } } }],
  webServer: {
    command: "node e2e/support/serve.mjs",
    url: `${baseURL}/api/v1/health`,
    reuseExistingServer: false,
    // next build takes minutes on two shared cores.
    timeout: 20 * 60_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      PORT: String(PORT),
      HOSTNAME: "127.0.0.1",
      NETMORTEM_DATA_DIR: process.env.E2E_DATA_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      NETMORTEM_ADMIN_EMAIL: ADMIN.email,
      NETMORTEM_ADMIN_PASSWORD: ADMIN.password,
      NETMORTEM_ADMIN_NAME: ADMIN.name,
    },
  },
});
