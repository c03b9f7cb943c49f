/**
 * npm run fuzz -- --target capture|pcapng|bundle|text|api[,…] [--runs N | --seconds S] [--seed S] [--from I]
 *                 [--budget-ms 5000] [--mem-mb 512] [--progress 60] [--report FILE.md]
 *
 * Structure-aware fuzzing with deterministic inputs (scripts/fuzz/targets.ts): input i of seed S is always the
 * same bytes (given the same corpus), so a failure replays with `--seed S --from i --runs 1`. The engine targets
 * run in one long-lived worker thread under watchdogs (scripts/fuzz/watchdog.ts: an input over --budget-ms is a
 * hang, a promise that never settles is a hang, RSS over --mem-mb during an input is over memory, an exception
 * out of an entry point that promises never to throw is a crash; hangs and over-memory inputs are confirmed by
 * running them again alone). The API target (scripts/fuzz/api.ts: --db pglite|postgresql, --port 3150) starts the
 * production server itself. Prints one
 * report row per target and exits 1 on any failure. Failing inputs are saved to .fuzz/.
 * (Jazzer.js was tried first: its 4.0.0 prebuilt addon needs GLIBC 2.38 / GLIBCXX 3.4.32, Debian 12 has 2.36;
 * building it needs cmake-js, which downloads.)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS } from "./targets";
import { buildWorker, campaign, FUZZ_DIR, type Row, TABLE_HEADER, tableRow } from "./watchdog";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return dflt;
  return args[i]!.includes("=") ? args[i]!.slice(args[i]!.indexOf("=") + 1) : args[i + 1] ?? dflt;
};
const targets = opt("target", "capture,pcapng,bundle,text").split(",").map((s) => s.trim()).filter(Boolean);
const seconds = Number(opt("seconds", "0"));
const runs = Number(opt("runs", seconds > 0 ? String(1e12) : "1000"));
const seed = Number(opt("seed", String(Date.now() % 1e9)));
const from = Number(opt("from", "0"));
const budgetMs = Number(opt("budget-ms", "5000"));
const memMb = Number(opt("mem-mb", "512"));
const progress = Number(opt("progress", "60"));
const report = opt("report", "");

for (const t of targets) if (!TARGETS[t] && t !== "api") {
  console.error(`fuzz: unknown target '${t}' (${[...Object.keys(TARGETS), "api"].join(", ")})`);
  process.exit(2);
}

const rows: Row[] = [];
console.log(TABLE_HEADER);
for (const t of targets) {
  let row: Row;
  if (t === "api") {
    const { fuzzApi } = await import("./api");
    row = await fuzzApi({ seed, from, runs, maxSeconds: seconds || undefined, progressEverySec: progress, args });
  } else {
    const workerFile = await buildWorker(path.join(here, "targets.ts"));
    row = await campaign({
      workerFile, target: t, seed, from, runs, budgetMs, memMb, outDir: FUZZ_DIR, input: TARGETS[t]!.input,
      maxSeconds: seconds || undefined, progressEverySec: progress,
      onFailure: (f, alone) => console.error(`[fuzz] ${t}: ${alone ? "not reproduced alone: " : ""}${f.kind} at input ${f.i}: ${f.message.split("\n").slice(0, 3).join(" / ")}`),
      onProgress: (done, r) => console.error(`[fuzz] ${t}: ${done} inputs in ${(r.seconds / 60).toFixed(1)} min (${(done / r.seconds).toFixed(0)}/s), ${r.failures.length} failing`),
    });
  }
  rows.push(row);
  console.log(tableRow(row));
  for (const f of row.failures.slice(0, 10)) console.log(`  ${f.kind} at input ${f.i}: ${f.message.split("\n").slice(0, 3).join(" / ")}`);
  for (const f of row.notReproduced.slice(0, 10)) console.log(`  not reproduced alone: ${f.kind} at input ${f.i}: ${f.message.split("\n")[0]}`);
  if (report) fs.appendFileSync(report, `${tableRow(row)}\n`);
}
process.exit(rows.some((r) => r.failures.length > 0) ? 1 : 0);
