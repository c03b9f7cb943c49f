/**
 * readBundle: the CLI's way in. Each input is a directory, an archive (.tar, .tar.gz/.tgz, .zip — told by
 * magic bytes, not by name), a single file, or bytes in memory; several may be given. Every input is walked
 * with walkBundle (walk.ts: streaming, bounded memory) and each entry is dealt with as it comes: a text is
 * parsed at once (only its facts are kept), a capture is summarised from its stream (or from the file at
 * random when it is one on disk), tcpdump-text packets are summarised and dropped. Nothing is written to
 * disk. Errors come back as `{status:"failed", error}`, never thrown.
 *
 * Loose files given directly form one host ("host", or the name of the folder they share). Symlinks, devices
 * and fifos inside a directory are not followed: they are listed as unrecognised with the reason.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import { summarizeCapture, summarizeCaptureSource, summarizePackets, type ByteSource, type SummaryOptions } from "../capture";
import type { CaptureSummary } from "../capture/model";
import { parsedFilesOf } from "../evidence/index";
import type { HostEvidence } from "../evidence/model";
import { sysctlFromProcSysPath } from "../evidence/parsers/system";
import { type Assembled, assembleHosts, type BundleInput, type EntryRecord, isProcSysPath, type TextPart } from "./bundle";
import { type BundleError, type BundleLimits, DEFAULT_LIMITS } from "./limits";
import { type BytesInput, walkBundle, type WalkEntry } from "./walk";

export type ReadBundleOptions = {
  limits?: Partial<BundleLimits>;
  /**
   * Summarise captures while reading (pcap/pcapng from their streams, tcpdump-text from its packets), with
   * these options. `false` (the default): captures are listed, not read. With `rangeFromBundle`, when no
   * nodePortRange is given and the bundle states one (kube-apiserver's --service-node-port-range), the
   * captures are read again with it (the range is known only after the texts).
   */
  captures?: false | { options?: SummaryOptions; rangeFromBundle?: boolean };
};

/** One input the reader could not read in full: never silent (analysis JSON `unreadable`, CLI output). */
export type Unreadable = { host: string; file: string; message: string };

export type BundleCapture = { host: string; file: string; summary: CaptureSummary };

export type BundleSuccess = {
  status: "success";
  hosts: HostEvidence[];
  /** bundle-level notes (skipped entry types) */
  warnings: string[];
  /** files not read, or read only in part: I/O errors, over a bound, cut text, captures whose reading stopped on an error */
  unreadable: Unreadable[];
  /** capture summaries (when `captures` was asked for), host and host-relative file as in `hosts` */
  captures: BundleCapture[];
};
export type BundleResult = BundleSuccess | { status: "failed"; error: BundleError };

class FileSource implements ByteSource {
  constructor(private readonly fh: Awaited<ReturnType<typeof open>>) {}
  async read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    const { bytesRead } = await this.fh.read(into, offset, length, position);
    return bytesRead;
  }
}

const MiB = 1024 * 1024;
const fmtChars = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(n % MiB ? 1 : 0)} Mi` : `${n}`);

/**
 * Reads every input and builds one HostEvidence per host. See lib/analysis/bundle/README.md for the shape.
 */
export async function readBundle(inputs: Array<string | BytesInput>, options: ReadBundleOptions = {}): Promise<BundleResult> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (inputs.length === 0) return { status: "failed", error: { code: "not_found", message: "no path given" } };
  const summarize = options.captures ? options.captures : undefined;
  const first = await readAll(inputs, limits, summarize?.options ?? {}, summarize !== undefined, undefined);
  if (first.status === "failed") return first;
  let captures = first.captures;
  if (summarize?.rangeFromBundle && !summarize.options?.nodePortRange) {
    const stated = first.hosts.find((h) => h.kubernetes.nodePortRange)?.kubernetes.nodePortRange?.value;
    if (stated && captures.length > 0 && (stated[0] !== 30000 || stated[1] !== 32767)) {
      const entries = new Set(captures.map((c) => c.key.slice(0, c.key.lastIndexOf("\u0000"))));
      const again = await readAll(inputs, limits, { ...summarize.options, nodePortRange: stated }, true, entries);
      if (again.status === "failed") return again;
      const by = new Map(again.captures.map((c) => [c.key, c.summary]));
      captures = captures.map((c) => ({ ...c, summary: by.get(c.key) ?? c.summary }));
    }
  }
  return {
    status: "success",
    hosts: first.hosts,
    warnings: first.warnings,
    unreadable: first.unreadable,
    captures: captures.map(({ host, file, summary }) => ({ host, file, summary })),
  };
}

type Pass = { status: "success"; warnings: string[] } & Assembled;

/**
 * One pass over every input. `only`: the entries (input index + path) whose captures are summarised again;
 * on such a pass every other entry is still walked (to follow the archive) but not parsed.
 */
async function readAll(
  inputs: Array<string | BytesInput>, limits: BundleLimits, summaryOpts: SummaryOptions, summarize: boolean, only: Set<string> | undefined,
): Promise<Pass | { status: "failed"; error: BundleError }> {
  const grouped: Array<BundleInput<EntryRecord>> = [];
  const loose: EntryRecord[] = [];
  const warnings: string[] = [];
  const looseDirs = new Set<string>();
  for (let idx = 0; idx < inputs.length; idx++) {
    const input = inputs[idx]!;
    const records: EntryRecord[] = [];
    const label = typeof input === "string" ? input : input.name;
    const onEntry = async (e: WalkEntry) => {
      const key = `${idx}\u0000${e.path}`;
      if (only && !only.has(key)) return;
      records.push(await record(e, summarize, summaryOpts, key, limits));
    };
    const r = await walkBundle(input, { limits, onEntry });
    if (r.status === "failed") return r;
    warnings.push(...r.warnings.map((w) => `${label}: ${w}`));
    if (r.container === "file") {
      loose.push(...records);
      looseDirs.add(typeof input === "string" ? path.basename(path.dirname(path.resolve(input))) : "host");
      continue;
    }
    grouped.push({ name: r.name, entries: records });
  }
  if (loose.length > 0) {
    const name = looseDirs.size === 1 ? [...looseDirs][0] || "host" : "host";
    grouped.push({ name, entries: loose, loose: true });
  }
  return { status: "success", warnings, ...assembleHosts(grouped) };
}

/** What one walked entry becomes (texts parsed now, captures summarised now when asked). Also what the server
 * makes of a text stored in its database (lib/server/ingest/analyse.ts): one parser for both. */
export async function record(e: WalkEntry, summarize: boolean, opts: SummaryOptions, key: string, limits: BundleLimits): Promise<EntryRecord> {
  if (e.kind === "skipped") {
    const r: EntryRecord = { path: e.path, kind: "unrecognized", bytes: e.size, reason: e.reason };
    if (e.unreadable) r.unreadable = e.reason;
    return r;
  }
  if (e.kind === "capture") {
    const r: EntryRecord = { path: e.path, kind: "capture", format: e.format, bytes: e.size };
    if (summarize) {
      const summary = e.file ? await summarizeFile(e.file, opts) : await summarizeCapture(e.stream, opts);
      r.captured = { summary, key: `${key}\u00000` };
      const notes = captureNotes(summary);
      if (notes) r.unreadable = notes;
    }
    return r;
  }
  const notes: string[] = [];
  if (e.truncated) notes.push(`only the first ${fmtChars(e.text.length)} characters of its ${e.bytes} bytes were read (the per-file text bound): the rest is not analysed`);
  if (e.longLines) notes.push(`${e.longLines} line${e.longLines > 1 ? "s" : ""} longer than the line bound (${fmtChars(limits.maxLineChars)} characters) ${e.longLines > 1 ? "were" : "was"} cut`);
  const unreadable = notes.length ? { unreadable: notes.join("; ") } : {};
  if (isProcSysPath(e.path)) {
    const s = sysctlFromProcSysPath(e.path, e.text.length > 65536 ? e.text.slice(0, 65536) : e.text);
    if (s) return { path: e.path, kind: "procSys", key: s.key, value: s.value, ...unreadable };
  }
  let parsed: ReturnType<typeof parsedFilesOf>;
  try {
    parsed = parsedFilesOf(e.path, e.text, e.bytes);
  } catch (err) {
    parsed = { files: [], unrecognized: [{ path: e.path, bytes: e.bytes, reason: `could not be read as text: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  const files: TextPart[] = parsed.files.map((f, i) => {
    const part: TextPart = notes.length ? { ...f, warnings: [...f.warnings, ...notes.map((message) => ({ message }))] } : f;
    if (f.kind === "tcpdump-text" && f.facts.packets) {
      if (summarize && f.facts.packets.length > 0) part.captured = { summary: summarizePackets(f.facts.packets, opts), key: `${key}\u0000${i}` };
      // the packets went into the summary; HostEvidence stays JSON-sized
      delete f.facts.packets;
    }
    return part;
  });
  return { path: e.path, kind: "parsed", files, unrecognized: parsed.unrecognized, ...unreadable };
}

async function summarizeFile(file: string, opts: SummaryOptions): Promise<CaptureSummary> {
  const fh = await open(file, "r");
  try {
    return await summarizeCaptureSource(new FileSource(fh), opts);
  } finally {
    await fh.close();
  }
}

/** What a capture's summary does not cover, for `unreadable`: a read that stopped, flows the flow table had no room
 * for (SummaryOptions.flowBudget: a SYN flood). Also for summaries made elsewhere (the agent's, at ingest). */
export function captureNotes(s: CaptureSummary): string | undefined {
  const notes: string[] = [];
  if (s.error) notes.push(captureError(s));
  const u = s.untrackedFlows;
  if (u) notes.push(`flow table full (${u.budget} flows alive) from ${new Date(u.since * 1000).toISOString()}: about ${u.flows} more flows (${u.packets} packets) were not tracked, in no flow or state count`);
  return notes.length ? notes.join("; ") : undefined;
}

function captureError(s: CaptureSummary): string {
  const e = s.error!;
  const at = e.offset >= 0 ? ` at byte ${e.offset}` : "";
  return `capture could not be read${s.packets > 0 ? ` past packet ${s.packets}` : ""}${at}: ${e.message}${s.packets === 0 ? " (no packet read)" : ""}`;
}
