// The bundle reader the analysis job uses, with the contract of PLAN.md's walkBundle (lib/analysis/bundle): an
// archive, a single (possibly gzip'd) capture or text file, entry by entry, each `text`, `capture` or `skipped`.
// UNTIL hardening's streaming walkBundle is on main this adapter reads the file into memory and expands it with
// the in-memory readers (expandArchive: every limit and refusal of limits.ts); then it becomes a re-export.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import {
  DEFAULT_LIMITS,
  captureKindOf,
  expandArchive,
  gunzipBounded,
  type BundleError,
  type BundleLimits,
} from "../../analysis/bundle";

type EntryBase = { path: string; size: number; gzip?: boolean };
export type WalkText = EntryBase & { kind: "text"; text: string; bytes: number; truncated?: boolean; longLines?: number };
export type WalkCapture = EntryBase & { kind: "capture"; format: "pcap" | "pcapng"; stream: AsyncIterable<Uint8Array>; file?: string };
export type WalkSkipped = EntryBase & { kind: "skipped"; reason: string; unreadable: boolean };
export type WalkEntry = WalkText | WalkCapture | WalkSkipped;
export type WalkOptions = { limits?: Partial<BundleLimits>; onEntry: (entry: WalkEntry) => void | Promise<void> };
export type WalkResult =
  | { status: "success"; container: "directory" | "tar" | "tar.gz" | "zip" | "file"; name: string; entries: number; bytes: number; warnings: string[] }
  | { status: "failed"; error: BundleError };

const isGzip = (b: Uint8Array) => b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
const looksLikeTar = (b: Uint8Array) =>
  b.length >= 512 && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;
export const stripArchiveExt = (n: string) => n.replace(/\.(tar\.gz|tgz|tar|zip|tar\.gzip)$/i, "") || n;

function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) odd++;
  }
  return n > 0 && odd / n > 0.1;
}

async function* chunksOf(b: Uint8Array, size = 1 << 20): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const dec = new TextDecoder("utf-8");
const dec16 = new TextDecoder("utf-16le");

/** One entry's bytes → text / capture / skipped, as the streaming reader classifies them. */
async function classify(
  p: string,
  raw: Uint8Array,
  limits: BundleLimits,
  remaining: number,
  onEntry: WalkOptions["onEntry"],
): Promise<{ bytes: number; error?: BundleError }> {
  let data = raw;
  let gzip = false;
  if (isGzip(raw)) {
    const g = gunzipBounded(raw, remaining, limits, p);
    if (g.status === "failed") {
      if (g.error.code === "corrupt") {
        await onEntry({ kind: "skipped", path: p, size: raw.length, reason: g.error.message, unreadable: true });
        return { bytes: 0 };
      }
      return { bytes: 0, error: { ...g.error, entry: p } };
    }
    data = g.data;
    gzip = true;
  }
  const base = { path: p, size: raw.length, ...(gzip ? { gzip: true } : {}) };
  const cap = captureKindOf(data);
  if (cap) {
    await onEntry({ ...base, kind: "capture", format: cap, stream: chunksOf(data) });
    return { bytes: data.length };
  }
  if (looksLikeTar(data) || isZip(data)) {
    await onEntry({ ...base, kind: "skipped", reason: "nested archive: not expanded (unpack it into the bundle)", unreadable: false });
    return { bytes: data.length };
  }
  const utf16 = data.length >= 2 && data[0] === 0xff && data[1] === 0xfe;
  if (!utf16 && looksBinary(data)) {
    await onEntry({ ...base, kind: "skipped", reason: "binary file that is not a pcap/pcapng capture", unreadable: false });
    return { bytes: data.length };
  }
  let text: string;
  try {
    text = utf16 ? dec16.decode(data) : dec.decode(data);
  } catch (err) {
    await onEntry({ ...base, kind: "skipped", reason: `could not be read as text: ${err instanceof Error ? err.message : String(err)}`, unreadable: true });
    return { bytes: data.length };
  }
  await onEntry({ ...base, kind: "text", text, bytes: data.length });
  return { bytes: data.length };
}

export async function walkBundle(filePath: string, opts: WalkOptions): Promise<WalkResult> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const base = path.basename(filePath);
  let bytes: Uint8Array;
  try {
    const st = await stat(filePath);
    if (st.size > limits.maxTotalBytes) {
      return { status: "failed", error: { code: "too_large", message: `the file is over the total bound of ${limits.maxTotalBytes} bytes` } };
    }
    const buf = await readFile(filePath);
    bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    return { status: "failed", error: { code: "io_error", message: `cannot read the upload: ${err instanceof Error ? err.message : String(err)}` } };
  }
  let inner = bytes;
  if (isGzip(bytes)) {
    const g = gunzipBounded(bytes, limits.maxTotalBytes, limits, base);
    if (g.status === "failed") return { status: "failed", error: g.error };
    inner = g.data;
  }
  if (isZip(inner) || looksLikeTar(inner)) {
    const a = expandArchive(bytes, limits);
    if (a.status === "failed") return { status: "failed", error: a.error };
    let total = 0;
    for (const e of a.entries) {
      const r = await classify(e.path, e.data, limits, limits.maxTotalBytes - total, opts.onEntry);
      if (r.error) return { status: "failed", error: r.error };
      total += r.bytes;
    }
    const container = isZip(inner) ? "zip" : inner === bytes ? "tar" : "tar.gz";
    return { status: "success", container, name: stripArchiveExt(base), entries: a.entries.length, bytes: total, warnings: a.warnings };
  }
  const r = await classify(base, bytes, limits, limits.maxTotalBytes, opts.onEntry);
  if (r.error) return { status: "failed", error: r.error };
  return { status: "success", container: "file", name: base, entries: 1, bytes: r.bytes, warnings: [] };
}
