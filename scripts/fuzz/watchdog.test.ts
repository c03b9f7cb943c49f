/**
 * The fuzzer's watchdogs must work, or a campaign's "0 hangs, 0 over memory" means nothing: targets that hang,
 * stall, eat memory, crash and throw late on purpose (testdata/evil-targets.ts) run through the real campaign
 * loop (the bundled worker thread, the main thread's watchdog), and each failure must be recorded at its input,
 * the campaign must go on after it, and the failing inputs must be saved.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLIP_AT, CRASH_AT, FLAKY_AT, HANG_AT, HOG_AT, LATE_AT, STALL_AT, TARGETS } from "./testdata/evil-targets";
import { buildWorker, campaign } from "./watchdog";

const out = fs.mkdtempSync(path.join(os.tmpdir(), "nm-fuzz-watchdog-"));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
let workerFile = "";
let memMb = 0;
beforeAll(async () => {
  workerFile = await buildWorker(path.join(__dirname, "testdata/evil-targets.ts"));
  // the budget sits 200 MB above this process's size now; the hogs take 350 MB
  memMb = Math.round(process.memoryUsage.rss() / 1048576) + 200;
  process.env.FUZZ_TEST_HOG_MB = "350";
}, 60_000);

describe("watchdogs", () => {
  it("a hang, a stall, memory held or spiked, a crash and a late throw are each recorded at their input, and the run goes on", async () => {
    const row = await campaign({ workerFile, target: "evil", seed: 1, runs: 16, budgetMs: 4000, memMb, outDir: out, input: TARGETS.evil!.input });
    const got = row.failures.map((f) => `${f.kind}@${f.i}`).sort();
    expect(got, JSON.stringify([row.failures, row.notReproduced, memMb])).toEqual([`crash@${CRASH_AT}`, `crash@${LATE_AT}`, `hang@${HANG_AT}`, `hang@${STALL_AT}`, `memory@${BLIP_AT}`, `memory@${HOG_AT}`].sort());
    expect(row.failures.find((f) => f.i === HANG_AT)!.message).toMatch(/ran over 4000 ms/);
    expect(row.failures.find((f) => f.i === STALL_AT)!.message).toMatch(/never settled/);
    expect(row.failures.find((f) => f.i === LATE_AT)!.message).toMatch(/deliberate late error/);
    // state left by an earlier input made FLAKY_AT hang; alone it passes: listed, not counted
    expect(row.notReproduced.map((f) => `${f.kind}@${f.i}`)).toEqual([`hang@${FLAKY_AT}`]);
    // every input ran: the campaign went on after each failure, in fresh threads
    expect(row.runs).toBe(16);
    expect(row.restarts).toBeGreaterThanOrEqual(3);
    for (const i of [HANG_AT, STALL_AT, HOG_AT, CRASH_AT, FLAKY_AT]) expect(fs.existsSync(path.join(out, `evil-1-${i}.bin`)), `input ${i} saved`).toBe(true);
    expect(Buffer.from(fs.readFileSync(path.join(out, `evil-1-${HANG_AT}.bin`))).readUInt32LE(0)).toBe(HANG_AT);
  }, 120_000);

  it("a spike shorter than the main thread's sampling is still seen: the worker reads the peak RSS of each input", async () => {
    // the main thread samples once a minute here, so only the worker's VmHWM check can catch BLIP_AT
    const row = await campaign({ workerFile, target: "evil", seed: 1, from: BLIP_AT, runs: 1, memMb, sampleMs: 60_000 });
    expect(row.failures.map((f) => `${f.kind}@${f.i}`)).toEqual([`memory@${BLIP_AT}`]);
    expect(row.failures[0]!.message).toMatch(/peak RSS \d+ MB during the input/);
  }, 60_000);

  it("a thread's start-up (code, seed corpus) is not counted against its first input", async () => {
    const row = await campaign({ workerFile, target: "slowstart", seed: 1, runs: 3, budgetMs: 1500, memMb });
    expect(row).toMatchObject({ runs: 3, failures: [], notReproduced: [] });
  }, 60_000);

  it("a clean target runs every input with no failure; a time-bounded run stops on time", async () => {
    const row = await campaign({ workerFile, target: "clean", seed: 1, runs: 5000, memMb });
    expect(row).toMatchObject({ runs: 5000, failures: [], notReproduced: [] });
    const t0 = performance.now();
    const bounded = await campaign({ workerFile, target: "evil", seed: 1, from: HANG_AT, runs: 10, budgetMs: 60_000, memMb, maxSeconds: 1 });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(bounded.runs).toBe(0);
  }, 60_000);
});
