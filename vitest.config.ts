import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["lib/**/*.test.ts", "components/**/*.test.ts", "cli/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts", "e2e/lab/**/*.test.ts", "deploy/**/*.test.ts"],
    environment: "node",
    globalSetup: ["scripts/build/vitest-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
