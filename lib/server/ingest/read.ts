// Reads one received upload (bundle, capture or text) into what the database keeps of it: every text entry's text
// (re-analysable by any instance), every capture's summary (made while the capture streams by), what was skipped
// and why, each with its host and what the evidence engine recognised it as. The reading is the bundle reader's
// own: walkBundle (streaming, bounded memory, every limit of limits.ts) and its per-entry `record`.
import { DEFAULT_LIMITS, hostLayout, walkBundle, type BundleLimits, type EntryRecord, type WalkEntry } from "../../analysis/bundle";
import { record } from "../../analysis/bundle/fs";
import type { SummaryOptions } from "../../analysis/capture";
import type { CaptureSummary } from "../../analysis/capture/model";
import { collectGarbage } from "../memory";
import { packSummary, type PackedSummary } from "../storage/capture-summaries";

export interface ReadFile {
  host: string;
  path: string;
  /** parser kind(s) joined by "+" (a paste can hold several outputs), pcap/pcapng, "sysctl" for a /proc/sys file, or "unrecognized" */
  kind: string;
  recognised: boolean;
  sizeBytes: number;
  /** the text (when no `storeText` was given) */
  text?: string;
  /** what `storeText` answered for the text (its blob's sha256) */
  blobSha256?: string;
  /** a capture's summary, gzip'd as it is stored (packed as soon as the capture was read: a bundle's summaries are
   *  never all in memory as objects), and its brief */
  capture?: PackedSummary;
  /** why it was not recognised, or what was odd about it */
  note?: string;
  /** what could not be read of it (the analysis lists it in `unreadable`) */
  unreadable?: string;
}

export type ReadResult =
  | { ok: true; container: string; files: ReadFile[]; hosts: string[]; warnings: string[] }
  | { ok: false; code: string; message: string };

export interface ReadOptions {
  /** the name the upload had (X-Filename or a default): a single-host bundle's host is named after it */
  filename: string;
  /** X-Host: the host of a single file, or of a single-host bundle */
  host?: string;
  /** the cluster's NodePort range (else the bundle's own, else the engine's default) */
  nodePortRange?: [number, number];
  limits?: Partial<BundleLimits>;
  /**
   * Stores a text as soon as it is read and answers its key: then only the key is kept, so memory holds one entry's
   * text and parse at a time whatever the bundle's size (texts themselves stay in `text` otherwise).
   */
  storeText?: (text: string) => Promise<string>;
  onProgress?: (p: { stage: "reading" | "capture" | "parsing"; done?: number; total?: number; message?: string }) => void | Promise<void>;
}

export const DEFAULT_HOST = "host";

type Entry = {
  path: string;
  size: number;
  recognition: ReturnType<typeof recognition>;
  unreadable?: string;
  capture?: boolean;
  packed?: PackedSummary;
  text?: string;
  blobSha256?: string;
};

function recognition(rec: EntryRecord): { kind: string; recognised: boolean; note?: string; capture?: CaptureSummary } {
  switch (rec.kind) {
    case "parsed": {
      const kinds = [...new Set(rec.files.map((f) => f.kind))];
      if (kinds.length > 0) {
        const parts = rec.unrecognized.length ? `; not recognised: ${rec.unrecognized.map((u) => `${u.path} (${u.reason})`).join(", ")}` : "";
        return { kind: kinds.join("+").slice(0, 60), recognised: true, ...(parts ? { note: parts.slice(2, 1000) } : {}) };
      }
      return { kind: "unrecognized", recognised: false, note: (rec.unrecognized[0]?.reason ?? "content matches no known output").slice(0, 1000) };
    }
    case "procSys":
      return { kind: "sysctl", recognised: true };
    case "capture":
      return { kind: rec.format, recognised: true, capture: rec.captured?.summary };
    default:
      return { kind: "unrecognized", recognised: false, note: rec.reason.slice(0, 1000) };
  }
}

export async function readUpload(file: string, opts: ReadOptions): Promise<ReadResult> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const summary: SummaryOptions = opts.nodePortRange ? { nodePortRange: opts.nodePortRange } : {};
  const entries: Entry[] = [];
  let bytesRead = 0;
  // the bundle's own NodePort range (kube-apiserver flags), when the cluster states none
  let stated: [number, number] | undefined;
  const keep = async (e: WalkEntry, rec: EntryRecord): Promise<Entry> => {
    // only what is stored is kept: the parse (facts) goes with the entry
    const x: Entry = { path: e.path, size: rec.kind === "capture" ? rec.bytes : e.size, recognition: recognition(rec) };
    if (rec.unreadable) x.unreadable = rec.unreadable.slice(0, 1000);
    if (rec.kind === "capture") x.capture = true;
    if (x.recognition.capture) x.packed = await packSummary(x.recognition.capture);
    delete x.recognition.capture;
    if (rec.kind === "parsed" && !stated) {
      const r = rec.files.find((f) => f.facts.kubernetes?.nodePortRange)?.facts.kubernetes?.nodePortRange?.value;
      if (r) stated = [r[0], r[1]];
    }
    if (e.kind === "text") {
      if (opts.storeText) x.blobSha256 = await opts.storeText(e.text);
      else x.text = e.text;
    }
    return x;
  };
  const walked = await walkBundle(file, {
    limits,
    onEntry: async (e) => {
      if (e.kind === "capture") await opts.onProgress?.({ stage: "capture", message: e.path });
      entries.push(await keep(e, await record(e, true, summary, `0\u0000${e.path}`, limits)));
      // a capture's flow table and summary (only its gzip'd form is kept) go before the next entry is read
      if (e.kind === "capture" && e.size >= 16 * 1024 * 1024) collectGarbage();
      bytesRead += e.size;
      if (entries.length % 25 === 0) await opts.onProgress?.({ stage: "reading", done: bytesRead, message: `${entries.length} files` });
    },
  });
  if (walked.status === "failed") {
    const e = walked.error;
    return { ok: false, code: e.code, message: `${opts.filename}: ${e.message}${e.entry ? ` (entry ${e.entry})` : ""}` };
  }
  if (entries.length === 0) return { ok: false, code: "empty", message: `${opts.filename}: the archive holds no files` };

  // captures are read again with the bundle's own NodePort range, as analyzeBundle does
  const captured = entries.filter((x) => x.capture);
  if (!opts.nodePortRange && stated && captured.length > 0 && (stated[0] !== 30000 || stated[1] !== 32767)) {
    const again = new Map(captured.map((x) => [x.path, x]));
    const range = stated;
    const r = await walkBundle(file, {
      limits,
      onEntry: async (e) => {
        const x = again.get(e.path);
        if (!x || e.kind !== "capture") return;
        const rec = await record(e, true, { nodePortRange: range }, `0\u0000${e.path}`, limits);
        x.recognition = recognition(rec);
        x.packed = x.recognition.capture ? await packSummary(x.recognition.capture) : undefined;
        delete x.recognition.capture;
      },
    });
    if (r.status === "failed") return { ok: false, code: r.error.code, message: `${opts.filename}: ${r.error.message}` };
  }

  // hosts from the entry paths alone (lib/analysis/bundle/hosts.ts), as the CLI groups the same bundle
  const single = walked.container === "file";
  const fallback = single ? (opts.host ?? DEFAULT_HOST) : walked.name;
  const layout = hostLayout(entries.map((x) => x.path), fallback, { loose: single });
  const rename = opts.host && layout.kind === "single" ? opts.host : undefined;
  await opts.onProgress?.({ stage: "parsing", done: 0, total: entries.length });
  const files: ReadFile[] = entries.map((x) => {
    const at = layout.assign.get(x.path) ?? { host: fallback, path: x.path };
    const r = x.recognition;
    const f: ReadFile = { host: rename ?? at.host, path: at.path || x.path, kind: r.kind, recognised: r.recognised, sizeBytes: x.size };
    if (x.text !== undefined) f.text = x.text;
    if (x.blobSha256) f.blobSha256 = x.blobSha256;
    if (x.packed) f.capture = x.packed;
    if (r.note) f.note = r.note;
    if (x.unreadable) f.unreadable = x.unreadable;
    return f;
  });
  await opts.onProgress?.({ stage: "parsing", done: entries.length, total: entries.length });
  return { ok: true, container: walked.container, files, hosts: [...new Set(files.map((f) => f.host))].sort(), warnings: walked.warnings };
}
