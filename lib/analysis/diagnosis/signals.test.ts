import { describe, expect, it } from "vitest";
import { Case } from "./signals";
import { ROOT_CAUSE_THRESHOLD } from "./model";

const it0 = { host: "h", file: "f", fact: "x" };

describe("signal combination", () => {
  it("a single L, two Ls, or a single M never reach the root-cause threshold", () => {
    expect(new Case().support("a", "L", it0).confidence()).toBeLessThan(ROOT_CAUSE_THRESHOLD);
    expect(new Case().support("a", "L", it0).support("b", "L", it0).confidence()).toBeLessThan(ROOT_CAUSE_THRESHOLD);
    expect(new Case().support("a", "M", it0).confidence()).toBeLessThan(ROOT_CAUSE_THRESHOLD);
    expect(new Case().support("a", "M", it0).support("b", "L", it0).confidence()).toBeLessThan(ROOT_CAUSE_THRESHOLD);
  });
  it("one H does; two independent Ms do", () => {
    expect(new Case().support("a", "H", it0).confidence()).toBe(0.8);
    expect(new Case().support("a", "M", it0).support("b", "M", it0).confidence()).toBe(0.64);
  });
  it("the same signal seen on three hosts counts once", () => {
    const c = new Case().support("a", "M", it0).support("a", "M", it0).support("a", "M", it0);
    expect(c.confidence()).toBe(0.4);
    expect(c.evidence).toHaveLength(3);
  });
  it("counter-evidence scales the result down", () => {
    expect(new Case().support("a", "H", it0).against("x", 0.5).confidence()).toBe(0.4);
  });
  it("no signals, no finding", () => {
    expect(new Case().finding({ id: "pmtu_blackhole", title: "", summary: "", fix: [], references: [] })).toBeNull();
  });
});
