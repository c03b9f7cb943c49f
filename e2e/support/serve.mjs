// The e2e web server: build the production bundle when the sources are newer than the last build, start
// it the way production does (scripts/start.mjs migrates, then `next start`), and delete the throwaway
// data directory when Playwright stops us.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = process.env.NETMORTEM_DATA_DIR ?? "";
if (!dataDir.includes(`${path.sep}.data${path.sep}e2e-`)) {
  console.error(`serve: NETMORTEM_DATA_DIR must be a throwaway .data/e2e-* directory, got "${dataDir}"`);
  process.exit(2);
}

const SOURCES = ["app", "components", "lib", "public", "prisma", "next.config.ts", "next.config.mjs", "postcss.config.mjs", "package.json", "package-lock.json", "tsconfig.json"];
const SKIP = new Set(["node_modules", ".next", ".data", "generated"]);

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(p, { withFileTypes: true })) {
    if (SKIP.has(e.name) || e.name.endsWith(".test.ts")) continue;
    max = Math.max(max, newestMtime(path.join(p, e.name)));
  }
  return max;
}

function needsBuild() {
  if (process.env.E2E_FORCE_BUILD === "1") return true;
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

// Several people share this tree; when someone else's `next build` holds .next/lock, wait for it and
// use its result if it is fresh, instead of failing the run.
const waitUntil = Date.now() + 10 * 60_000;
for (;;) {
  if (!needsBuild()) {
    console.log("serve: .next is up to date; skipping next build");
    break;
  }
  console.log("serve: sources changed since the last build; running next build");
  const r = spawnSync("npx", ["next", "build"], { cwd: root, encoding: "utf8", env: process.env, maxBuffer: 64 << 20 });
  process.stdout.write(r.stdout ?? "");
  process.stderr.write(r.stderr ?? "");
  if (r.status === 0) break;
  const busy = /Another next build process is already running/.test(`${r.stdout}${r.stderr}`);
  if (!busy || Date.now() > waitUntil) {
    console.error(`serve: next build failed (exit ${r.status})`);
    process.exit(1);
  }
  console.log("serve: another next build is running; waiting for it");
  spawnSync("sleep", ["15"]);
}

const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: root, stdio: "inherit", env: process.env });

let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

child.on("exit", (code, signal) => {
  try {
    rmSync(dataDir, { recursive: true, force: true });
    // The data-dir lock lives beside the directory; with the directory gone it guards nothing.
    rmSync(`${dataDir}.lock`, { force: true });
    // The admin's session cookie that globalSetup saved (e2e/support/auth.ts).
    rmSync(`${dataDir}-admin-state.json`, { force: true });
  } catch (err) {
    console.error(`serve: could not remove ${dataDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0)));
});
