/**
 * Nothing of a file's text stays alive after it was read (issue 10: the server kept its peak RSS after a big
 * analysis): the sniffers memoise the last head they saw and the access-log parser interns values in module-level
 * tables; holding a *slice* of the text there kept the whole text (V8 substrings point into their parent). A 16 MB
 * access log (the corpus's ingress-nginx log, repeated) read and dropped must leave next to nothing on the heap.
 */
import { readFileSync } from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { sharedPath } from "../../testing/shared";
import { detached } from "./detach";
import { evidenceFromTexts, recognise } from "./index";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const heapMb = () => process.memoryUsage().heapUsed / 1048576;
const log = readFileSync(sharedPath("corpus", "logs", "ingress-nginx-access-upstream-multi-status.log"), "utf8");

/** a 16 MB text made in here (a flat string of its own), read, and dropped when this returns */
function readOnce(how: "recognise" | "evidence"): number {
  const text = new TextDecoder().decode(Buffer.from(log.repeat(Math.ceil((16 * 1024 * 1024) / log.length))));
  if (how === "recognise") return recognise(text.slice(0, 4096), "access.log")?.score ?? 0;
  return evidenceFromTexts("h", [{ path: "access.log", text }]).files.length;
}

describe("no text kept alive by module-level memos", () => {
  it.each(["recognise", "evidence"] as const)("%s of a 16 MB access log leaves < 4 MB on the heap once dropped", async (how) => {
    gc();
    const before = heapMb();
    expect(readOnce(how)).toBeGreaterThan(0);
    // a regular expression run on something else: V8 keeps the last match's subject until the next one
    /x/.exec("xy");
    await new Promise((r) => setTimeout(r, 0));
    gc();
    gc();
    expect(heapMb() - before).toBeLessThan(4);
  });

  it("detached copies the characters", () => {
    const big = "a".repeat(100_000) + "10.0.0.5:8080" + "b".repeat(100_000);
    const s = big.slice(100_000, 100_013);
    expect(detached(s)).toBe("10.0.0.5:8080");
    expect(detached("")).toBe("");
  });
});
