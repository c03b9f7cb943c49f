/**
 * The WebAssembly core's instances are reused from capture to capture (flows.ts pool; core init() resets
 * the heap, the static areas and every global). Anything the reset missed would carry one capture into the
 * next, so: each capture's summary must not depend on what the instance summarised before it. The captures
 * run forwards, then backwards with other options and a decode-only pass in between;
 * every summary must equal the one of the same capture in the other order.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { capturePackets, summarizeCapture } from "./index";
import { CORPUS, TESTDATA } from "./test-paths";

const files = [
  ...readdirSync(CORPUS).filter((n) => /\.(pcap|pcapng|cap)$/.test(n)).map((n) => path.join(CORPUS, n)),
  ...readdirSync(TESTDATA).filter((n) => /\.(pcap|pcapng)$/.test(n)).map((n) => path.join(TESTDATA, n)),
];
const plain = (x: unknown) => JSON.stringify(x);

describe("reused core instances", () => {
  it("give every capture the summary it gets after any other capture", async () => {
    expect(files.length).toBeGreaterThan(60);
    const bytes = files.map((f) => readFileSync(f));
    const opts = [{}, { idleTimeoutSec: 0.5, maxFlowsKept: 2, nodePortRange: [1, 65535] as [number, number] }];
    const forward = new Map<string, string>();
    for (let i = 0; i < files.length; i++) {
      for (const [k, o] of opts.entries()) forward.set(`${i}/${k}`, plain(await summarizeCapture(bytes[i], o)));
    }
    let compared = 0;
    for (let i = files.length - 1; i >= 0; i--) {
      // something else on the instance in between: a decode-only pass
      if (i % 7 === 0) await capturePackets(bytes[(i + 3) % files.length]);
      for (const [k, o] of [...opts.entries()].reverse()) {
        expect(plain(await summarizeCapture(bytes[i], o)), `${path.basename(files[i])} options ${k}`).toBe(forward.get(`${i}/${k}`));
        compared++;
      }
    }
    expect(compared).toBe(files.length * 2);
  }, 120_000);
});
