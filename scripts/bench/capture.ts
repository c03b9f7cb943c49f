/**
 * `npm run bench:capture -- [FILE]`: throughput and peak RSS of netmortem's capture engine versus
 * `tshark -r FILE -q -z conv,tcp` on the same file. Without FILE it records one first
 * (scripts/bench/record-bench-capture.sh → .bench/bench.pcap, gitignored).
 * The engine runs in a child process so the RSS figure is its own; that process reads and summarises the whole
 * file BENCH_RUNS times (default 3): the first pass is cold (JIT warm-up), the headline is the fastest pass.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync, openSync, readSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");

function vmHwmKb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall back to resourceUsage
  }
  return process.resourceUsage().maxRSS;
}

async function child(file: string, runs: number): Promise<void> {
  // imports (and tsx's transpiling) happen before the clock starts; every run reads the whole file afresh
  // what `netmortem capture FILE` runs
  const { summarizeCaptureFile } = await import("../../cli/commands/capture");
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < runs; i++) {
    // each pass's peak RSS on its own: collect the previous pass's garbage, then reset VmHWM (Linux)
    (globalThis as { gc?: () => void }).gc?.();
    try {
      writeFileSync("/proc/self/clear_refs", "5");
    } catch {
      // not Linux or not permitted: the figure is then the process's peak so far
    }
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const s = await summarizeCaptureFile(file);
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(c0);
    out.push({
      packets: s.packets,
      seconds: sec,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssKb: vmHwmKb(),
      tcpFlows: s.tcpFlows,
      udpFlows: s.udpFlows,
      flowsByState: s.flowsByState,
      retransmissions: s.retransmissions,
      error: s.error,
    });
  }
  process.stdout.write(JSON.stringify(out));
}

type Run = { packets: number; seconds: number; cpuSeconds: number; maxRssKb: number; bytes: number; note?: string; extra?: string };

function row(name: string, r: Run): string {
  const mbps = r.bytes / 1e6 / r.seconds;
  const cpuMbps = r.bytes / 1e6 / r.cpuSeconds;
  return `${name.padEnd(12)} ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB ${String(r.packets).padStart(9)} pkts ${r.seconds.toFixed(2).padStart(7)} s ${mbps.toFixed(1).padStart(8)} MB/s ${(r.packets / r.seconds / 1e3).toFixed(0).padStart(6)} kpkt/s | cpu ${r.cpuSeconds.toFixed(2).padStart(6)} s ${cpuMbps.toFixed(1).padStart(8)} MB/s-cpu | peak RSS ${(r.maxRssKb / 1024).toFixed(0).padStart(5)} MB${r.note ? `  (${r.note})` : ""}`;
}

/** one child process (so the RSS figure is the engine's), `runs` full passes over the file in it */
function runEngine(file: string, size: number, runs: number): Promise<Array<Run & { extra: string }>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), "--child", file, String(runs)], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`engine child exited ${code}`));
      const all = JSON.parse(out) as Array<{ packets: number; seconds: number; cpuSeconds: number; maxRssKb: number } & Record<string, unknown>>;
      resolve(
        all.map((j) => ({
          packets: j.packets,
          seconds: j.seconds,
          cpuSeconds: j.cpuSeconds,
          maxRssKb: j.maxRssKb,
          bytes: size,
          extra: JSON.stringify({ tcpFlows: j.tcpFlows, udpFlows: j.udpFlows, flowsByState: j.flowsByState, retransmissions: j.retransmissions, error: j.error }),
        })),
      );
    });
  });
}

/** copies whole pcap records up to `limit` bytes, so tshark reads a clean prefix */
function pcapPrefix(file: string, limit: number, out: string): { bytes: number; packets: number } {
  const fd = openSync(file, "r");
  const od = openSync(out, "w");
  const hdr = Buffer.alloc(24);
  readSync(fd, hdr, 0, 24, 0);
  const magic = hdr.readUInt32BE(0);
  const le = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
  if (!le && magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error("prefix extrapolation needs a pcap (not pcapng) file");
  writeSync(od, hdr);
  let pos = 24;
  let packets = 0;
  const rec = Buffer.alloc(16);
  const buf = Buffer.alloc(1 << 20);
  while (pos < limit) {
    if (readSync(fd, rec, 0, 16, pos) < 16) break;
    const cap = le ? rec.readUInt32LE(8) : rec.readUInt32BE(8);
    const data = cap <= buf.length ? buf : Buffer.alloc(cap);
    if (readSync(fd, data, 0, cap, pos + 16) < cap) break;
    writeSync(od, rec);
    writeSync(od, data, 0, cap);
    pos += 16 + cap;
    packets++;
  }
  closeSync(fd);
  closeSync(od);
  return { bytes: pos, packets };
}

/** an uncompressed pcap file (either byte order, micro- or nanoseconds) */
function isPlainPcap(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(4);
    readSync(fd, b, 0, 4, 0);
    return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(b.readUInt32BE(0));
  } finally {
    closeSync(fd);
  }
}

function runTshark(file: string, size: number, packetsTotal: number): Run {
  const limitSec = Number(process.env.TSHARK_TIME_LIMIT ?? 120);
  const prefixBytes = Number(process.env.TSHARK_PREFIX_MB ?? 100) * 1e6;
  let target = file;
  let note = "";
  let bytes = size;
  let tmp: string | undefined;
  if (size > prefixBytes * 1.5) {
    tmp = mkdtempSync(path.join(tmpdir(), "nmbench-"));
    if (isPlainPcap(file)) {
      target = path.join(tmp, "prefix.pcap");
      const pre = pcapPrefix(file, prefixBytes, target);
      bytes = pre.bytes;
    } else {
      // pcapng (or compressed): editcap keeps the first N packets, N by packet share; the bytes are then the
      // prefix file's own size, so the extrapolation uses what tshark really read
      target = path.join(tmp, "prefix.pcapng");
      const n = Math.max(1, Math.round((packetsTotal * prefixBytes) / size));
      execFileSync("editcap", ["-F", "pcapng", "-r", file, target, `1-${n}`]);
      bytes = statSync(target).size;
    }
    note = `tshark on the first ${(bytes / 1e6).toFixed(0)} MB (%P% packets) of the file; full-file time extrapolated ≈ ${"%T%"} s`;
  }
  try {
    const r = spawnSync("/usr/bin/time", ["-v", "timeout", String(limitSec), "tshark", "-r", target, "-q", "-z", "conv,tcp"], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const err = r.stderr ?? "";
    const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
    const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
    const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN);
    const cpuSeconds = Number(/User time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? NaN) + Number(/System time \(seconds\): ([\d.]+)/.exec(err)?.[1] ?? NaN);
    const timedOut = /exit status 124/.test(err) || r.status === 124;
    let packets = packetsTotal;
    if (tmp) packets = Number(execFileSync("capinfos", ["-c", "-M", "-T", target], { encoding: "utf8" }).trim().split("\n").pop()?.split("\t")[1] ?? NaN);
    if (tmp) note = note.replace("%T%", ((seconds * size) / bytes).toFixed(1)).replace("%P%", String(packets));
    if (timedOut) note += `${note ? "; " : ""}hit the ${limitSec} s limit: figures are a lower bound`;
    return { packets, seconds, cpuSeconds, maxRssKb: rss, bytes, note };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child(args[1], Number(args[2] ?? 1));
  let file = args[0];
  if (!file) {
    file = path.join(root, ".bench/bench.pcap");
    if (!existsSync(file)) {
      console.log("no FILE given: recording one with scripts/bench/record-bench-capture.sh");
      execFileSync("bash", [path.join(here, "record-bench-capture.sh"), file], { stdio: "inherit" });
    } else console.log(`no FILE given: using the recorded ${path.relative(root, file)} (delete it to record afresh)`);
  }
  const size = statSync(file).size;
  console.log(`file ${file}: ${size} bytes (${(size / 1e6).toFixed(1)} MB); machine: ${(await import("node:os")).cpus().length} cores, node ${process.version}`);
  // warm the page cache so both tools read from memory, not disk
  execFileSync("cat", [file], { stdio: ["ignore", "ignore", "ignore"] });
  const nRuns = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const runs = await runEngine(file, size, nRuns);
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  for (const [i, r] of runs.entries()) console.log(row(`netmortem#${i + 1}`, r));
  console.log(
    `(${nRuns} full passes in ONE process, each reading and summarising the whole file; #1 is cold: it includes JIT warm-up. ` +
      `Headline below = the fastest pass${nRuns > 1 ? `; the cold pass alone: ${(size / runs[0].seconds / 1e6).toFixed(0)} MB/s` : ""})`,
  );
  console.log(`netmortem result: ${best.extra}`);
  // the reference needs tshark, GNU time (for tshark's peak RSS) and, for big files, capinfos/editcap
  const missing = ["tshark", "capinfos", "editcap", "/usr/bin/time"].filter((c) => spawnSync(c, ["--version"], { stdio: "ignore" }).error !== undefined);
  const ts = missing.length === 0 ? runTshark(file, size, best.packets) : undefined;
  if (ts) console.log(row("tshark", ts));
  else console.log(`tshark reference not measured: missing ${missing.join(", ")} (apt-get install tshark time)`);
  const ours = size / best.seconds;
  const theirs = ts ? ts.bytes / ts.seconds : NaN;
  const oursCpu = size / Math.min(...runs.map((r) => r.cpuSeconds));
  const theirsCpu = ts ? ts.bytes / ts.cpuSeconds : NaN;
  const load = (await import("node:os")).loadavg()[0];
  console.log(
    `\nbest netmortem run: ${(ours / 1e6).toFixed(0)} MB/s wall (${(ours / 1e9).toFixed(2)} GB/s)` +
      (ts
        ? `, ${(ours / theirs).toFixed(1)}x tshark's wall throughput; per CPU second ${(oursCpu / 1e6).toFixed(0)} MB vs tshark ${(theirsCpu / 1e6).toFixed(0)} MB (${(oursCpu / theirsCpu).toFixed(1)}x)`
        : `; per CPU second ${(oursCpu / 1e6).toFixed(0)} MB`) +
      `; peak RSS ${(Math.max(...runs.map((r) => r.maxRssKb)) / 1024).toFixed(0)} MB (worst pass)${ts ? ` vs tshark ${(ts.maxRssKb / 1024).toFixed(0)} MB` : ""}; load average ${load.toFixed(1)} on ${(await import("node:os")).cpus().length} cores`,
  );
  // what `netmortem capture FILE` gets: one pass in a fresh process, several times (the page cache warmed
  // before each: this VM pages out file pages idle for 30 s)
  const nCold = Math.max(0, Number(process.env.BENCH_COLD_RUNS ?? 3));
  const colds: number[] = [runs[0].seconds];
  for (let i = 0; i < nCold; i++) {
    execFileSync("cat", [file], { stdio: ["ignore", "ignore", "ignore"] });
    const [r] = await runEngine(file, size, 1);
    colds.push(r.seconds);
  }
  colds.sort((a, b) => a - b);
  const coldMedian = colds[colds.length >> 1];
  const cold = size / coldMedian;
  console.log(
    `cold passes (fresh process each, ${colds.length} incl. #1): ${colds.map((c) => `${c.toFixed(2)} s`).join(" ")}; median ${(cold / 1e9).toFixed(2)} GB/s, best ${(size / colds[0] / 1e9).toFixed(2)} GB/s`,
  );
  console.log(
    `targets (wall clock, fastest pass): >= 1 GB/s ${ours >= 1e9 ? "MET" : "NOT MET"}, >= 20x tshark ${ts ? (ours / theirs >= 20 ? "MET" : "NOT MET") : "not measured"}` +
      ` | cold (median of ${colds.length}): >= 1 GB/s ${cold >= 1e9 ? "MET" : "NOT MET"} (${(cold / 1e9).toFixed(2)} GB/s)${ts ? `, ${(cold / theirs).toFixed(1)}x tshark` : ""}`,
  );
}

await main();
