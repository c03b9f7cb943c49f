/**
 * Fuzz targets: structure-aware generators (pcap/pcapng headers and block lengths at their extremes, archive
 * headers and names, every text parser's grammar from real files) plus mutations of real inputs (the shared
 * corpus and the recorded captures/outputs), each input deterministic from (seed, index) so a failure replays.
 * A target returns normally or throws: a throw is a crash (each entry point promises never to throw).
 */
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { readBundle } from "../../lib/analysis/bundle/index";
import { makeOverlapZip, makeTar, makeZip } from "../../lib/analysis/bundle/testdata/make";
import { summarizeCapture } from "../../lib/analysis/capture/index";
import { allParsers, evidenceFromTexts, recognise } from "../../lib/analysis/evidence/index";
import { REPO, sharedPath } from "../../lib/testing/shared";

export type Target = { name: string; input(seed: number, i: number): Uint8Array; run(input: Uint8Array): Promise<void> | void };

/** a small fast PRNG (mulberry32) per input */
export function rng(seed: number, i: number): () => number {
  let a = (seed * 0x9e3779b1 + i * 0x85ebca6b) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function files(dirs: string[], test: (f: string) => boolean, maxBytes = 2_000_000): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && test(e.name) && fs.statSync(p).size <= maxBytes) out.push(new Uint8Array(fs.readFileSync(p)));
    }
  };
  dirs.forEach(walk);
  return out;
}

/** extremes for 32-bit length fields */
const EXTREMES = [0, 1, 2, 3, 4, 7, 8, 11, 12, 15, 16, 20, 24, 27, 28, 31, 32, 255, 256, 1500, 65535, 65536, 262144, 0x7ffffff0, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

function mutate(r: () => number, seed: Uint8Array): Uint8Array {
  let b = seed.slice(0, r() < 0.3 ? int(r, 0, seed.length) : seed.length);
  const n = int(r, 1, 8);
  for (let k = 0; k < n && b.length > 0; k++) {
    const at = int(r, 0, b.length - 1);
    const op = r();
    if (op < 0.4) b[at] = int(r, 0, 255);
    else if (op < 0.7 && at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, pick(r, EXTREMES), r() < 0.5);
    else if (op < 0.85) b[at] ^= 1 << int(r, 0, 7);
    else {
      // splice a copy of a slice elsewhere (duplicated records, blocks, headers)
      const len = int(r, 1, Math.min(256, b.length - at));
      const c = new Uint8Array(b.length + len);
      c.set(b.subarray(0, at));
      c.set(b.subarray(at, at + len), at);
      c.set(b.subarray(at), at + len);
      b = c;
    }
  }
  return b;
}

function u32(v: number, le: boolean): number[] {
  return le ? [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255] : [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

/** a pcap built field by field: every header and record length from the extremes or small values */
function genPcap(r: () => number): Uint8Array {
  const le = r() < 0.7;
  const magic = pick(r, [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2c3d4, 0x12345678]);
  const out: number[] = [...u32(magic, le), ...(le ? [2, 0, 4, 0] : [0, 2, 0, 4]), 0, 0, 0, 0, 0, 0, 0, 0];
  out.push(...u32(r() < 0.5 ? pick(r, EXTREMES) : 65535, le), ...u32(pick(r, [1, 1, 1, 113, 276, 101, 0, 228, 229, int(r, 0, 300)]), le));
  const records = int(r, 0, 12);
  for (let k = 0; k < records; k++) {
    const body = int(r, 0, 120);
    const cap = r() < 0.2 ? pick(r, EXTREMES) : body;
    const orig = r() < 0.2 ? pick(r, EXTREMES) : cap;
    out.push(...u32(int(r, 0, 2e9), le), ...u32(r() < 0.1 ? pick(r, EXTREMES) : int(r, 0, 999999), le), ...u32(cap, le), ...u32(orig, le));
    // an IPv4/TCP-ish frame half the time
    const frame: number[] = [];
    if (r() < 0.5) frame.push(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 0, 0x45, 0, ...u32(int(r, 0, 65535), false).slice(2), 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2);
    while (frame.length < body) frame.push(int(r, 0, 255));
    out.push(...frame.slice(0, body));
  }
  return new Uint8Array(out);
}

/** a pcapng built block by block: SHB, IDB, EPB, SPB, others, with total lengths at the extremes */
function genPcapng(r: () => number): Uint8Array {
  const le = r() < 0.8;
  const out: number[] = [];
  const block = (type: number, body: number[]) => {
    let total = 12 + body.length;
    while (total % 4) { body.push(0); total++; }
    const stated = r() < 0.15 ? pick(r, EXTREMES) : total;
    out.push(...u32(type, le), ...u32(stated, le), ...body, ...u32(r() < 0.1 ? pick(r, EXTREMES) : stated, le));
  };
  block(0x0a0d0d0a, [...u32(0x1a2b3c4d, le), ...(le ? [1, 0, 0, 0] : [0, 1, 0, 0]), ...new Array(8).fill(r() < 0.9 ? 0xff : 0)]);
  const n = int(r, 0, 10);
  for (let k = 0; k < n; k++) {
    const t = pick(r, [1, 1, 6, 6, 6, 3, 5, 0x0a0d0d0a, int(r, 0, 0xffff), 0x80000001]);
    const body: number[] = [];
    if (t === 1) body.push(...(le ? [pick(r, [1, 113, 276, 0]), 0] : [0, 1]), 0, 0, ...u32(r() < 0.3 ? pick(r, EXTREMES) : 65535, le));
    else if (t === 6) {
      const cap = int(r, 0, 80);
      body.push(...u32(int(r, 0, 3), le), ...u32(int(r, 0, 1e6), le), ...u32(int(r, 0, 1e9), le), ...u32(r() < 0.2 ? pick(r, EXTREMES) : cap, le), ...u32(r() < 0.2 ? pick(r, EXTREMES) : cap, le));
      for (let j = 0; j < cap; j++) body.push(int(r, 0, 255));
      if (r() < 0.3) body.push(...(le ? [2, 0] : [0, 2]), ...(le ? [4, 0] : [0, 4]), 1, 2, 3, 4, 0, 0, 0, 0);
    } else for (let j = 0, m = int(r, 0, 40); j < m; j++) body.push(int(r, 0, 255));
    block(t, body);
  }
  return new Uint8Array(out);
}

let captureSeeds: Uint8Array[] | undefined;
const seedsCaptures = () => (captureSeeds ??= files([sharedPath("corpus", "pcap"), path.join(REPO, "lib/analysis/capture/testdata")], (f) => /\.(pcap|pcapng|cap)$/.test(f), 400_000));
let textSeeds: Array<{ name: string; text: string }> | undefined;
const seedsTexts = () => (textSeeds ??= (() => {
  const out: Array<{ name: string; text: string }> = [];
  const dirs = [sharedPath("corpus", "cmd"), sharedPath("corpus", "logs"), sharedPath("corpus", "proc"), path.join(REPO, "lib/analysis/evidence/testdata/recorded"), path.join(REPO, "lib/analysis/evidence/testdata/pastes")];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size < 200_000 && !/\.md$/.test(e.name) && e.name !== "cases.json") out.push({ name: e.name, text: fs.readFileSync(p, "utf8") });
    }
  };
  dirs.forEach(walk);
  return out;
})());

const enc = new TextEncoder();
const dec = new TextDecoder();

/** the seed texts each parser recognises (by recognise, as an upload would be): its grammar, from real files */
let byKind: Map<string, Array<{ name: string; text: string }>> | undefined;
const seedsByKind = () => (byKind ??= (() => {
  const m = new Map<string, Array<{ name: string; text: string }>>();
  for (const s of seedsTexts()) {
    const k = recognise(s.text.slice(0, 4096), s.name)?.kind ?? "unrecognised";
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(s);
  }
  return m;
})());

const NUMBERS = [0, -1, 1e21, 2 ** 53, 4294967296, 18446744073709551615, NaN, 0.5, "0x7fffffff", "-0", "1e309"];

/**
 * A text in one parser's grammar: real lines of the files it recognises (in order from a random place, so
 * sections and headers come with their rows), with lines of other files, numbers at their extremes and random
 * characters mixed in, CRLF now and then.
 */
function genText(r: () => number, own: Array<{ name: string; text: string }>): { name: string; text: string } {
  const seeds = seedsTexts();
  const base = pick(r, own.length ? own : seeds);
  const lines = base.text.split("\n");
  const out: string[] = [];
  const n = int(r, 0, 60);
  const start = int(r, 0, Math.max(0, lines.length - 1));
  for (let k = 0; k < n; k++) {
    const op = r();
    if (op < 0.65) out.push(lines[(start + k) % Math.max(1, lines.length)] ?? "");
    else if (op < 0.75) { const o = pick(r, seeds).text.split("\n"); out.push(o[int(r, 0, o.length - 1)] ?? ""); }
    else if (op < 0.9) out.push((lines[int(r, 0, lines.length - 1)] ?? "").replace(/\d+/g, () => String(pick(r, NUMBERS))));
    else if (op < 0.95) out.push(String.fromCharCode(...Array.from({ length: int(r, 0, 40) }, () => int(r, 0, 0x2fff))));
    else out.push((lines[int(r, 0, lines.length - 1)] ?? "").slice(0, int(r, 0, 40)));
  }
  const name = r() < 0.7 ? base.name : pick(r, ["x.log", "sysctl.txt", "ss.txt", "netstat-s.txt", "tcpdump.txt", "nf_conntrack_count", "paste.txt", "sos_commands/networking/netstat_-s"]);
  return { name, text: out.join(r() < 0.1 ? "\r\n" : "\n") };
}

/** an archive built from parts: names at the edges (.., absolute, long, NUL), entry types, gzip inside, bombs */
function genArchive(r: () => number): Uint8Array {
  const texts = seedsTexts();
  const names = ["node-1/sysctl.txt", "n/../x", "/abs", "a/b/c/d.log", "x".repeat(int(r, 90, 300)), "h\u0000x", "é/ü.txt", "C:/w", "proc/sys/net/core/somaxconn", "", "./a", "h1/ss.txt", "h2/ss.txt"];
  const specs = Array.from({ length: int(r, 0, 6) }, () => {
    const data = r() < 0.15 ? pick(r, seedsCaptures()) : enc.encode(pick(r, texts).text.slice(0, int(r, 0, 3000)));
    return { name: pick(r, names), type: r() < 0.15 ? pick(r, ["1", "2", "3", "5", "6", "x", "g", "L", "S", "7", "Z"]) : "0", data: r() < 0.2 ? new Uint8Array(gzipSync(data)) : data };
  });
  const kind = r();
  let b: Uint8Array;
  if (kind < 0.4) b = makeTar(specs, { end: r() < 0.8 });
  else if (kind < 0.6) b = new Uint8Array(gzipSync(makeTar(specs)));
  else if (kind < 0.95) b = makeZip(specs.map((s) => ({ name: s.name, data: s.data, deflate: r() < 0.6, ...(r() < 0.1 ? { mode: pick(r, [0o120777, 0o020644, 0o010644]) } : {}), ...(r() < 0.1 ? { declaredSize: pick(r, EXTREMES) } : {}) })));
  else b = makeOverlapZip(int(r, 1, 5), new Uint8Array(int(r, 0, 4096)), { quoted: r() < 0.5 });
  return r() < 0.6 ? mutate(r, b) : b;
}

export const TARGETS: Record<string, Target> = {
  capture: {
    name: "capture (pcap)",
    input(seed, i) {
      const r = rng(seed, i);
      if (r() < 0.5) return genPcap(r);
      const pcaps = seedsCaptures().filter((b) => b[0] !== 0x0a);
      return mutate(r, pick(r, pcaps));
    },
    async run(b) {
      await summarizeCapture(b, { memoryLimitMB: 64 });
    },
  },
  pcapng: {
    name: "capture (pcapng)",
    input(seed, i) {
      const r = rng(seed, i);
      if (r() < 0.5) return genPcapng(r);
      const ngs = seedsCaptures().filter((b) => b[0] === 0x0a);
      return mutate(r, pick(r, ngs));
    },
    async run(b) {
      await summarizeCapture(b, { memoryLimitMB: 64 });
    },
  },
  bundle: {
    name: "bundle (tar, tar.gz, zip)",
    input(seed, i) {
      return genArchive(rng(seed, i));
    },
    async run(b) {
      const res = await readBundle([{ name: "fuzz.tar", bytes: b }], { captures: { options: { memoryLimitMB: 64 } } });
      if (res.status !== "success" && res.status !== "failed") throw new Error("readBundle gave neither success nor failed");
    },
  },
  text: {
    name: "text parsers",
    // input i: one parser's grammar (the parser's index, the file name, the text); run through that parser
    // (sniff, parse) and the whole path of an uploaded text (paste splitting, recognition, parse, merge)
    input(seed, i) {
      const r = rng(seed, i);
      const p = int(r, 0, allParsers.length - 1);
      const t = genText(r, seedsByKind().get(allParsers[p]!.kind) ?? []);
      return enc.encode(`${p}\u0000${t.name}\u0000${t.text}`);
    },
    run(b) {
      const s = dec.decode(b);
      const a = s.indexOf("\u0000");
      const c = s.indexOf("\u0000", a + 1);
      const parser = allParsers[Number(s.slice(0, a))]!;
      const name = s.slice(a + 1, c);
      const text = s.slice(c + 1);
      // each promises never to throw
      const score = parser.sniff(text.slice(0, 4096), name);
      if (typeof score !== "number") throw new Error(`${parser.kind}: sniff gave ${typeof score}`);
      const out = typeof parser.parseNamed === "function" ? parser.parseNamed(text, name) : parser.parse(text);
      if (out.status !== "success" && out.status !== "failed") throw new Error(`${parser.kind}: neither success nor failed`);
      const host = evidenceFromTexts("fuzz", [{ path: name, text }]);
      if (!host || typeof host !== "object") throw new Error("evidenceFromTexts gave no host");
    },
  },
};
