import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { recordedSnapshots } from "../testing/snapshots";
import { applyLinePatch, makeLinePatch } from "./line-patch";

describe("line patches", () => {
  it("give the text back, byte for byte, whatever the two texts", () => {
    const line = fc.oneof(fc.constantFrom("a", "b", "c", "", "net.core.somaxconn = 4096", " x "), fc.string({ maxLength: 6 }));
    const text = fc.array(line, { maxLength: 40 }).map((l) => l.join("\n"));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(applyLinePatch(a, makeLinePatch(a, b))).toBe(b);
      }),
      { numRuns: 2000 },
    );
  });

  it("cost a recorded node's next sysctl -a its changed lines, and every output round-trips", () => {
    const snaps = recordedSnapshots("node-srv");
    for (let i = 1; i < snaps.length; i++) {
      for (const o of snaps[i]!.outputs) {
        const before = snaps[i - 1]!.outputs.find((x) => x.name === o.name)!.content;
        const patch = makeLinePatch(before, o.content);
        expect(applyLinePatch(before, patch)).toBe(o.content);
        if (o.name === "sysctl-a.txt") expect(patch.length).toBeLessThan(o.content.length / 20);
      }
    }
  });

  it("refuses a patch that does not fit its base", () => {
    expect(() => applyLinePatch("a\nb", "=5")).toThrow(/past its base/);
    expect(() => applyLinePatch("a\nb", "=1")).toThrow(/does not cover/);
    expect(() => applyLinePatch("a", "+3\nx")).toThrow(/cut/);
    expect(() => applyLinePatch("a", "?1")).toThrow(/bad line patch/);
  });
});
