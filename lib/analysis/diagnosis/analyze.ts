/**
 * analyzeBundle(): the I/O edge of the diagnosis engine. Reads a bundle with readBundle, which streams it and
 * summarises every capture as it comes (pcap/pcapng through summarizeCapture, tcpdump-text packets through
 * summarizePackets), and diagnoses. What could not be read is in the analysis's `unreadable`.
 */
import { readBundle, type BundleError } from "../bundle";
import type { DiagnoseContext, DiagnoseInput } from "./context";
import { diagnose } from "./diagnose";
import type { Analysis } from "./model";

export type AnalyzeOptions = { latencies?: number[]; context?: DiagnoseContext };

/** readBundle could not read the input (missing path, over a bound, corrupt archive) */
export class BundleReadError extends Error {
  readonly code: string;
  /** the archive entry at fault, and the input path, when known */
  readonly entry?: string;
  readonly path?: string;
  constructor(error: BundleError) {
    super(error.message);
    this.name = "BundleReadError";
    this.code = error.code;
    if (error.entry !== undefined) this.entry = error.entry;
    if (error.path !== undefined) this.path = error.path;
  }
}

export async function analyzeBundle(paths: string[], opts: AnalyzeOptions = {}): Promise<Analysis> {
  const context: DiagnoseContext = { ...(opts.context ?? {}) };
  // the bundle's own NodePort range (kube-apiserver flags) when none is given: readBundle reads the captures again with it
  const bundle = await readBundle(paths, {
    captures: { options: context.nodePortRange ? { nodePortRange: context.nodePortRange } : {}, rangeFromBundle: !context.nodePortRange },
  });
  if (bundle.status === "failed") throw new BundleReadError(bundle.error);
  const input: DiagnoseInput = { hosts: bundle.hosts, captures: bundle.captures, context };
  if (opts.latencies) input.latencies = opts.latencies;
  const analysis = diagnose(input);
  // never silent: what could not be read, in the JSON (and so in every view of it)
  if (bundle.unreadable.length > 0) analysis.unreadable = bundle.unreadable;
  return analysis;
}
