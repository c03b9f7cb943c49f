/**
 * `npx tsx scripts/check/vs-revision.ts REV FILE|DIR...`: the capture engine of git revision REV against the
 * working tree's, on every capture given (directories are searched for .pcap/.pcapng/.cap/.gz): both
 * summaries (summarizeCapture on the file's bytes, default options, and with every flow kept) and the
 * decoded packets (capturePackets) must be deep-equal. Prints the fields that differ; exit status 1 if any.
 *
 * This is how the WebAssembly core was checked against the JavaScript engine it replaced (session 3: REV
 * 79f1d3f, 77 captures incl. both bench captures, 0 differences). Use it for any change that should not
 * change a result (speed work, refactoring). REV's lib/analysis/capture is extracted into a temp folder
 * beside this one (so its imports of node_modules resolve) and imported from there.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import * as current from "../../lib/analysis/capture/index";

type Engine = Pick<typeof current, "summarizeCapture" | "capturePackets">;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [rev, ...args] = process.argv.slice(2);
if (!rev || args.length === 0) {
  console.error("usage: npx tsx scripts/check/vs-revision.ts REV FILE|DIR...");
  process.exit(2);
}

const files: string[] = [];
const walk = (p: string) => {
  if (statSync(p).isDirectory()) for (const n of readdirSync(p).sort()) walk(path.join(p, n));
  else if (/\.(pcap|pcapng|cap|gz)$/.test(p)) files.push(p);
};
for (const a of args) walk(a);

// the revision's capture engine, extracted beside the working tree so that its bare imports resolve
const dir = mkdtempSync(path.join(root, ".vs-revision-"));
let failed = false;
try {
  execFileSync("sh", ["-c", `git archive ${JSON.stringify(rev)} lib/analysis/capture | tar -x -C ${JSON.stringify(dir)}`], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const before = (await import(pathToFileURL(path.join(dir, "lib/analysis/capture/index.ts")).href)) as Engine;
  const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
  const report = (file: string, what: string, a: unknown, b: unknown) => {
    if (isDeepStrictEqual(plain(a), plain(b))) return;
    failed = true;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = typeof a === "object" && a !== null ? Object.keys(ra) : [""];
    for (const k of keys) {
      const [x, y] = k === "" ? [a, b] : [ra[k], rb[k]];
      if (!isDeepStrictEqual(plain(x ?? null), plain(y ?? null))) {
        console.log(`${file} ${what}${k ? ` .${k}` : ""}:\n  ${rev}: ${JSON.stringify(x)?.slice(0, 300)}\n  now: ${JSON.stringify(y)?.slice(0, 300)}`);
      }
    }
  };
  for (const file of files) {
    const bytes = readFileSync(file);
    report(file, "summary", await before.summarizeCapture(bytes), await current.summarizeCapture(bytes));
    report(file, "summary (all flows kept)", await before.summarizeCapture(bytes, { maxFlowsKept: 10_000_000 }), await current.summarizeCapture(bytes, { maxFlowsKept: 10_000_000 }));
    if (bytes.length < 50e6) report(file, "packets", await before.capturePackets(bytes), await current.capturePackets(bytes));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${files.length} captures against ${rev}: ${failed ? "DIFFERENCES above" : "0 differences"}`);
process.exit(failed ? 1 : 0);
