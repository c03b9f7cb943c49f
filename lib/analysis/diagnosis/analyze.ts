/**
 * analyzeBundle(): the I/O edge of the diagnosis engine. Reads a bundle, summarises every capture (binary
 * captures through summarizeCapture, tcpdump text through summarizePackets) and diagnoses.
 *
 * Until lib/analysis/bundle's readBundle lands this reads directories itself (testing/loadDir.ts, the same
 * evidence parsers and capture engine); archives need readBundle.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import type { CaptureInput, DiagnoseContext, DiagnoseInput } from "./context";
import { diagnose } from "./diagnose";
import type { Analysis } from "./model";
import { loadDir } from "./testing/loadDir";

export type AnalyzeOptions = { latencies?: number[]; context?: DiagnoseContext };

export async function analyzeBundle(paths: string[], opts: AnalyzeOptions = {}): Promise<Analysis> {
  const context: DiagnoseContext = { ...(opts.context ?? {}) };
  const hosts: DiagnoseInput["hosts"] = [];
  const captures: CaptureInput[] = [];
  for (const p of paths) {
    const st = await stat(p);
    if (!st.isDirectory()) throw new Error(`${path.basename(p)}: archives and single files need the bundle reader (not available yet)`);
    const r = await loadDir(p, context.nodePortRange);
    hosts.push(...r.hosts);
    captures.push(...r.captures);
  }
  const input: DiagnoseInput = { hosts, captures, context };
  if (opts.latencies) input.latencies = opts.latencies;
  return diagnose(input);
}
