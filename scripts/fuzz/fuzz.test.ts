/**
 * CI's smoke of `npm run fuzz` (seconds): every engine target runs its first inputs of a fixed seed through the
 * real campaign loop (bundled worker, watchdogs: watchdog.test.ts proves they work) and must have no crash, hang
 * or over-memory input. The campaigns at scale (10^6 inputs per target) are run by hand: see
 * lib/analysis/bundle/README.md, "Fuzzing". The API target's smoke is api.test.ts.
 */
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { TARGETS } from "./targets";
import { buildWorker, campaign, tableRow } from "./watchdog";

let workerFile = "";
beforeAll(async () => {
  workerFile = await buildWorker(path.join(__dirname, "targets.ts"));
}, 60_000);

const SMOKE: Record<string, number> = { capture: 300, pcapng: 300, bundle: 120, text: 200 };

it("the smoke covers every engine target", () => {
  expect(Object.keys(SMOKE).sort()).toEqual(Object.keys(TARGETS).sort());
});

for (const [target, runs] of Object.entries(SMOKE)) {
  it(`${target}: ${runs} inputs (at most 8 s), 0 crashes, 0 hangs over 5 s, 0 over the memory budget`, async () => {
    const row = await campaign({ workerFile, target, seed: 7, runs, maxSeconds: 8, memMb: 1024 });
    expect(row.runs, tableRow(row)).toBeGreaterThan(0);
    expect(row.failures, tableRow(row)).toEqual([]);
  }, 60_000);
}

it("inputs are deterministic: input i of seed s is always the same bytes (so a failure replays)", () => {
  for (const t of Object.values(TARGETS)) expect(Buffer.from(t.input(3, 42)).equals(Buffer.from(t.input(3, 42)))).toBe(true);
});
