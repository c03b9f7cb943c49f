import { describe, expect, it } from "vitest";
import { HostEvidence } from "./model";
import { findTakenAt, mergeHost, type ParsedFile, snapshotRank } from "./merge";

// merge is pure bookkeeping over parsers' FileFacts: these inputs are FileFacts, not command outputs
const counters = (path: string, values: Record<string, number>, takenAt?: string): ParsedFile => ({
  path, kind: "nstat", bytes: 1, warnings: [],
  facts: { counters: Object.fromEntries(Object.entries(values).map(([k, v], i) => [k, { value: v, line: i + 1 }])), ...(takenAt ? { takenAt } : {}) },
});

describe("counter deltas", () => {
  it("orders by takenAt and computes rates; keeps only changed counters; counters = latest reading", () => {
    const h = mergeHost("n", [
      counters("b.txt", { "TcpExt.ListenOverflows": 300, "Tcp.RetransSegs": 7 }, "2026-11-22T07:00:10Z"),
      counters("a.txt", { "TcpExt.ListenOverflows": 146, "Tcp.RetransSegs": 7 }, "2026-11-22T07:00:00Z"),
    ]);
    expect(h.deltas).toEqual([{
      name: "TcpExt.ListenOverflows", from: 146, to: 300, delta: 154, seconds: 10, ratePerSecond: 15.4,
      fromCite: { file: "a.txt", line: 1 }, toCite: { file: "b.txt", line: 1 },
    }]);
    expect(h.counters["TcpExt.ListenOverflows"]).toEqual({ value: 300, cite: { file: "b.txt", line: 1 } });
    expect(HostEvidence.safeParse(h).success).toBe(true);
  });

  it("orders by name hints when no time is known: before/after, t0/t1, trailing numbers", () => {
    for (const [first, second] of [["nstat-before.txt", "nstat-after.txt"], ["t0/nstat", "t1/nstat"], ["nstat-t0.txt", "nstat-t1.txt"], ["nstat-1.txt", "nstat-2.txt"]]) {
      const h = mergeHost("n", [counters(second, { X: 10 }), counters(first, { X: 4 })]);
      expect(h.deltas.map((d) => [d.fromCite.file, d.toCite.file, d.delta])).toEqual([[first, second, 6]]);
      expect(h.deltas[0].seconds).toBeUndefined();
      expect(h.counters.X.value).toBe(10);
    }
  });

  it("several formats per reading: before files of every format come before the after files", () => {
    const h = mergeHost("n", [
      counters("netstat-s-after.txt", { X: 50 }), counters("netstat-s-before.txt", { X: 10 }),
      counters("nstat-after.txt", { X: 50 }), counters("nstat-before.txt", { X: 10 }),
    ]);
    expect(h.deltas).toEqual([expect.objectContaining({ from: 10, to: 50, delta: 40 })]);
    expect(h.deltas[0].fromCite.file).toMatch(/before/);
    expect(h.deltas[0].toCite.file).toMatch(/after/);
  });

  it("falls back to file order", () => {
    const h = mergeHost("n", [counters("x", { X: 1 }), counters("y", { X: 3 })]);
    expect(h.deltas[0]).toMatchObject({ from: 1, to: 3, delta: 2 });
  });

  it("conntrack -S read twice gives Conntrack.<stat> deltas", () => {
    const ct = (path: string, v: number): ParsedFile => ({ path, kind: "conntrack-stats", bytes: 1, warnings: [], facts: { conntrack: { stats: { insert_failed: { value: v, line: 2 } } } } });
    const h = mergeHost("n", [ct("ct-before", 10), ct("ct-after", 95)]);
    expect(h.deltas).toEqual([expect.objectContaining({ name: "Conntrack.insert_failed", delta: 85 })]);
    expect(h.conntrack.stats.insert_failed.value).toBe(95);
  });
});

describe("helpers", () => {
  it("findTakenAt reads a header comment, date(1) output, ISO and epoch lines", () => {
    expect(findTakenAt("# taken at 2026-11-22T07:38:16Z\nTcpExt…")).toBe("2026-11-22T07:38:16.000Z");
    expect(findTakenAt("Sun Nov 22 07:38:16 UTC 2026\n#kernel\n")).toBe("2026-11-22T07:38:16.000Z");
    expect(findTakenAt("1795333151\nx")).toBe("2026-11-22T07:39:11.000Z");
    expect(findTakenAt("TcpExtListenOverflows 1 0.0\n")).toBeUndefined();
  });

  it("snapshotRank", () => {
    expect(snapshotRank("before.txt")).toBe(0);
    expect(snapshotRank("netstat-s-after.txt")).toBeGreaterThan(100);
    expect(snapshotRank("nstat.txt")).toBeUndefined();
  });

  it("lists are de-duplicated keeping the latest reading; every fact cites its file", () => {
    const l = (path: string, recvQ: number): ParsedFile => ({
      path, kind: "ss-listen", bytes: 1, warnings: [],
      facts: { listeners: [{ proto: "tcp", local: "0.0.0.0", port: 80, recvQ, sendQ: 128, line: 2 }] },
    });
    const h = mergeHost("n", [l("ss-1.txt", 0), l("ss-2.txt", 129)]);
    expect(h.listeners).toEqual([{ proto: "tcp", local: "0.0.0.0", port: 80, recvQ: 129, sendQ: 128, cite: { file: "ss-2.txt", line: 2 } }]);
    expect(h.files.map((f) => f.path)).toEqual(["ss-1.txt", "ss-2.txt"]);
  });
});
