/**
 * npm run fuzz -- --target capture|pcapng|bundle|text[,…] [--runs N] [--seed S] [--budget-ms 5000] [--mem-mb 1024]
 *
 * Structure-aware fuzzing with deterministic inputs (scripts/fuzz/targets.ts): input i of seed S is always the
 * same bytes, so any failure replays with `--seed S --from i --runs 1`. Inputs run in a worker thread; the
 * main thread watches it: an input running longer than --budget-ms (default 5 s) is a hang (the thread is
 * terminated and the run goes on after it), the process's RSS past --mem-mb is an over-memory failure, an
 * exception out of an entry point that promises never to throw is a crash. Failing inputs are saved to
 * .fuzz/<target>-<seed>-<i>.bin. Prints one report row per target (runs, time, executions/s, crashes, hangs,
 * over memory, slowest input) and exits 1 on any failure. (Jazzer.js was tried first: its 4.0.0 prebuilt
 * addon needs GLIBC 2.38 / GLIBCXX 3.4.32, Debian 12 has 2.36; building it needs cmake-js, which downloads.)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { TARGETS } from "./targets";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return dflt;
  return args[i]!.includes("=") ? args[i]!.slice(args[i]!.indexOf("=") + 1) : args[i + 1] ?? dflt;
};
const targets = opt("target", "capture,pcapng,bundle,text").split(",").map((s) => s.trim()).filter(Boolean);
const runs = Number(opt("runs", "1000"));
const seed = Number(opt("seed", String(Date.now() % 1e9)));
const from = Number(opt("from", "0"));
const budgetMs = Number(opt("budget-ms", "5000"));
const memMb = Number(opt("mem-mb", "1024"));
const outDir = path.join(here, "../../.fuzz");

for (const t of targets) if (!TARGETS[t]) {
  console.error(`fuzz: unknown target '${t}' (${Object.keys(TARGETS).join(", ")}; the API target: npm run fuzz:api)`);
  process.exit(2);
}

type Failure = { kind: "crash" | "hang" | "memory"; i: number; message: string };
type Row = { target: string; runs: number; seconds: number; perSecond: number; failures: Failure[]; slowestMs: number; peakRssMb: number };

async function fuzz(target: string): Promise<Row> {
  const failures: Failure[] = [];
  const t0 = performance.now();
  let next = from;
  const end = from + runs;
  let slowestMs = 0;
  let peakRss = 0;
  while (next < end) {
    const shared = new SharedArrayBuffer(8);
    const cur = new Int32Array(shared);
    Atomics.store(cur, 0, next);
    Atomics.store(cur, 1, next);
    const worker = new Worker(path.join(here, "worker.mjs"), { workerData: { target, seed, start: next, end, shared } });
    const result = await new Promise<{ resumeAt: number }>((resolve) => {
      let lastDone = next;
      let lastChange = performance.now();
      let settled = false;
      const finish = (resumeAt: number) => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        resolve({ resumeAt });
      };
      worker.on("message", (m: { kind: string; i?: number; message?: string; maxMs?: number }) => {
        if (m.kind === "crash") failures.push({ kind: "crash", i: m.i!, message: m.message! });
        if (m.kind === "done") {
          slowestMs = Math.max(slowestMs, m.maxMs ?? 0);
          finish(end);
        }
      });
      worker.on("error", (err) => {
        const i = Atomics.load(cur, 0);
        failures.push({ kind: /memory/i.test(String(err)) ? "memory" : "crash", i, message: String(err) });
        finish(i + 1);
      });
      worker.on("exit", () => finish(Atomics.load(cur, 0) + 1));
      const watch = setInterval(() => {
        const done = Atomics.load(cur, 1);
        const now = performance.now();
        if (done !== lastDone) {
          lastDone = done;
          lastChange = now;
        }
        const rss = process.memoryUsage().rss / 1048576;
        peakRss = Math.max(peakRss, rss);
        const i = Atomics.load(cur, 0);
        if (now - lastChange > budgetMs && i === done) {
          failures.push({ kind: "hang", i, message: `input ran over ${budgetMs} ms` });
          slowestMs = Math.max(slowestMs, now - lastChange);
          void worker.terminate();
          finish(i + 1);
        } else if (rss > memMb) {
          failures.push({ kind: "memory", i, message: `process RSS ${rss.toFixed(0)} MB over the ${memMb} MB budget` });
          void worker.terminate();
          finish(i + 1);
        }
      }, 100);
    });
    next = result.resumeAt;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (failures.length) {
    fs.mkdirSync(outDir, { recursive: true });
    for (const f of failures.slice(0, 50)) fs.writeFileSync(path.join(outDir, `${target}-${seed}-${f.i}.bin`), TARGETS[target]!.input(seed, f.i));
  }
  return { target, runs, seconds, perSecond: runs / seconds, failures, slowestMs, peakRssMb: peakRss };
}

const rows: Row[] = [];
for (const t of targets) {
  const row = await fuzz(t);
  rows.push(row);
  const count = (k: Failure["kind"]) => row.failures.filter((f) => f.kind === k).length;
  console.log(`| ${t} | ${row.runs} | ${row.seconds.toFixed(1)} s | ${row.perSecond.toFixed(0)}/s | ${count("crash")} | ${count("hang")} | ${count("memory")} | ${row.slowestMs.toFixed(0)} ms | ${row.peakRssMb.toFixed(0)} MB | seed ${seed} |`);
  for (const f of row.failures.slice(0, 10)) console.log(`  ${f.kind} at input ${f.i}: ${f.message.split("\n").slice(0, 3).join(" / ")}`);
}
process.exit(rows.some((r) => r.failures.length > 0) ? 1 : 0);
