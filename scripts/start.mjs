#!/usr/bin/env node
// `npm start` (and `node scripts/start.mjs --dev`): build if there is no build yet, apply migrations, then run
// Next on PORT (default 3000) / HOSTNAME (default 0.0.0.0). Signals are forwarded so the server closes its
// database (an embedded PGlite that is killed mid-write can lose data).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serverNodeOptions } from "./node-options.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  // db.ts closes the database and exits on SIGINT/SIGTERM; Next's own handler would exit without waiting for it.
  NEXT_MANUAL_SIG_HANDLE: "1",
};

let child = null;
let stopping = false;

function run(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: "inherit" });
    child.on("exit", (code, signal) => {
      child = null;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    if (!child) process.exit(sig === "SIGINT" ? 130 : 143);
    child.kill(sig);
    // A server that does not stop in time is killed rather than left behind.
    setTimeout(() => child?.kill("SIGKILL"), 15_000).unref();
  });
}

async function main() {
  if (!dev && !existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("[start] no build found: running next build");
    const code = await run(bin("next"), ["build"]);
    if (code !== 0 || stopping) return code;
  }
  const migrated = await run(bin("tsx"), [path.join(root, "scripts", "migrate.ts")]);
  if (migrated !== 0 || stopping) return migrated;
  const port = process.env.PORT || "3000";
  const hostname = process.env.HOSTNAME || "0.0.0.0";
  // Idle keep-alive connections stay open 65 s (Node's default is 5 s): a client or proxy that reuses a
  // connection idle for 5 s raced the server closing it and got ECONNRESET (seen in CI's e2e and by
  // bench:ingest). Above the 60 s idle timeout of common load balancers, as their docs advise.
  const keepAlive = process.env.NETMORTEM_KEEPALIVE_MS || "65000";
  const args = [dev ? "dev" : "start", "--port", port, "--hostname", hostname];
  if (!dev) args.push("--keepAliveTimeout", keepAlive);
  return run(bin("next"), args, serverNodeOptions(process.env));
}

main().then((code) => process.exit(code));
