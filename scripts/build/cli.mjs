#!/usr/bin/env node
// Builds the `netmortem` command with esbuild (run by postinstall, so `npm ci` is the only set-up step):
//   dist/cli/          the command, one chunk per subcommand (code splitting: `netmortem --help` loads no engine)
//   dist/netmortem-agent.mjs   the same commands in one self-contained file for nodes (`node netmortem-agent.mjs …`)
// Both are ESM for Node 20 with everything bundled (the capture engine's WebAssembly is base64 inside core-wasm.ts).
// Written to a temporary folder and renamed into place, so a build running while a test spawns the command never
// shows it half a build. `--check`: exit 1 when dist/ is missing or older than a source it is built from.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = path.join(root, "dist");
const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  legalComments: "none",
  define: { __NETMORTEM_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies bundled into ESM call require() for Node built-ins
  banner: { js: "import { createRequire as __nmCreateRequire } from 'node:module'; const require = __nmCreateRequire(import.meta.url);" },
  absWorkingDir: root,
};

const tmp = path.join(root, `.dist-build-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
try {
  await build({ ...common, entryPoints: { bin: "cli/bin.ts" }, outdir: path.join(tmp, "cli"), splitting: true, chunkNames: "chunks/[name]-[hash]" });
  await build({ ...common, entryPoints: ["cli/agent-bin.ts"], outfile: path.join(tmp, "netmortem-agent.mjs") });
  mkdirSync(dist, { recursive: true });
  // swap each output in whole
  const oldCli = path.join(dist, `.cli-old-${process.pid}`);
  if (existsSync(path.join(dist, "cli"))) renameSync(path.join(dist, "cli"), oldCli);
  renameSync(path.join(tmp, "cli"), path.join(dist, "cli"));
  rmSync(oldCli, { recursive: true, force: true });
  renameSync(path.join(tmp, "netmortem-agent.mjs"), path.join(dist, "netmortem-agent.mjs"));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const size = (f) => (statSync(f).size / 1024).toFixed(0);
const chunks = readdirSync(path.join(dist, "cli", "chunks")).length;
if (!process.argv.includes("--quiet")) console.log(`netmortem ${version}: dist/cli (bin ${size(path.join(dist, "cli", "bin.js"))} kB + ${chunks} chunks), dist/netmortem-agent.mjs ${size(path.join(dist, "netmortem-agent.mjs"))} kB`);
