#!/usr/bin/env node
// Entry point of the `netmortem` command: the compiled JavaScript in dist/cli (built by `npm ci`'s postinstall,
// or `npm run build:cli`). NETMORTEM_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (while
// changing cli/ or lib/ without rebuilding), as does a checkout where dist/ was never built.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli/bin.js", import.meta.url);
if (process.env.NETMORTEM_FROM_SOURCE !== "1" && existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("./main.ts");
  process.exitCode = await main(process.argv.slice(2));
}
