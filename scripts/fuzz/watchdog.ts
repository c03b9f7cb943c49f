/**
 * The fuzzer's campaign loop and its watchdogs (used by run.ts, tested by watchdog.test.ts with targets that
 * hang, stall, crash and eat memory on purpose: testdata/evil-targets.ts).
 *
 * One long-lived worker thread runs input after input (worker.ts; esbuild-bundled once per targets module, so a
 * restart costs a fraction of a second, not a TypeScript compile). The main thread watches it every 50 ms:
 *   - an input running longer than `budgetMs` is a **hang**: the thread is terminated, the input recorded and a
 *     fresh thread goes on after it;
 *   - a thread that ends without finishing its inputs (its event loop ran dry while an input's promise was
 *     pending: a promise that never settles) is a **hang** too (a stall), recorded and restarted the same way;
 *   - the process's RSS past `memMb` while an input runs is an **over-memory** input (terminated, restarted);
 *     the worker also compares the peak RSS during each input (VmHWM) with the budget, so a short spike counts;
 *   - an exception out of a target (which promises never to throw), or an uncaught error, is a **crash**.
 * Every hang and over-memory input is then run again alone in a fresh thread: only one that fails again is
 * counted (a machine too loaded to finish an input in time, or garbage left by earlier inputs, is not the
 * input's fault); those that do not are listed as "not reproduced alone". Failing inputs are written to
 * `outDir/<target>-<seed>-<i>.bin`; any one replays with `--seed S --from i --runs 1`.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, "../..");
export const FUZZ_DIR = path.join(REPO_ROOT, ".fuzz");

export type FailureKind = "crash" | "hang" | "memory";
export type Failure = { kind: FailureKind; i: number; message: string };
export type Row = {
  target: string;
  seed: number;
  from: number;
  runs: number;
  seconds: number;
  cpuSeconds: number;
  perSecond: number;
  failures: Failure[];
  /** hangs and over-memory inputs that did not fail again when run alone */
  notReproduced: Failure[];
  slowestMs: number;
  slowestAt: number;
  peakRssMb: number;
  restarts: number;
};

export type CampaignOptions = {
  /** the bundled worker (buildWorker) */
  workerFile: string;
  target: string;
  seed: number;
  from?: number;
  runs: number;
  budgetMs?: number;
  memMb?: number;
  /** where failing inputs are written (none when undefined) */
  outDir?: string;
  /** the input generator, to write failing inputs (the targets module's TARGETS[target].input) */
  input?: (seed: number, i: number) => Uint8Array;
  /** called about every `progressEverySec` seconds */
  onProgress?: (done: number, row: Pick<Row, "seconds" | "failures">) => void;
  progressEverySec?: number;
  /** stop taking new inputs after this many seconds (a smoke run); runs then says how many ran */
  maxSeconds?: number;
  /** each failure as soon as it is confirmed (or found not to reproduce alone) */
  onFailure?: (f: Failure, notReproduced: boolean) => void;
  /** how often the main thread looks at the worker (progress, elapsed time, RSS): 50 ms */
  sampleMs?: number;
};

const built = new Map<string, Promise<string>>();
/** how long a worker thread may take to load its code and seeds before its first input */
const STARTUP_MS = 120_000;

/** Bundles worker.ts with `fuzz:targets` → targetsFile into .fuzz/build/ (next to the repo, so paths resolve). */
export function buildWorker(targetsFile: string): Promise<string> {
  let p = built.get(targetsFile);
  if (!p) {
    p = (async () => {
      const outDir = path.join(FUZZ_DIR, "build");
      fs.mkdirSync(outDir, { recursive: true });
      const outfile = path.join(outDir, `worker-${path.basename(targetsFile).replace(/\W+/g, "-")}-${process.pid}.mjs`);
      await build({
        entryPoints: [path.join(here, "worker.ts")],
        outfile,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        logLevel: "warning",
        alias: { "fuzz:targets": targetsFile },
        absWorkingDir: REPO_ROOT,
        banner: { js: "import { createRequire as __nmCreateRequire } from 'node:module'; const require = __nmCreateRequire(import.meta.url);" },
      });
      process.once("exit", () => fs.rmSync(outfile, { force: true }));
      return outfile;
    })();
    built.set(targetsFile, p);
  }
  return p;
}

type Outcome = { failures: Array<Failure & { late?: boolean }>; resumeAt: number; maxMs: number; maxAt: number; peakRss: number; finished: boolean };

/** One worker over inputs [start, end); resolves when it finishes, or is terminated or dies at an input. */
type WorkerOptions = Required<Pick<CampaignOptions, "workerFile" | "target" | "seed" | "budgetMs" | "memMb" | "sampleMs">>;

function runWorker(o: WorkerOptions, start: number, end: number, deadline: number, settleMs = 0, onTick?: (next: number) => void): Promise<Outcome> {
  const shared = new SharedArrayBuffer(12);
  const cur = new Int32Array(shared);
  Atomics.store(cur, 0, start);
  Atomics.store(cur, 1, start);
  const worker = new Worker(o.workerFile, { workerData: { target: o.target, seed: o.seed, start, end, stride: 1, shared, memMb: o.memMb, settleMs }, stdout: false, stderr: false });
  const failures: Array<Failure & { late?: boolean }> = [];
  let peakRss = 0;
  return new Promise((resolve) => {
    let settled = false;
    let lastNext = start;
    let lastChange = performance.now();
    let maxMs = 0;
    let maxAt = -1;
    const finish = (resumeAt: number, finished = false) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      resolve({ failures, resumeAt, maxMs, maxAt, peakRss, finished });
    };
    const stop = (f: Failure) => {
      failures.push(f);
      void worker.terminate();
      finish(f.i + 1);
    };
    worker.on("message", (m: { kind: string; i?: number; message?: string; maxMs?: number; maxAt?: number; late?: boolean }) => {
      if (m.kind === "crash" || m.kind === "memory") failures.push({ kind: m.kind, i: m.i!, message: m.message!, ...(m.late ? { late: true } : {}) });
      if (m.kind === "done" || m.kind === "restart") {
        if ((m.maxMs ?? 0) > maxMs) {
          maxMs = m.maxMs!;
          maxAt = m.maxAt!;
        }
      }
      if (m.kind === "done") finish(end, true);
    });
    worker.on("error", (err) => {
      // an uncaught error or rejection out of an input's leftovers: the thread is gone
      const i = Atomics.load(cur, 0);
      failures.push({ kind: /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(String(err)) ? "memory" : "crash", i, message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
      finish(i + 1);
    });
    worker.on("exit", () => {
      if (settled) return;
      const next = Atomics.load(cur, 1);
      const i = Atomics.load(cur, 0);
      // a restart asked for by the worker (memory still high) resumes where it said; any other end before
      // "done" is an input whose promise never settled with nothing left to run
      if (next > i) finish(next);
      else {
        failures.push({ kind: "hang", i, message: "stalled: the input's promise never settled and nothing was left to run" });
        finish(i + 1);
      }
    });
    const started = performance.now();
    const watch = setInterval(() => {
      const now = performance.now();
      if (Atomics.load(cur, 2) === 0) {
        // still starting (loading its code and the seed corpus): the first input's clock has not started
        lastChange = now;
        if (now - started > STARTUP_MS) stop({ kind: "hang", i: start, message: `the worker thread did not start within ${STARTUP_MS / 1000} s` });
        return;
      }
      const next = Atomics.load(cur, 1);
      if (next !== lastNext) {
        lastNext = next;
        lastChange = now;
      }
      const rss = process.memoryUsage.rss() / 1048576;
      peakRss = Math.max(peakRss, rss);
      onTick?.(next);
      const i = Atomics.load(cur, 0);
      if (now - lastChange > o.budgetMs && i === next) {
        stop({ kind: "hang", i, message: `input ran over ${o.budgetMs} ms` });
      } else if (rss > o.memMb) {
        stop({ kind: "memory", i, message: `process RSS ${rss.toFixed(0)} MB over the ${o.memMb} MB budget while the input ran` });
      } else if (now > deadline) {
        // a time-bounded (smoke) run: stop after the input running now
        void worker.terminate();
        finish(Math.max(next, start));
      }
    }, o.sampleMs);
  });
}

export async function campaign(opts: CampaignOptions): Promise<Row> {
  const o: WorkerOptions = { workerFile: opts.workerFile, target: opts.target, seed: opts.seed, budgetMs: opts.budgetMs ?? 5000, memMb: opts.memMb ?? 512, sampleMs: opts.sampleMs ?? 50 };
  const from = opts.from ?? 0;
  const end = from + opts.runs;
  const failures: Failure[] = [];
  const notReproduced: Failure[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const deadline = opts.maxSeconds ? t0 + opts.maxSeconds * 1000 : Infinity;
  let next = from;
  let slowestMs = 0;
  let slowestAt = -1;
  let peakRssMb = 0;
  let restarts = 0;
  let lastProgress = t0;
  let reported = 0;
  const progressEvery = (opts.progressEverySec ?? 60) * 1000;
  const absorb = (r: Outcome) => {
    if (r.maxMs > slowestMs) {
      slowestMs = r.maxMs;
      slowestAt = r.maxAt;
    }
    peakRssMb = Math.max(peakRssMb, r.peakRss);
  };
  while (next < end && performance.now() < deadline) {
    // run in slices so progress is reported and a long campaign's thread is renewed now and then
    const sliceEnd = Math.min(end, next + 100_000);
    const r = await runWorker(o, next, sliceEnd, deadline, 0, (at) => {
      const now = performance.now();
      if (opts.onProgress && now - lastProgress >= progressEvery) {
        lastProgress = now;
        opts.onProgress(at - from, { seconds: (now - t0) / 1000, failures });
      }
    });
    absorb(r);
    for (const f of r.failures) {
      if (f.kind === "crash" && !f.late) failures.push(f);
      else if (f.kind === "crash") {
        // an error thrown after its input returned arrives during a later input: run the candidates alone,
        // newest first, waiting for their leftovers, and blame the first that throws again
        let blamed: Failure | undefined;
        for (let c = f.i; c >= Math.max(from, f.i - 8) && !blamed; c--) {
          const again = await runWorker(o, c, c + 1, Infinity, 300);
          if (again.failures.some((g) => g.kind === "crash")) blamed = { kind: "crash", i: c, message: f.message };
        }
        failures.push(blamed ?? { kind: "crash", i: f.i, message: `${f.message} (not reproduced alone by input ${f.i} or the 8 before it)` });
      } else {
        // confirm alone, in a fresh thread, with the same budgets
        const again = await runWorker(o, f.i, f.i + 1, Infinity);
        const same = again.failures.find((g) => g.i === f.i && g.kind === f.kind);
        if (same) failures.push({ kind: f.kind, i: f.i, message: f.message });
        else notReproduced.push({ kind: f.kind, i: f.i, message: `${f.message} (alone: ${again.failures.length ? again.failures.map((g) => g.kind).join(", ") : `passed in ${again.maxMs.toFixed(0)} ms`})` });
      }
      if (f.kind === "hang" && f.message.startsWith("input ran over") && failures.some((g) => g.i === f.i && g.kind === "hang")) {
        slowestMs = Math.max(slowestMs, o.budgetMs);
        slowestAt = f.i;
      }
    }
    // said at once (a campaign runs for hours), the input saved now
    for (const f of [...failures, ...notReproduced].slice(reported)) {
      opts.onFailure?.(f, notReproduced.includes(f));
      if (opts.outDir && opts.input && reported < 50) {
        fs.mkdirSync(opts.outDir, { recursive: true });
        fs.writeFileSync(path.join(opts.outDir, `${opts.target}-${opts.seed}-${f.i}.bin`), opts.input(opts.seed, f.i));
      }
      reported++;
    }
    if (!r.finished) restarts++;
    next = r.finished ? sliceEnd : r.resumeAt;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const runs = Math.min(next, end) - from;
  return {
    target: opts.target, seed: opts.seed, from, runs, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, perSecond: runs / seconds,
    failures, notReproduced, slowestMs, slowestAt, peakRssMb, restarts,
  };
}

/** the report's table row: target | runs | time | exec/s | CPU s | crashes | hangs | over memory | slowest | peak RSS | seed */
export function tableRow(r: Row): string {
  const count = (k: FailureKind) => r.failures.filter((f) => f.kind === k).length;
  const time = r.seconds >= 3600 ? `${(r.seconds / 3600).toFixed(2)} h` : r.seconds >= 120 ? `${(r.seconds / 60).toFixed(1)} min` : `${r.seconds.toFixed(1)} s`;
  return `| ${r.target} | ${r.runs} | ${time} | ${r.perSecond.toFixed(0)}/s | ${r.cpuSeconds.toFixed(0)} s | ${count("crash")} | ${count("hang")} | ${count("memory")} | ${r.slowestMs.toFixed(0)} ms (#${r.slowestAt}) | ${r.peakRssMb.toFixed(0)} MB | ${r.seed} |`;
}

export const TABLE_HEADER = "| target | executions | run time | executions/s | CPU | crashes | hangs > budget | over memory | slowest input | peak RSS | seed |\n|---|---|---|---|---|---|---|---|---|---|---|";
