/**
 * Runs inputs [start, end) of one target; the index being run is in the shared `cur` (so the parent knows
 * which input hung when it terminates this thread), crashes go back as messages and the loop goes on.
 */
import { parentPort, workerData } from "node:worker_threads";
import { TARGETS } from "./targets";

const { target, seed, start, end, shared } = workerData as { target: string; seed: number; start: number; end: number; shared: SharedArrayBuffer };
const cur = new Int32Array(shared);
const t = TARGETS[target]!;
let maxMs = 0;
let maxAt = -1;
for (let i = start; i < end; i++) {
  Atomics.store(cur, 0, i);
  let input: Uint8Array;
  try {
    input = t.input(seed, i);
  } catch (err) {
    parentPort!.postMessage({ kind: "crash", i, message: `generator: ${err instanceof Error ? err.stack : String(err)}` });
    continue;
  }
  const t0 = performance.now();
  try {
    await t.run(input);
  } catch (err) {
    parentPort!.postMessage({ kind: "crash", i, message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
  const ms = performance.now() - t0;
  if (ms > maxMs) {
    maxMs = ms;
    maxAt = i;
  }
  Atomics.store(cur, 1, i + 1);
}
parentPort!.postMessage({ kind: "done", maxMs, maxAt });
