/**
 * Targets that fail on purpose, for the watchdogs' own tests (watchdog.test.ts): each input is its index as 4
 * bytes; input HANG_AT spins forever, STALL_AT awaits a promise that never settles (nothing else to run),
 * HOG_AT holds HOG_MB of touched memory for a moment, BLIP_AT allocates it for well under the watchdog's 50 ms
 * sampling (only the peak RSS the worker reads after the input can see it), CRASH_AT throws, LATE_AT throws
 * from a timer after its input returned, FLAKY_AT hangs only after POISON_AT ran in the same thread (state left
 * by an earlier input: not the input's own fault, so not reproduced alone). Every other input returns at once.
 */
import type { Target } from "../targets";

export const HANG_AT = 3;
export const STALL_AT = 5;
export const HOG_AT = 7;
export const BLIP_AT = 8;
export const CRASH_AT = 9;
export const LATE_AT = 13;
export const POISON_AT = 10;
export const FLAKY_AT = 12;
let poisoned = false;
let warmed = false;
export const HOG_MB = Number(process.env.FUZZ_TEST_HOG_MB ?? 700);

const index = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(0, true);
const input = (_seed: number, i: number) => new Uint8Array(new Uint32Array([i]).buffer);
const touch = (mb: number) => {
  const b = Buffer.allocUnsafe(mb * 1048576);
  for (let o = 0; o < b.length; o += 4096) b[o] = 1;
  return b;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const TARGETS: Record<string, Target> = {
  evil: {
    name: "deliberately failing",
    input,
    async run(b) {
      const i = index(b);
      if (i === HANG_AT) for (;;) { /* a hang: never returns */ }
      if (i === STALL_AT) await new Promise(() => undefined);
      if (i === HOG_AT) {
        const held = touch(HOG_MB);
        await sleep(400);
        if (held.length === 0) throw new Error("unreachable");
      }
      if (i === BLIP_AT) {
        const held = touch(HOG_MB);
        if (held[0] !== 1) throw new Error("unreachable");
      }
      if (i === CRASH_AT) throw new Error("deliberate crash");
      if (i === POISON_AT) poisoned = true;
      if (i === FLAKY_AT && poisoned) for (;;) { /* hangs only after POISON_AT */ }
      if (i === LATE_AT) setTimeout(() => { throw new Error("deliberate late error"); }, 1);
    },
  },
  clean: { name: "never fails", input, run() {} },
  // its generator takes 2.5 s the first time it is called (loading seeds, as on a loaded machine): not an input's time
  slowstart: {
    name: "slow to start",
    input(seed, i) {
      if (!warmed) {
        const until = Date.now() + 2500;
        while (Date.now() < until) { /* loading */ }
        warmed = true;
      }
      return input(seed, i);
    },
    run() {},
  },
};
