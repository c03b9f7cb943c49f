import { describe, expect, it } from "vitest";
import { nstatJsonParser, nstatParser } from "./nstat";
import { facts, readRecorded } from "./testkit";

describe("nstat text", () => {
  it("reads nstat -az (zeros included) with the section split", () => {
    const text = readRecorded("nstat-az.txt");
    expect(nstatParser.sniff(text.slice(0, 4096), "")).toBeGreaterThan(0.9);
    const f = facts(nstatParser, text);
    expect(f.counters?.["TcpExt.ListenOverflows"]).toEqual({ value: 6, line: 192 });
    expect(f.counters?.["Tcp.ActiveOpens"]).toEqual({ value: 0, line: 53 });
    expect(f.counters?.["IpExt.InOctets"]).toEqual({ value: 5695, line: 311 });
    expect(f.warnings).toEqual([]);
  });

  it("reads nstat -a", () => {
    const f = facts(nstatParser, readRecorded("nstat-a.txt"));
    expect(f.counters?.["Tcp.PassiveOpens"]).toEqual({ value: 9, line: 17 });
    expect(f.counters?.["TcpExt.ListenDrops"]).toEqual({ value: 6, line: 42 });
  });

  it("warns on an unknown prefix, fails on non-nstat text", () => {
    const f = facts(nstatParser, "#kernel\nTcpExtListenOverflows 154 0.0\nFooBar 3 0.0\nTcpExtTCPBrandNewCounter 7 0.5\n");
    expect(f.counters?.["TcpExt.ListenOverflows"]).toEqual({ value: 154, line: 2 });
    // a counter this code has never heard of, under a known section, is kept
    expect(f.counters?.["TcpExt.TCPBrandNewCounter"]).toEqual({ value: 7, line: 4 });
    expect(f.warnings).toEqual([{ line: 3, message: expect.stringContaining("FooBar") }]);
    expect(nstatParser.parse("#kernel\n").status).toBe("failed");
  });
});

describe("nstat -j", () => {
  it("reads the recorded JSON", () => {
    const text = readRecorded("nstat-j.txt");
    expect(nstatJsonParser.sniff(text, "")).toBeGreaterThan(0.9);
    const f = facts(nstatJsonParser, text);
    expect(f.counters?.["TcpExt.ListenOverflows"]).toEqual({ value: 6, line: 1 });
    expect(f.counters?.["Tcp.PassiveOpens"]).toEqual({ value: 9, line: 1 });
  });

  it("cites lines of pretty-printed JSON and fails on broken JSON", () => {
    const f = facts(nstatJsonParser, '{\n  "kernel": {\n    "IpInReceives": 5,\n    "TcpExtTW": 2\n  }\n}\n');
    expect(f.counters?.["TcpExt.TW"]).toEqual({ value: 2, line: 4 });
    expect(nstatJsonParser.parse('{"kernel":{').status).toBe("failed");
    expect(nstatJsonParser.parse('{"other":{}}').status).toBe("failed");
  });
});
