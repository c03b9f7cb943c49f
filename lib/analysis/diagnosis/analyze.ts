/**
 * analyzeBundle(): the I/O edge of the diagnosis engine. Reads a bundle with readBundle, summarises every
 * capture (pcap/pcapng bytes through summarizeCapture, tcpdump-text packets through summarizePackets) and
 * diagnoses.
 */
import { readBundle } from "../bundle";
import { summarizeCapture, summarizePackets } from "../capture";
import type { CaptureInput, DiagnoseContext, DiagnoseInput } from "./context";
import { diagnose } from "./diagnose";
import type { Analysis } from "./model";

export type AnalyzeOptions = { latencies?: number[]; context?: DiagnoseContext };

/** readBundle could not read the input (missing path, over a bound, corrupt archive) */
export class BundleReadError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "BundleReadError";
  }
}

export async function analyzeBundle(paths: string[], opts: AnalyzeOptions = {}): Promise<Analysis> {
  const bundle = await readBundle(paths);
  if (bundle.status === "failed") throw new BundleReadError(bundle.error.message, bundle.error.code);
  const context: DiagnoseContext = { ...(opts.context ?? {}) };
  const nodePortRange = context.nodePortRange ?? bundle.hosts.find((h) => h.kubernetes.nodePortRange)?.kubernetes.nodePortRange?.value;
  const summaryOpts = nodePortRange ? { nodePortRange } : {};
  const captures: CaptureInput[] = [];
  for (const h of bundle.hosts) {
    for (const c of h.captures) {
      if (c.kind === "tcpdump-text") {
        const packets = bundle.capturePackets(h.host, c.path);
        if (packets && packets.length > 0) captures.push({ host: h.host, file: c.path, summary: summarizePackets(packets, summaryOpts) });
        continue;
      }
      const bytes = bundle.captureBytes(h.host, c.path);
      if (bytes) captures.push({ host: h.host, file: c.path, summary: await summarizeCapture(bytes, summaryOpts) });
    }
  }
  const input: DiagnoseInput = { hosts: bundle.hosts, captures, context };
  if (opts.latencies) input.latencies = opts.latencies;
  return diagnose(input);
}
