/**
 * `npx tsx scripts/bench/synflood.ts [OUT] [FLOWS] [--run]`: writes a SYN-flood capture (default
 * .bench/synflood.pcap, 4 000 000 flows, 280 MB: the size issue 10 measured 2.0-2.2 GB of RSS on) and, with
 * --run, measures `netmortem capture` and `netmortem analyze` on it: wall time and peak RSS (/usr/bin/time -v),
 * next to the same commands on the recorded bench capture (.bench/bench.pcap) when it exists, as a reference.
 *
 * The capture is generated, not recorded: 4 M spoofed SYNs through a namespace on this shared 2-core VM would
 * take minutes and tcpdump would drop packets. It follows the formats exactly (pcap, Ethernet II, IPv4 with a
 * valid header checksum, a 20-byte TCP SYN without options as flood tools send it, valid checksum): one
 * unanswered SYN per flow from a random source address and port to 10.96.0.10:443, 100 000 packets per
 * second, 70 bytes per record: 4 M flows make the issue's 280 MB. Deterministic (a fixed PRNG seed). Never
 * committed (.bench/ is ignored).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** mulberry32: the same capture every time (xorshift32's consecutive outputs repeated 464 address/port pairs in 4 M) */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function checksum(b: Buffer, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += b.readUInt16BE(i);
  if ((end - start) & 1) sum += b[end - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

const FRAME = 14 + 20 + 20; // Ethernet, IPv4, TCP without options

/** one SYN frame from src:sport to 10.96.0.10:443 */
function synFrame(out: Buffer, at: number, src: number, sport: number, isn: number, ipId: number): void {
  const b = out;
  // Ethernet: a router's MAC to the node's
  b.writeUIntBE(0x02000a600001, at, 6);
  b.writeUIntBE(0x020000000fe1, at + 6, 6);
  b.writeUInt16BE(0x0800, at + 12);
  const ip = at + 14;
  b[ip] = 0x45;
  b[ip + 1] = 0;
  b.writeUInt16BE(40, ip + 2);
  b.writeUInt16BE(ipId, ip + 4);
  b.writeUInt16BE(0x4000, ip + 6); // DF
  b[ip + 8] = 57;
  b[ip + 9] = 6;
  b.writeUInt16BE(0, ip + 10);
  b.writeUInt32BE(src >>> 0, ip + 12);
  b.writeUInt32BE(0x0a60000a, ip + 16); // 10.96.0.10
  b.writeUInt16BE(checksum(b, ip, ip + 20), ip + 10);
  const t = ip + 20;
  b.writeUInt16BE(sport, t);
  b.writeUInt16BE(443, t + 2);
  b.writeUInt32BE(isn >>> 0, t + 4);
  b.writeUInt32BE(0, t + 8);
  b[t + 12] = 5 << 4;
  b[t + 13] = 0x02; // SYN
  b.writeUInt16BE(64240, t + 14);
  b.writeUInt16BE(0, t + 16);
  b.writeUInt16BE(0, t + 18);
  // checksum over the pseudo-header (addresses, protocol, TCP length) and the segment
  let pseudo = (src >>> 16) + (src & 0xffff) + 0x0a60 + 0x000a + 6 + 20;
  while (pseudo >> 16) pseudo = (pseudo & 0xffff) + (pseudo >> 16);
  b.writeUInt16BE(checksum(b, t, t + 20, pseudo), t + 16);
}

export function writeSynFlood(file: string, flows: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, "w");
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16);
  hdr.writeUInt32LE(1, 20);
  writeSync(fd, hdr);
  const rnd = prng(0x5eed);
  const t0 = 1_797_000_000;
  const pps = 100_000;
  const rec = 16 + FRAME;
  const chunk = Buffer.alloc(rec * 65536);
  let n = 0;
  let packet = 0;
  const emit = (src: number, sport: number, isn: number) => {
    const ts = t0 + packet / pps;
    const sec = Math.floor(ts);
    const at = n * rec;
    chunk.writeUInt32LE(sec, at);
    chunk.writeUInt32LE(Math.round((ts - sec) * 1e6) % 1_000_000, at + 4);
    chunk.writeUInt32LE(FRAME, at + 8);
    chunk.writeUInt32LE(FRAME, at + 12);
    synFrame(chunk, at + 16, src, sport, isn, packet & 0xffff);
    packet++;
    if (++n === 65536) {
      writeSync(fd, chunk);
      n = 0;
    }
  };
  for (let i = 0; i < flows; i++) {
    // spoofed sources outside 10.96/12, ports 1024-65535
    const src = (rnd() | 0x01000000) & 0xdfffffff;
    const sport = 1024 + (rnd() % 64512);
    emit(src, sport, rnd());
  }
  if (n > 0) writeSync(fd, chunk.subarray(0, n * rec));
  closeSync(fd);
}

function measure(label: string, args: string[]): void {
  const r = spawnSync("/usr/bin/time", ["-v", process.execPath, path.join(root, "cli/netmortem.js"), ...args], { cwd: root, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const err = r.stderr ?? "";
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN);
  const untracked = /"untrackedFlows":\s*(\{[^}]*\})/.exec(r.stdout ?? "")?.[1]?.replace(/\s+/g, " ");
  console.log(`${label.padEnd(34)} exit ${r.status}  ${seconds.toFixed(1).padStart(6)} s  peak RSS ${(rss / 1024).toFixed(0).padStart(5)} MB${untracked ? `  untrackedFlows ${untracked}` : ""}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const file = path.resolve(args[0] ?? path.join(root, ".bench/synflood.pcap"));
  const flows = Number(args[1] ?? 4_000_000);
  if (!existsSync(file) || process.argv.includes("--regenerate")) {
    const t = Date.now();
    writeSynFlood(file, flows);
    console.log(`wrote ${file}: ${(statSync(file).size / 1e6).toFixed(1)} MB, ${flows} flows, in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  } else console.log(`using ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB; --regenerate to write it again)`);
  if (process.argv.includes("--run")) {
    execFileSync("cat", [file], { stdio: ["ignore", "ignore", "ignore"] });
    measure("netmortem capture FILE --json", ["capture", file, "--json", "--flows", "5"]);
    measure("netmortem analyze FILE", ["analyze", file]);
    const bench = path.join(root, ".bench/bench.pcap");
    if (existsSync(bench)) {
      execFileSync("cat", [bench], { stdio: ["ignore", "ignore", "ignore"] });
      measure("reference: capture .bench/bench.pcap", ["capture", bench, "--json", "--flows", "5"]);
    }
  }
}
