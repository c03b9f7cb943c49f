// Vitest global set-up: tests that spawn `cli/netmortem.js` must run the code under test, so the command is rebuilt
// from the sources first (esbuild, about a second).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  execFileSync(process.execPath, [path.join(root, "scripts/build/cli.mjs"), "--quiet"], { stdio: "inherit" });
}
