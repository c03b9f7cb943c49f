/**
 * `npm run bench:analyze`: end-to-end time of analyzeBundle (read → parse → summarise captures → diagnose)
 * on a ~50 MB bundle of many hosts built from the corpus, the lab's recorded captures and tcpdump text.
 * References measured in the same run: readBundle alone, and `tar -xzf` of the same bundle as a .tar.gz.
 * Target: < 3 s. The temp directory is removed at the end (also on failure).
 * BENCH_KEEP=<dir>: only build the bundle into <dir>/bundle and keep it (for a profiler), no timing.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readBundle } from "../../lib/analysis/bundle";
import { analyzeBundle, diagnose, type CaptureInput } from "../../lib/analysis/diagnosis";
import { sharedPath } from "../../lib/testing/shared";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = sharedPath("corpus");
const TARGET_BYTES = Number(process.env.BENCH_BYTES ?? 50 * 1024 * 1024);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function sources(): string[] {
  const dirs = [
    path.join(CORPUS, "proc"), path.join(CORPUS, "cmd"), path.join(CORPUS, "logs"), path.join(CORPUS, "pcap"),
    path.join(REPO, "lib/analysis/diagnosis/testdata"), path.join(REPO, "lib/analysis/evidence/testdata"),
  ];
  return dirs.flatMap((d) => { try { return walk(d); } catch { return []; } }).filter((f) => !/\.md$/.test(f));
}

function build(root: string): { hosts: number; bytes: number; files: number } {
  const files = sources();
  const perHost = files.reduce((a, f) => a + statSync(f).size, 0);
  const hosts = Math.max(1, Math.ceil(TARGET_BYTES / perHost));
  let bytes = 0;
  let n = 0;
  for (let h = 0; h < hosts; h++) {
    const dir = path.join(root, `node-${String(h).padStart(2, "0")}`);
    mkdirSync(dir, { recursive: true });
    files.forEach((f, i) => {
      // flat, unique names: the reader must recognise files by content, not by their folder
      copyFileSync(f, path.join(dir, `${String(i).padStart(3, "0")}-${path.basename(f)}`));
      bytes += statSync(f).size;
      n++;
    });
  }
  return { hosts, bytes, files: n };
}

async function best<T>(label: string, runs: number, fn: () => Promise<T>): Promise<{ seconds: number; last: T }> {
  let bestS = Infinity;
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    last = await fn();
    const s = Number(process.hrtime.bigint() - t) / 1e9;
    bestS = Math.min(bestS, s);
  }
  console.log(`${label.padEnd(28)} best of ${runs}: ${bestS.toFixed(3)} s`);
  return { seconds: bestS, last };
}

const rssMB = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const keep = process.env.BENCH_KEEP;
  if (keep) {
    const b = build(path.join(keep, "bundle"));
    console.log(`kept: ${keep}/bundle (${b.hosts} hosts, ${b.files} files, ${(b.bytes / 1024 / 1024).toFixed(1)} MB)`);
    return;
  }
  const tmp = mkdtempSync(path.join(tmpdir(), "netmortem-bench-analyze-"));
  try {
    const bundle = path.join(tmp, "bundle");
    const b = build(bundle);
    const mb = b.bytes / 1024 / 1024;
    console.log(`bundle: ${b.hosts} hosts, ${b.files} files, ${mb.toFixed(1)} MB`);
    const tgz = path.join(tmp, "bundle.tar.gz");
    execFileSync("tar", ["-czf", tgz, "-C", tmp, "bundle"]);
    const ex = path.join(tmp, "extract");
    mkdirSync(ex);
    const tar = await best("tar -xzf (reference)", 3, async () => {
      rmSync(ex, { recursive: true, force: true });
      mkdirSync(ex);
      execFileSync("tar", ["-xzf", tgz, "-C", ex]);
    });
    const rb = await best("readBundle alone (dir)", 3, async () => readBundle([bundle]));
    // attribution: the capture engine's share and the rules' share, on the bundle already read
    const read = rb.last;
    if (read.status !== "success") throw new Error(`readBundle failed: ${read.error.message}`);
    // readBundle summarises captures while it streams: their share is the difference with and without
    const withCaps = await best("  readBundle with capture summaries", 1, async () => readBundle([bundle], { captures: {} }));
    if (withCaps.last.status !== "success") throw new Error("readBundle failed");
    const capsOut: CaptureInput[] = withCaps.last.captures;
    const caps = { seconds: Math.max(0, withCaps.seconds - rb.seconds), last: capsOut };
    const dg = await best("  diagnose (rules, pure)", 3, async () => diagnose({ hosts: read.hosts, captures: caps.last }));
    const rssRead = rssMB();
    const an = await best("analyzeBundle (dir)", 3, async () => analyzeBundle([bundle]));
    const rssAnalyze = rssMB();
    const antgz = await best("analyzeBundle (.tar.gz)", 1, async () => analyzeBundle([tgz]));
    const a = an.last;
    console.log("");
    console.log(`analyzeBundle: ${an.seconds.toFixed(3)} s, ${(mb / an.seconds).toFixed(1)} MB/s (target < 3 s: ${an.seconds < 3 ? "met" : "NOT met"})`);
    console.log(`  readBundle alone ${rb.seconds.toFixed(3)} s (${(mb / rb.seconds).toFixed(1)} MB/s); tar -xzf ${tar.seconds.toFixed(3)} s; from .tar.gz ${antgz.seconds.toFixed(3)} s`);
    console.log(`  of which: capture summaries ${caps.seconds.toFixed(3)} s (${caps.last.length} captures), diagnose ${dg.seconds.toFixed(3)} s; analyzeBundle = ${(an.seconds / tar.seconds).toFixed(1)} × tar -xzf of the same bundle`);
    console.log(`  peak RSS: ${rssRead.toFixed(0)} MB after readBundle runs, ${rssAnalyze.toFixed(0)} MB after analyzeBundle runs`);
    console.log(`  result: rootCause=${a.rootCause}, ${a.findings.length} findings (${a.findings.map((f) => `${f.id} ${f.confidence}`).join(", ")}), ${a.hosts.length} hosts`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
