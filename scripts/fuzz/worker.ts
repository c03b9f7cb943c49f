/**
 * The fuzzer's worker thread (bundled by watchdog.ts with esbuild, `fuzz:targets` aliased to the targets
 * module): runs inputs start, start + stride, … < end of one target and tells the main thread, through shared
 * memory and at no cost per input, which input is running (`cur[0]`) and the next one to run (`cur[1]`), so the
 * main thread's watchdog knows which input hung when it terminates this thread (`cur[2]` says the thread is ready:
 * its start-up is not counted against the first input). After each input the process's
 * peak RSS during it (VmHWM, reset after each input through /proc/self/clear_refs) is compared with the memory
 * budget: a spike shorter than the watchdog's sampling is caught too. Crashes and over-memory inputs go back as
 * messages and the loop goes on.
 */
import fs from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import { parentPort, workerData } from "node:worker_threads";
// @ts-expect-error resolved by esbuild's alias (watchdog.ts): the targets module this worker was built for
import { TARGETS } from "fuzz:targets";
import type { Target } from "./targets";

type Data = { target: string; seed: number; start: number; end: number; stride: number; shared: SharedArrayBuffer; memMb: number; settleMs: number };
const { target, seed, start, end, stride, shared, memMb, settleMs } = workerData as Data;
const cur = new Int32Array(shared);
const t = (TARGETS as Record<string, Target>)[target]!;

/** peak and current RSS in MB from /proc/self/status (kept open), and a reset of the peak; rss() elsewhere */
const memory = (() => {
  try {
    const fd = fs.openSync("/proc/self/status", "r");
    const clear = fs.openSync("/proc/self/clear_refs", "w");
    const buf = Buffer.alloc(8192);
    return {
      peakMb(): number {
        const n = fs.readSync(fd, buf, 0, buf.length, 0);
        const m = /VmHWM:\s+(\d+) kB/.exec(buf.toString("latin1", 0, n));
        return m ? Number(m[1]) / 1024 : process.memoryUsage.rss() / 1048576;
      },
      reset(): void {
        try {
          fs.writeSync(clear, "5");
        } catch {
          // not permitted here: the peak then only grows, and the current RSS is what counts below
        }
      },
    };
  } catch {
    return { peakMb: () => process.memoryUsage.rss() / 1048576, reset: () => undefined };
  }
})();

// an error thrown later by something an input left running (a timer, a stream's 'error' with no listener) would
// take a server down: reported as a crash of the input running when it arrives (watchdog.ts finds the culprit)
const late = (err: unknown) => parentPort!.postMessage({ kind: "crash", late: true, i: Atomics.load(cur, 0), message: `uncaught, after or outside the input's own promise: ${err instanceof Error ? `${err.message}\n${err.stack}` : String(err)}` });
process.on("uncaughtException", late);
process.on("unhandledRejection", late);

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

// the seed corpus and the generators are loaded before the first input's clock starts (cur[2]: ready): under load,
// starting a thread takes seconds, which are not any input's
try {
  t.input(seed, start);
} catch {
  // the input's own run reports it
}
Atomics.store(cur, 2, 1);

let maxMs = 0;
let maxAt = -1;
memory.reset();
for (let i = start; i < end; i += stride) {
  Atomics.store(cur, 0, i);
  const t0 = performance.now();
  try {
    const input = t.input(seed, i);
    await t.run(input);
  } catch (err) {
    parentPort!.postMessage({ kind: "crash", i, message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
  const ms = performance.now() - t0;
  // a turn of the event loop, so what an input left behind (timers, stream events) runs near it; a
  // confirmation run waits longer for it
  await new Promise((r) => (settleMs > 0 ? setTimeout(r, settleMs) : setImmediate(r)));
  if (ms > maxMs) {
    maxMs = ms;
    maxAt = i;
  }
  const peak = memory.peakMb();
  if (peak > memMb) {
    parentPort!.postMessage({ kind: "memory", i, message: `peak RSS ${peak.toFixed(0)} MB during the input, over the ${memMb} MB budget` });
    gc();
    // still over after a full collection: start again in a fresh thread rather than blame the next inputs
    if (process.memoryUsage.rss() / 1048576 > memMb * 0.8) {
      Atomics.store(cur, 1, i + stride);
      parentPort!.postMessage({ kind: "restart", maxMs, maxAt });
      process.exit(0);
    }
  } else if (peak > memMb * 0.6) {
    // garbage of earlier inputs must not count against the next one
    gc();
  }
  memory.reset();
  Atomics.store(cur, 1, i + stride);
}
// what the last inputs left running gets a moment to throw before the thread says it is done
await new Promise((r) => setTimeout(r, 50));
parentPort!.postMessage({ kind: "done", maxMs, maxAt });
