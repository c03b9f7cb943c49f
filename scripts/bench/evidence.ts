/**
 * npm run bench:evidence — how fast readBundle reads a ~50 MB bundle of many hosts, next to reference
 * tools on the same bytes. Builds the bundle in a temp dir (removed at the end) from real-format files:
 * the corpus and recorded outputs, repeated per host with varied numbers (so gzip sees realistic text,
 * not copies), plus a big ingress-nginx access log per host. Times readBundle (best of 3) on the .tar.gz
 * and on the directory, and, as references, `tar -xzf` of the same archive and `wc -l` over the directory.
 * Target: < 2 s for 50 MB.
 * BENCH_KEEP=<dir>: build the bundle (and bundle.tar.gz) in <dir>, keep it, and exit without timing, so a
 * profiler can be pointed at the same bytes (`node --cpu-prof` on a driver calling readBundle).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readBundle } from "../../lib/analysis/bundle/index";
import { sharedPath } from "../../lib/testing/shared";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = sharedPath("corpus");
const REC = path.join(REPO, "lib/analysis/evidence/testdata/recorded");
const HOSTS = Number(process.env.BENCH_HOSTS ?? 40);
const TARGET_MB = Number(process.env.BENCH_MB ?? 50);

const read = (p: string) => fs.readFileSync(p, "utf8");
const exists = (p: string) => fs.existsSync(p);

function accessLog(host: number, bytes: number): string {
  const lines = read(path.join(CORPUS, "logs/ingress-nginx-access-upstream-multi-status.log")).split("\n").filter(Boolean);
  const out: string[] = [];
  let n = 0;
  let size = 0;
  while (size < bytes) {
    const l = lines[n % lines.length]
      .replace(/^192\.168\.64\.\d+/, `10.${host}.${(n >> 8) & 255}.${n & 255}`)
      .replace(/ (\d+\.\d{3}) \[/, ` ${((n * 7919) % 4000) / 1000} [`)
      .replace(/[0-9a-f]{32}$/, (n * 2654435761 >>> 0).toString(16).padStart(32, "0"));
    out.push(l);
    size += l.length + 1;
    n++;
  }
  return out.join("\n") + "\n";
}

function vary(text: string, seed: number): string {
  // change counter values so hosts differ, keep the format
  let i = 0;
  return text.replace(/\b(\d{3,9})\b/g, (m) => (++i % 3 === 0 ? String((Number(m) + seed * 13) % 1e9) : m));
}

function build(root: string): number {
  const sources: Array<[string, string]> = [
    ["sysctl-a.txt", path.join(CORPUS, "cmd/sysctl-a_ubuntu-18.04_jc.out")],
    ["proc/net/netstat", path.join(CORPUS, "proc/node_exporter/net/netstat")],
    ["proc/net/snmp", path.join(CORPUS, "proc/node_exporter/net/snmp")],
    ["proc/net/snmp6", path.join(CORPUS, "proc/node_exporter/net/snmp6")],
    ["ss-ant.txt", path.join(CORPUS, "cmd/ss-ant4_datadog.out")],
    ["netstat-ant.txt", path.join(CORPUS, "cmd/netstat-ant_datadog.out")],
    ["nstat-before.txt", path.join(REC, "nstat-az.txt")],
    ["nstat-after.txt", path.join(REC, "nstat-az.txt")],
    ["ip-d-link.txt", path.join(REC, "ip-d-link.txt")],
    ["ip-route.txt", path.join(REC, "ip-route.txt")],
    ["iptables-save.txt", path.join(REC, "iptables-save.txt")],
    ["logs/error.log", path.join(REC, "nginx/error.log")],
    ["dmesg.txt", path.join(REC, "kernel/dmesg.txt")],
    ["curl-w.txt", path.join(REC, "timing/curl-w.txt")],
  ];
  const tcpdump = read(path.join(REC, "tcpdump-n.txt"));
  const fixed = sources.filter(([, p]) => exists(p)).map(([n, p]) => [n, read(p)] as const);
  const fixedBytes = fixed.reduce((s, [, t]) => s + t.length, 0) + tcpdump.length * 20;
  const perHostAccess = Math.max(100_000, Math.floor((TARGET_MB * 1e6) / HOSTS - fixedBytes));
  let total = 0;
  for (let h = 0; h < HOSTS; h++) {
    const dir = path.join(root, `node-${String(h).padStart(2, "0")}`);
    for (const [name, text] of fixed) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      const t = name === "nstat-after.txt" ? vary(text, h + 1) : vary(text, h);
      fs.writeFileSync(path.join(dir, name), t);
      total += t.length;
    }
    const td = Array.from({ length: 20 }, () => tcpdump).join("");
    fs.writeFileSync(path.join(dir, "tcpdump.txt"), td);
    const al = accessLog(h, perHostAccess);
    fs.writeFileSync(path.join(dir, "logs/access.log"), al);
    total += td.length + al.length;
  }
  return total;
}

function time<T>(f: () => T): { s: number; v: T } {
  const t0 = process.hrtime.bigint();
  const v = f();
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, v };
}
async function timeAsync<T>(f: () => Promise<T>): Promise<{ s: number; cpu: number; v: T }> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const v = await f();
  const c = process.cpuUsage(c0);
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6, v };
}

const KEEP = process.env.BENCH_KEEP;
if (KEEP) {
  fs.mkdirSync(path.join(KEEP, "bundle"), { recursive: true });
  const bytes = build(path.join(KEEP, "bundle"));
  execFileSync("tar", ["-czf", path.join(KEEP, "bundle.tar.gz"), "-C", KEEP, "bundle"]);
  console.log(`kept: ${KEEP}/bundle and ${KEEP}/bundle.tar.gz (${(bytes / 1e6).toFixed(1)} MB)`);
  process.exit(0);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nm-bench-evidence-"));
try {
  const root = path.join(tmp, "bundle");
  fs.mkdirSync(root);
  const bytes = build(root);
  const tgz = path.join(tmp, "bundle.tar.gz");
  execFileSync("tar", ["-czf", tgz, "-C", tmp, "bundle"]);
  const mb = bytes / 1e6;
  console.log(`bundle: ${HOSTS} hosts, ${mb.toFixed(1)} MB of files, ${(fs.statSync(tgz).size / 1e6).toFixed(1)} MB as .tar.gz`);

  for (const [label, input] of [[".tar.gz", tgz], ["directory", root]] as const) {
    let best = Infinity;
    let bestCpu = Infinity;
    let summary = "";
    for (let i = 0; i < 3; i++) {
      const { s, cpu, v } = await timeAsync(() => readBundle([input]));
      if (v.status !== "success") throw new Error(`readBundle failed: ${JSON.stringify(v.error)}`);
      best = Math.min(best, s);
      bestCpu = Math.min(bestCpu, cpu);
      const files = v.hosts.reduce((n, h) => n + h.files.length, 0);
      const reqs = v.hosts.reduce((n, h) => n + h.accessLog.length, 0);
      const unrec = v.hosts.reduce((n, h) => n + h.unrecognized.length, 0);
      summary = `${v.hosts.length} hosts, ${files} files recognised, ${unrec} unrecognised, ${reqs} access-log entries, ${v.hosts.reduce((n, h) => n + h.deltas.length, 0)} deltas`;
    }
    // CPU seconds next to wall seconds: on a shared 2-core machine the wall clock also measures the neighbours
    console.log(`readBundle ${label.padEnd(9)}: best of 3 ${best.toFixed(3)} s wall (${bestCpu.toFixed(3)} s CPU incl. GC threads), ${(mb / best).toFixed(1)} MB/s  (${summary})`);
  }
  const out = path.join(tmp, "x");
  fs.mkdirSync(out);
  const tarRef = time(() => execFileSync("tar", ["-xzf", tgz, "-C", out]));
  console.log(`reference  tar -xzf       : ${tarRef.s.toFixed(3)} s, ${(mb / tarRef.s).toFixed(1)} MB/s`);
  const wcRef = time(() => execFileSync("sh", ["-c", `find "${root}" -type f -print0 | xargs -0 cat | wc -l`]).toString().trim());
  console.log(`reference  cat | wc -l    : ${wcRef.s.toFixed(3)} s, ${(mb / wcRef.s).toFixed(1)} MB/s  (${wcRef.v} lines)`);
  const ru = process.resourceUsage();
  console.log(`peak RSS: ${(ru.maxRSS / 1024).toFixed(0)} MB; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
