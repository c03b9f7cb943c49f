/**
 * Property tests over every system parser: arbitrary text, arbitrary bytes, and truncated or mutated real
 * files never make parse/sniff throw, sniff stays in 0..1, and every cited line exists in the input.
 * Large adversarial inputs (one huge line, many repeated lines) run once each: a catastrophic regex or a
 * quadratic loop would blow the test timeout; no timing is asserted.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ParseOutcome, TextParser } from "../../parser";
import { parseSystemFile, sniffSystem, systemParsers } from "./index";
import { readCorpus, readRecorded } from "./testkit";

const SAMPLES: string[] = [
  readRecorded("sysctl-somaxconn.txt"), readRecorded("proc-net-netstat.txt"), readRecorded("proc-net-snmp.txt"),
  readRecorded("proc-net-snmp6.txt"), readRecorded("proc-net-sockstat.txt"), readRecorded("nstat-a.txt"),
  readRecorded("nstat-j.txt"), readRecorded("netstat-s.txt"), readRecorded("ss-ltnp.txt"), readRecorded("ss-tanpie.txt"),
  readRecorded("ss-s.txt"), readRecorded("proc-net-tcp.txt"), readRecorded("netstat-ant.txt"), readRecorded("ip-d-link.txt"),
  readRecorded("ip-j-d-link.json"), readRecorded("ip-addr.txt"), readRecorded("ip-j-addr.json"), readRecorded("ip-route.txt"),
  readRecorded("ip-j-route.json"), readRecorded("ip-route-get-pmtu.txt"), readRecorded("ip-route-cache.txt"),
  readRecorded("ip-neigh.txt"), readRecorded("conntrack-S.txt"), readRecorded("proc-net-stat-nf_conntrack.txt"),
  readRecorded("uname-a.txt"), readRecorded("nft-list-ruleset.txt"), readRecorded("iptables-save.txt"),
  readRecorded("iptables-nat-nvL.txt"), readRecorded("proc-net-dev.txt"), readRecorded("proc-net-softnet_stat.txt"),
  readCorpus("cmd/ping-dup_centos-7.7_jc.out"), readCorpus("cmd/ss-a_centos-7.7_jc.out"),
  readRecorded("extra", "ifconfig-a.txt"), readRecorded("extra", "route-n.txt"), readRecorded("extra", "ip-br-addr.txt"),
  readRecorded("extra", "conntrack-L.txt"),
];

function lineCount(text: string): number {
  return text.split("\n").length;
}

/** Every `line` a fact cites must be a line of the input. */
function citedLines(v: unknown, out: number[] = []): number[] {
  if (Array.isArray(v)) for (const x of v) citedLines(x, out);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "line" && typeof x === "number") out.push(x);
      else citedLines(x, out);
    }
  }
  return out;
}

function check(p: TextParser, text: string): ParseOutcome {
  const s = p.sniff(text.slice(0, 4096), "x");
  expect(s).toBeGreaterThanOrEqual(0);
  expect(s).toBeLessThanOrEqual(1);
  const out = parseSystemFile(p, text, "nf_conntrack_count");
  expect(["success", "failed"]).toContain(out.status);
  if (out.status === "success") {
    const n = lineCount(text);
    for (const l of citedLines(out.data)) {
      expect(Number.isInteger(l) && l >= 1 && l <= n).toBe(true);
    }
    for (const w of out.warnings) if (w.line !== undefined) expect(w.line >= 1 && w.line <= n).toBe(true);
  }
  return out;
}

/** A real file cut at a random point, with a few lines dropped, duplicated or garbled. */
const mutated = fc.tuple(
  fc.constantFrom(...SAMPLES), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.string()), { maxLength: 6 }),
).map(([text, cut, edits]) => {
  const lines = text.slice(0, cut % (text.length + 1)).split("\n");
  for (const [at, op, s] of edits) {
    if (lines.length === 0) break;
    const i = at % lines.length;
    if (op === 0) lines.splice(i, 1);
    else if (op === 1) lines.splice(i, 0, lines[i]);
    else if (op === 2) lines[i] = lines[i].slice(0, s.length) + s;
    else lines[i] = s;
  }
  return lines.join("\n");
});

describe("system parsers: properties", () => {
  it("never throw on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => {
      for (const p of systemParsers) check(p, s);
      sniffSystem(s, "x");
    }), { numRuns: 200 });
  });

  it("never throw on arbitrary bytes (read as latin1 and as UTF-8)", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
      const buf = Buffer.from(b);
      for (const text of [buf.toString("latin1"), buf.toString("utf8")]) for (const p of systemParsers) check(p, text);
    }), { numRuns: 200 });
  });

  it("never throw on truncated and mutated real files", () => {
    fc.assert(fc.property(mutated, (text) => {
      for (const p of systemParsers) check(p, text);
      sniffSystem(text.slice(0, 4096), "x");
    }), { numRuns: 200 });
  });

  it("handle large adversarial inputs without blowing up", () => {
    const big = [
      "a".repeat(200_000),
      "= ".repeat(100_000),
      "1 ".repeat(100_000),
      ":".repeat(200_000),
      "TcpExt: " + "X ".repeat(50_000) + "\nTcpExt: " + "1 ".repeat(50_000),
      "net.a = b\n".repeat(20_000),
      "    cache expires 1sec mtu 1\n".repeat(10_000),
      "{".repeat(50_000),
      '{"kernel":{' + Array.from({ length: 20_000 }, (_, i) => `"TcpExtX${i}":${i}`).join(",\n") + "}}",
      "tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:* " + "users:((".repeat(20_000),
      "table ip t {\n\tchain c {\n" + "\t\ttcp dport 30080 dnat to 1.2.3.4:80\n".repeat(10_000) + "\t}\n}\n",
      "-A X " + '"'.repeat(100_000),
      "1: eth0: <UP> " + "mtu 1 ".repeat(30_000),
    ];
    for (const text of big) for (const p of systemParsers) check(p, text);
  });

  it("parse a real file repeated 20 times to 20 times the facts (no state leaking between blocks)", () => {
    const one = readRecorded("ss-tan.txt");
    const p = sniffSystem(one, "")!.parser;
    const once = p.parse(one);
    const many = p.parse(one.repeat(20));
    expect(once.status === "success" && many.status === "success").toBe(true);
    if (once.status === "success" && many.status === "success") {
      expect(many.data.sockets?.length).toBe((once.data.sockets?.length ?? 0) * 20);
    }
  });
});
