/**
 * Property tests: arbitrary bytes and truncated / mutated real files through `recognise`, every parser
 * and the bundle reader never throw (and the result has the promised shape). Bounded numRuns.
 *
 * Linearity is checked by construction, not by the clock: every parser gets adversarial long lines
 * (hundreds of KB of quote, bracket, digit, separator runs — the inputs a backtracking regex or a nested
 * rescan turns quadratic). A quadratic pass over 400 KB is ~10^11 steps and would blow the test timeout;
 * a linear one finishes in milliseconds.
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { allParsers, recognise } from "./registry";
import { parseTextFile } from "./index";
import { HostEvidence } from "./model";
import { corpus, RECORDED } from "./testdata/paths";
import { readBundle } from "../bundle/index";
import { makeTar, makeZip } from "../bundle/testdata/make";

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...listFiles(p));
    else if (d.isFile() && fs.statSync(p).size < 200_000) out.push(p);
  }
  return out;
}

const textFiles = [...listFiles(corpus("logs")), ...listFiles(corpus("cmd")), ...listFiles(corpus("proc")), ...listFiles(RECORDED)]
  .filter((p) => !/\.(pcap|pcapng|gz)$/.test(p));
const texts = textFiles.map((p) => ({ name: path.basename(p), text: fs.readFileSync(p, "latin1") }));

function checkAll(text: string, name: string) {
  const r = recognise(text, name);
  if (r) expect(r.score).toBeGreaterThanOrEqual(0.3);
  for (const p of allParsers) {
    const s = p.sniff(text.slice(0, 16384), name);
    expect(Number.isFinite(s)).toBe(true);
    const out = p.parse(text);
    expect(out.status === "success" || out.status === "failed").toBe(true);
  }
  const f = parseTextFile(text, name);
  expect(f.status === "recognised" || f.status === "unrecognised").toBe(true);
}

describe("never throws", () => {
  it("arbitrary strings through recognise and every parser", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 3000 }), fc.string({ maxLength: 30 }), (s, name) => {
      checkAll(s, name);
    }), { numRuns: 150 });
  });

  it("arbitrary line soup made of real-format fragments", () => {
    const frag = fc.constantFrom("IP ", "IP6 ", " > ", ": ", "Flags [", "S.]", ", seq ", "1:", ", ack ", "options [", "mss ",
      "TS val ", "[", "]", "\"", "\\", "- ", "/", " 0.001", "200, ", " : ", "time_total: ", "real\t", "0m", "s", "\n",
      "2026/11/22 07:40:01 [error] 1#1: ", "upstream timed out (110: ", "[ 12.5] ", "nf_conntrack: table full", "E1215 04:15:13.816036       8 x.go:1] ",
      "Server Version: ", "nodePort: ", "{\"message\":\"", "ACCESS [2019-04-08T16:50:12.533Z] \"", "07:39:11.149799 ", " 00:00:01.000000 ");
    fc.assert(fc.property(fc.array(frag, { maxLength: 400 }), (parts) => checkAll(parts.join(""), "x.log")), { numRuns: 150 });
  });

  it("truncated and mutated real files", () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: texts.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      (i, cut, muts) => {
        const chars = texts[i].text.slice(0, Math.floor(texts[i].text.length * cut)).split("");
        for (const [at, c] of muts) if (chars.length) chars[Math.floor(at * (chars.length - 1))] = String.fromCharCode(c);
        checkAll(chars.join(""), texts[i].name);
      }), { numRuns: 200 });
  });

  it("the bundle reader on arbitrary and mutated archive bytes", async () => {
    const tar = makeTar(texts.slice(0, 6).map((t, i) => ({ name: `h${i % 2}/${t.name}`, data: t.text })));
    const archives = [tar, new Uint8Array(gzipSync(tar)), makeZip(texts.slice(0, 6).map((t) => ({ name: `n/${t.name}`, data: t.text, deflate: true })))];
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: archives.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      async (i, cut, muts) => {
        const b = archives[i].slice(0, Math.max(1, Math.floor(archives[i].length * cut)));
        for (const [at, v] of muts) b[Math.floor(at * (b.length - 1))] = v;
        const res = await readBundle([{ name: "b.tar", bytes: b }]);
        expect(res.status === "success" || res.status === "failed").toBe(true);
        if (res.status === "success") for (const h of res.hosts) expect(HostEvidence.safeParse(h).success).toBe(true);
      }), { numRuns: 120 });
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), async (b) => {
      const r = await readBundle([{ name: "x", bytes: b }]);
      expect(["success", "failed"]).toContain(r.status);
    }), { numRuns: 150 });
  });
});

describe("linear by construction: adversarial long lines finish", () => {
  const N = 400_000;
  const patterns = [
    "\"".repeat(N), "[".repeat(N), "1".repeat(N), "- ".repeat(N / 2), ", ".repeat(N / 2), " : ".repeat(N / 3),
    "a".repeat(N), `1.2.3.4 - - [07/Feb/2020:11:48:51 +0000] "${"\\\"".repeat(N / 2)}`, "time_connect: 1".repeat(N / 16),
    "( ".repeat(N / 2), "{0:1}".repeat(N / 5), `07:39:11.149799 IP ${"1.".repeat(N / 2)} > `, "TS val 1 ecr 2,".repeat(N / 15),
  ];
  for (const [i, p] of patterns.entries()) {
    it(`pattern ${i} (${p.slice(0, 12)}…)`, () => {
      checkAll(p, "x.log");
      checkAll(`${p}\n${p}`, "x.log");
    });
  }
});
