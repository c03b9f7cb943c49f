/**
 * A capture at the node: tcpdump bounded in time, packets and bytes, then summarised here by the project's capture
 * engine (lib/analysis/capture), so only the summary has to travel (the raw pcap only when asked).
 */
import { spawn } from "node:child_process";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { summarizeCaptureSource } from "../analysis/capture";
import type { CaptureSummary } from "../analysis/capture/model";
import { INGEST_LIMITS } from "../schemas/ingest";

export type CaptureSpec = {
  iface: string;
  seconds: number;
  filter?: string;
  /** default 1 000 000 packets */
  maxPackets?: number;
  /** default 256 MB */
  maxBytes?: number;
};

export type CaptureResult = {
  /** the pcap written (in its own temporary folder; `cleanup()` removes it) */
  file: string;
  seconds: number;
  tcpdump?: { captured: number; received: number; dropped: number };
  /** why it stopped early, if it did (packet or byte bound, a signal) */
  stoppedBy?: string;
  cleanup: () => Promise<void>;
};

export class CaptureError extends Error {}

/** tcpdump's closing counts ("12 packets captured", "14 packets received by filter", "0 packets dropped by kernel") */
export function tcpdumpCounts(stderr: string): CaptureResult["tcpdump"] {
  const n = (re: RegExp) => {
    const m = re.exec(stderr);
    return m ? Number(m[1]) : undefined;
  };
  const captured = n(/(\d+) packets? captured/);
  const received = n(/(\d+) packets? received by filter/);
  const dropped = n(/(\d+) packets? dropped by kernel/);
  if (captured === undefined || received === undefined || dropped === undefined) return undefined;
  return { captured, received, dropped };
}

/**
 * Runs tcpdump on `iface` for `seconds` (or until the packet or byte bound), into a temporary pcap.
 * `signal` aborts it early (the capture so far is kept). Throws CaptureError when tcpdump cannot run.
 */
export async function runCapture(spec: CaptureSpec, signal?: AbortSignal): Promise<CaptureResult> {
  if (!/^[A-Za-z0-9_.:@-]{1,64}$/.test(spec.iface)) throw new CaptureError(`'${spec.iface}' is not an interface name`);
  if (spec.filter && spec.filter.length > 500) throw new CaptureError("the capture filter is longer than 500 characters");
  const dir = await mkdtemp(path.join(tmpdir(), "netmortem-capture-"));
  const file = path.join(dir, "capture.pcap");
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const maxPackets = spec.maxPackets ?? 1_000_000;
  const maxBytes = spec.maxBytes ?? 256 * 1024 * 1024;
  // -B 8192 -U without --immediate-mode: the lab found the immediate-mode ring drops under bursts (e2e/lab/README.md)
  const argv = ["-i", spec.iface, "-s", "0", "-B", "8192", "-U", "-n", "-c", String(maxPackets), "-w", file];
  if (spec.filter) argv.push(spec.filter);
  const started = Date.now();
  let stderr = "";
  let stoppedBy: string | undefined;
  const child = spawn("tcpdump", argv, { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr.on("data", (c: Buffer) => {
    if (stderr.length < 8192) stderr += c.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", (e: NodeJS.ErrnoException) => reject(new CaptureError(e.code === "ENOENT" ? "tcpdump is not installed on this node" : `tcpdump: ${e.message}`)));
    child.on("close", (code) => resolve(code));
  });
  const stop = (why: string) => {
    if (!stoppedBy) stoppedBy = why;
    child.kill("SIGINT");
  };
  const timer = setTimeout(() => stop("time"), spec.seconds * 1000 + 1200);
  const watch = setInterval(() => {
    stat(file)
      .then((s) => {
        if (s.size >= maxBytes) stop(`the ${maxBytes}-byte bound`);
      })
      .catch(() => undefined);
  }, 250);
  const onAbort = () => stop("a signal");
  signal?.addEventListener("abort", onAbort);
  let code: number | null;
  try {
    code = await exited;
  } catch (err) {
    await cleanup();
    throw err;
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
    signal?.removeEventListener("abort", onAbort);
  }
  const counts = tcpdumpCounts(stderr);
  if (code !== 0 && !counts) {
    await cleanup();
    throw new CaptureError(`tcpdump failed (exit ${code}): ${stderr.trim().split("\n").slice(-2).join(" ").slice(0, 300)}`);
  }
  if (!stoppedBy && counts && counts.captured >= maxPackets) stoppedBy = `the ${maxPackets}-packet bound`;
  return { file, seconds: Math.min(spec.seconds, (Date.now() - started) / 1000), tcpdump: counts, stoppedBy: stoppedBy === "time" ? undefined : stoppedBy, cleanup };
}

/** The summary of a capture file by the project's engine, its flows cut to what the ingest API takes. */
export async function summarizeFile(file: string): Promise<CaptureSummary> {
  const fh = await open(file, "r");
  try {
    return await summarizeCaptureSource(
      { read: async (into, offset, length, position) => (await fh.read(into, offset, length, position)).bytesRead },
      { maxFlowsKept: INGEST_LIMITS.maxFlows },
    );
  } finally {
    await fh.close();
  }
}
