/**
 * walkBundle: the streaming bundle reader. A .tar, .tar.gz/.tgz, .zip, a directory or a single (possibly
 * gzipped) file is read entry by entry in bounded memory — whatever its size — and each entry is handed to
 * `onEntry` one at a time:
 *
 * - `text`: the entry's text, bounded (limits.maxTextChars, lines cut at limits.maxLineChars; `truncated`
 *   and `longLines` say what was dropped);
 *   with `textStreams: true`, the whole text instead, as a stream of its (inflated) bytes for a consumer that
 *   rewrites it piece by piece (netmortem redact): `text` is then "" and `stream` holds it, to consume inside `onEntry`;
 * - `capture`: a pcap/pcapng (gunzipped if it was gzipped) as a stream of chunks for summarizeCapture, to be
 *   consumed inside `onEntry` (never buffered whole; what the consumer leaves is read through afterwards);
 * - `skipped`: not evidence (binary, nested archive, symlink, device) or not readable, with the reason.
 *
 * Every limit and refusal of limits.ts holds while streaming: unsafe names, links and devices in archives,
 * overlapping zip entries, per-file / total / ratio bounds (per compressed stream and across all entries),
 * entry count. A refusal ends the walk with `{status:"failed", error}` naming the entry; nothing is ever
 * written to disk. tar goes through tar-stream (over gunzip), zip through yauzl on the file (zip64 included).
 */
import fs from "node:fs";
import { open, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import tarStream from "tar-stream";
type TarEntry = import("stream").Readable & { header: { name: string; size?: number; type?: string | null } };
import yauzl from "yauzl";
import { Budget, Chunks, chunksOf, counted, GZIP_CORRUPT, gunzipped } from "./chunks";
import { type BundleError, BundleFailure, type BundleLimits, DEFAULT_LIMITS, type Failed, refuse, safeEntryPath } from "./limits";
import { displayName, ioMessage } from "./names";
import { readBoundedText } from "./text";

type EntryBase = {
  /** the entry's path inside the archive / directory (relative, `/`-separated; undecodable bytes of a name as `\xNN`) */
  path: string;
  /** its stored size in bytes (tar header, zip uncompressed size, file size; for a gzipped file the compressed size) */
  size: number;
  /** the entry was gzip-compressed and is handed on inflated */
  gzip?: boolean;
};
export type WalkText = EntryBase & {
  kind: "text";
  text: string;
  /** bytes read after decompression */
  bytes: number;
  /** the text was cut at limits.maxTextChars (the rest read, not kept) */
  truncated?: boolean;
  /** lines cut at limits.maxLineChars */
  longLines?: number;
  /**
   * with `textStreams: true` only: all of the text's bytes (inflated, undecoded: UTF-8, or UTF-16LE with its BOM
   * when `encoding` says so), unbounded; consume it inside onEntry. `text` is "" and `bytes` 0 then.
   */
  stream?: AsyncIterable<Uint8Array>;
  encoding?: "utf-8" | "utf-16le";
};
export type WalkCapture = EntryBase & {
  kind: "capture";
  format: "pcap" | "pcapng";
  /** the capture's bytes (inflated); consume it inside onEntry */
  stream: AsyncIterable<Uint8Array>;
  /** a plain file on disk holding exactly these bytes (directory walks, a single capture): may be read at random instead */
  file?: string;
};
export type WalkSkipped = EntryBase & {
  kind: "skipped";
  reason: string;
  /** true when the entry could not be read (I/O error, over a bound, corrupt gzip); false when it is just not evidence */
  unreadable: boolean;
};
export type WalkEntry = WalkText | WalkCapture | WalkSkipped;

export type WalkOptions = {
  limits?: Partial<BundleLimits>;
  onEntry: (entry: WalkEntry) => void | Promise<void>;
  /** hand each text's whole bytes as `stream` instead of a bounded `text` (see WalkText.stream) */
  textStreams?: boolean;
};
export type WalkSuccess = {
  status: "success";
  /** what the input was */
  container: "directory" | "tar" | "tar.gz" | "zip" | "file";
  /** the name hosts default to: archive name without extension, directory name, file name */
  name: string;
  /** entries handed to onEntry */
  entries: number;
  /** bytes of all entries after decompression */
  bytes: number;
  warnings: string[];
};
export type WalkResult = WalkSuccess | Failed;

const HEAD = 8192;

export const isGzip = (b: Uint8Array) => b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
export const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 && b[3] === 4 || b[2] === 5 && b[3] === 6);
/** ustar/GNU magic at 257 */
export const looksLikeTar = (b: Uint8Array) => b.length >= 512 && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;

export function captureKindOf(b: Uint8Array): "pcap" | "pcapng" | undefined {
  if (b.length < 4) return undefined;
  const m = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return "pcap";
  if (m === 0x0a0d0d0a) return "pcapng";
  return undefined;
}

export function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, HEAD);
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0) return true;
    if (c < 9 || c > 13 && c < 32 && c !== 27) odd++;
  }
  return n > 0 && odd / n > 0.1;
}

export const stripArchiveExt = (n: string) => n.replace(/\.(tar\.gz|tgz|tar|zip|tar\.gzip)$/i, "") || n;

type Ctx = { limits: BundleLimits; budget: Budget; onEntry: WalkOptions["onEntry"]; handed: number; textStreams?: boolean };

/**
 * One entry: `raw` is its stored bytes. Classifies by content (gzip → inflated and looked at again; capture
 * magic; nested archive; binary; else text), hands it on, then finishes it (drain) whatever the consumer did.
 * `countRaw`: raw bytes were counted against the budget already (a directory's files, by their size).
 */
async function entry(ctx: Ctx, p: string, size: number, raw: Chunks, opts: { countedAlready?: boolean; file?: string } = {}): Promise<void> {
  const { limits, budget } = ctx;
  let top = raw;
  let gzip = false;
  let handed: WalkEntry | undefined;
  try {
    const first = await raw.head(HEAD);
    if (isGzip(first)) {
      gzip = true;
      top = gunzipped(raw, size, budget, p);
    }
    top = counted(top, budget, p, gzip || !opts.countedAlready);
    const head = await top.head(HEAD);
    const base: EntryBase = gzip ? { path: p, size, gzip } : { path: p, size };
    const cap = captureKindOf(head);
    if (cap) {
      handed = { ...base, kind: "capture", format: cap, stream: top.iterable(), ...(!gzip && opts.file ? { file: opts.file } : {}) };
    } else if (looksLikeTar(head) || isZip(head)) {
      handed = { ...base, kind: "skipped", reason: "nested archive: not expanded (unpack it into the bundle)", unreadable: false };
    } else {
      // PowerShell's `>` writes UTF-16LE with a BOM: text, not binary
      const utf16 = head.length >= 2 && head[0] === 0xff && head[1] === 0xfe;
      if (!utf16 && looksBinary(head)) {
        handed = { ...base, kind: "skipped", reason: "binary file that is not a pcap/pcapng capture", unreadable: false };
      } else if (ctx.textStreams) {
        handed = { ...base, kind: "text", text: "", bytes: 0, stream: top.iterable(), encoding: utf16 ? "utf-16le" : "utf-8" };
      } else {
        const t = await readBoundedText(top, utf16, limits.maxTextChars, limits.maxLineChars);
        const text: WalkText = { ...base, kind: "text", text: t.text, bytes: t.bytes };
        if (t.truncated) text.truncated = true;
        if (t.longLines) text.longLines = t.longLines;
        handed = text;
      }
    }
  } catch (err) {
    // a broken gzip inside an entry spoils that entry only; every other failure is the bundle's
    if (!(err instanceof BundleFailure && err.error.code === "corrupt" && err.message.startsWith(GZIP_CORRUPT))) throw err;
    handed = { path: p, size, gzip, kind: "skipped", reason: err.message, unreadable: true };
  }
  ctx.handed++;
  await ctx.onEntry(handed);
  try {
    // a directory's plain file was counted by its size: what the consumer left need not be read at all
    if (gzip || !opts.countedAlready) await top.drain();
  } catch (err) {
    if (!(err instanceof BundleFailure && err.error.code === "corrupt" && err.message.startsWith(GZIP_CORRUPT))) throw err;
  }
  await raw.drain();
}

/** An input already in memory (tests, the fuzzer, small pastes): read exactly like a file of that name. */
export type BytesInput = { name: string; bytes: Uint8Array };

/** Reads one path (file or directory), or bytes in memory, entry by entry. Never throws; see the header comment. */
export async function walkBundle(input: string | BytesInput, options: WalkOptions): Promise<WalkResult> {
  return shownFailure(await walkInput(input, options));
}

/**
 * A failure's texts with control characters as `\xNN`: a refused entry's name may hold a NUL (zip names can), and
 * the server stores the message (PostgreSQL text cannot hold a NUL: the API fuzz campaign's upload of such a zip
 * failed its analysis job on storing the error, three times, leaving the evidence item unfinished).
 */
function shownFailure(r: WalkResult): WalkResult {
  if (r.status !== "failed") return r;
  const shown = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  const e = r.error;
  return { status: "failed", error: { ...e, message: shown(e.message), ...(e.entry !== undefined ? { entry: shown(e.entry) } : {}), ...(e.path !== undefined ? { path: shown(e.path) } : {}) } };
}

async function walkInput(input: string | BytesInput, options: WalkOptions): Promise<WalkResult> {
  if (typeof input !== "string") return walkBytes(input, options);
  const filePath = input;
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const warnings: string[] = [];
  let st: fs.Stats;
  try {
    st = await stat(filePath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === "ENOENT" || code === "ENOTDIR" ? "not_found" : "io_error", ioMessage(err, filePath), filePath);
  }
  const budget = new Budget(limits, st.isDirectory() ? 0 : st.size);
  const ctx: Ctx = { limits, budget, onEntry: options.onEntry, handed: 0, textStreams: options.textStreams === true };
  const done = (container: WalkSuccess["container"], name: string): WalkSuccess =>
    ({ status: "success", container, name, entries: ctx.handed, bytes: budget.total, warnings });
  try {
    if (st.isDirectory()) {
      await walkDir(ctx, filePath);
      return done("directory", path.basename(path.resolve(filePath)));
    }
    if (!st.isFile()) return fail("io_error", `not a regular file or directory (a device, fifo or socket): ${filePath}`, filePath);
    const base = path.basename(filePath);
    const head = await readHead(filePath, 512);
    if (isZip(head)) {
      await walkZip(ctx, filePath, st.size);
      return done("zip", stripArchiveExt(base));
    }
    if (looksLikeTar(head)) {
      await walkTar(ctx, chunksOf(fs.createReadStream(filePath, { highWaterMark: 256 * 1024 })), warnings);
      return done("tar", stripArchiveExt(base));
    }
    if (isGzip(head)) {
      // a .tar.gz, or one gzipped file: look at what the gzip holds
      const outer = () => {
        const s = fs.createReadStream(filePath, { highWaterMark: 256 * 1024 });
        const raw = chunksOf(s, async () => {
          s.destroy();
        });
        return gunzippedWhole(raw, st.size, limits, base);
      };
      const probe = outer();
      let inner: Uint8Array;
      try {
        inner = await probe.head(512);
      } catch (err) {
        if (err instanceof BundleFailure) throw err;
        throw refuse("corrupt", `${GZIP_CORRUPT}: ${err instanceof Error ? err.message : String(err)}`, base);
      } finally {
        await probe.close();
      }
      if (looksLikeTar(inner)) {
        const tar = outer();
        try {
          await walkTar(ctx, tar.chunks, warnings);
        } finally {
          await tar.close();
        }
        return done("tar.gz", stripArchiveExt(base));
      }
    }
    budget.entry(base);
    await entry(ctx, base, st.size, fileChunks(filePath, st.size), { countedAlready: false, file: filePath });
    return done("file", base);
  } catch (err) {
    if (err instanceof BundleFailure) return { status: "failed", error: { ...err.error, path: filePath } };
    return fail("io_error", ioMessage(err, filePath), filePath);
  }
}

async function walkBytes(input: BytesInput, options: WalkOptions): Promise<WalkResult> {
  const limits: BundleLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const warnings: string[] = [];
  const { bytes, name } = input;
  const budget = new Budget(limits, bytes.length);
  const ctx: Ctx = { limits, budget, onEntry: options.onEntry, handed: 0, textStreams: options.textStreams === true };
  const done = (container: WalkSuccess["container"], n: string): WalkSuccess =>
    ({ status: "success", container, name: n, entries: ctx.handed, bytes: budget.total, warnings });
  const whole = () => {
    let given = false;
    return new Chunks(async () => {
      if (given) return null;
      given = true;
      return bytes;
    });
  };
  try {
    if (isZip(bytes)) {
      await walkZip(ctx, { bytes }, bytes.length);
      return done("zip", stripArchiveExt(name));
    }
    if (looksLikeTar(bytes)) {
      await walkTar(ctx, whole(), warnings);
      return done("tar", stripArchiveExt(name));
    }
    if (isGzip(bytes)) {
      const probe = gunzippedWhole(whole(), bytes.length, limits, name);
      let inner: Uint8Array;
      try {
        inner = await probe.head(512);
      } finally {
        await probe.close();
      }
      if (looksLikeTar(inner)) {
        const tar = gunzippedWhole(whole(), bytes.length, limits, name);
        await walkTar(ctx, tar.chunks, warnings);
        return done("tar.gz", stripArchiveExt(name));
      }
    }
    budget.entry(name);
    await entry(ctx, name, bytes.length, whole());
    return done("file", name);
  } catch (err) {
    if (err instanceof BundleFailure) return { status: "failed", error: { ...err.error, path: name } };
    return { status: "failed", error: { code: "io_error", message: `unexpected: ${err instanceof Error ? err.message : String(err)}`, path: name } };
  }
}

function fail(code: BundleError["code"], message: string, p: string): Failed {
  return { status: "failed", error: { code, message, path: p } };
}

async function readHead(file: string, n: number): Promise<Uint8Array> {
  const fh = await open(file, "r");
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** a file's bytes; skipping the rest (drain without reading) closes it */
function fileChunks(file: string | Buffer, size: number): Chunks {
  const s = fs.createReadStream(file, { highWaterMark: 256 * 1024, end: size > 0 ? size - 1 : undefined });
  if (size === 0) s.destroy();
  const c = size === 0 ? new Chunks(async () => null) : chunksOf(s, async () => {
    s.destroy();
  });
  return c;
}

/** the outer gunzip of a .tar.gz: bounded by the ratio to the file's size only (the entries are counted by the walk) */
function gunzippedWhole(raw: Chunks, fileSize: number, limits: BundleLimits, name: string): { chunks: Chunks; head(n: number): Promise<Uint8Array>; close(): Promise<void> } {
  // a budget of its own: the container (headers, padding) may be bigger than the content, never more than the ratio allows
  const outerLimits: BundleLimits = { ...limits, maxFileBytes: Number.MAX_SAFE_INTEGER, maxTotalBytes: Number.MAX_SAFE_INTEGER };
  const b = new Budget(outerLimits, fileSize);
  const chunks = gunzipped(raw, fileSize, b, name);
  return {
    chunks,
    head: (n) => chunks.head(n),
    // stops reading: the file stream is closed without reading the rest
    close: () => closeQuietly(raw),
  };
}

async function closeQuietly(c: Chunks): Promise<void> {
  try {
    await c.drain();
  } catch {
    // closing after a failure: the failure was reported already
  }
}

// ---------------------------------------------------------------- directories

async function walkDir(ctx: Ctx, root: string): Promise<void> {
  const rootBuf = Buffer.from(root);
  const stack: Array<{ rel: string; abs: Buffer }> = [{ rel: "", abs: rootBuf }];
  while (stack.length > 0) {
    const { rel, abs } = stack.pop()!;
    let dirents: fs.Dirent<Buffer>[];
    try {
      dirents = fs.readdirSync(abs, { withFileTypes: true, encoding: "buffer" });
    } catch (err) {
      if (rel === "") throw err;
      ctx.handed++;
      await ctx.onEntry({ path: rel, size: 0, kind: "skipped", reason: `directory not readable: ${ioMessage(err)}`, unreadable: true });
      continue;
    }
    dirents.sort((a, b) => Buffer.compare(b.name, a.name));
    for (const d of dirents) {
      const name = displayName(d.name);
      const r = rel ? `${rel}/${name}` : name;
      const a = Buffer.concat([abs, Buffer.from("/"), d.name]);
      ctx.budget.entry(r);
      if (d.isDirectory()) {
        stack.push({ rel: r, abs: a });
        continue;
      }
      if (!d.isFile()) {
        ctx.handed++;
        await ctx.onEntry({
          path: r, size: 0, kind: "skipped", unreadable: false,
          reason: d.isSymbolicLink() ? "symlink: not followed" : "not a regular file (device, fifo or socket)",
        });
        continue;
      }
      let size: number;
      try {
        size = fs.statSync(a).size;
        // opened now so that a permission problem is this entry's, not the bundle's
        fs.closeSync(fs.openSync(a, "r"));
      } catch (err) {
        ctx.handed++;
        await ctx.onEntry({ path: r, size: 0, kind: "skipped", reason: `could not be read: ${ioMessage(err)}`, unreadable: true });
        continue;
      }
      if (size > ctx.limits.maxFileBytes) {
        ctx.handed++;
        await ctx.onEntry({ path: r, size, kind: "skipped", reason: `file of ${size} bytes is over the per-file bound of ${ctx.limits.maxFileBytes}: not read`, unreadable: true });
        continue;
      }
      // a directory's files are counted by size up front (so a capture read from the file at random is
      // counted too); the ratio across entries is then measured against the bytes on disk
      ctx.budget.inputBytes += size;
      ctx.budget.add(size, r);
      await entry(ctx, r, size, fileChunks(a, size), { countedAlready: true, ...(isUtf8(a) ? { file: a.toString("utf8") } : {}) });
    }
  }
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- tar

async function walkTar(ctx: Ctx, bytes: Chunks, warnings: string[]): Promise<void> {
  const extract = tarStream.extract();
  async function* feed(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const c = await bytes.read();
      if (c === null) return;
      yield c;
    }
  }
  const src = Readable.from(feed(), { objectMode: false });
  let feedError: unknown;
  src.on("error", (err) => {
    feedError = err;
    extract.destroy(err);
  });
  src.pipe(extract as unknown as NodeJS.WritableStream);
  const it = (extract as unknown as AsyncIterable<TarEntry>)[Symbol.asyncIterator]();
  let current = "";
  try {
    for (;;) {
      let r: IteratorResult<TarEntry>;
      try {
        r = await it.next();
      } catch (err) {
        if (feedError instanceof BundleFailure) throw feedError;
        if (err instanceof BundleFailure) throw err;
        throw refuse("corrupt", tarMessage(err), current || undefined);
      }
      if (r.done) break;
      const e = r.value;
      const h = e.header;
      current = h.name;
      ctx.budget.entry(h.name);
      const raw = tarChunks(e, h.name);
      const safe = safeEntryPath(h.name);
      if (!safe.ok) throw refuse("unsafe_entry", `refused archive: entry with ${safe.reason}`, h.name);
      const type = h.type;
      if (type === "link") throw refuse("unsafe_entry", "refused archive: hardlink entry", h.name);
      if (type === "symlink") throw refuse("unsafe_entry", "refused archive: symlink entry", h.name);
      if (type === "character-device" || type === "block-device") throw refuse("unsafe_entry", "refused archive: device entry", h.name);
      if (type === "fifo") throw refuse("unsafe_entry", "refused archive: fifo entry", h.name);
      const size = h.size ?? 0;
      if (!Number.isSafeInteger(size) || size < 0) throw refuse("corrupt", `tar header has an invalid size (${size})`, h.name);
      // tar-stream gives a directory no data (a size its header declares is read as the next header) and a
      // stream that never ends when that size is not 0: draining it would wait forever (found by fuzzing)
      if (type === "directory") continue;
      if (type !== "file" && type !== "contiguous-file") {
        warnings.push(`tar entry ${h.name}: type '${String(type)}' skipped`);
        await raw.drain();
        continue;
      }
      if (safe.path === "") {
        await raw.drain();
        continue;
      }
      if (size > ctx.limits.maxFileBytes) throw refuse("too_large", `entry of ${size} bytes is over the per-file bound of ${ctx.limits.maxFileBytes}`, h.name);
      await entry(ctx, safe.path, size, raw);
    }
  } finally {
    src.destroy();
    extract.destroy();
  }
}

function tarMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  if (/Invalid tar header/.test(m)) return "tar header is invalid (checksum mismatch, or not a tar header): corrupt or truncated archive";
  if (/Unexpected end of data/.test(m)) return "tar archive ends inside an entry (truncated)";
  return `tar archive is corrupt or truncated: ${m}`;
}

/** a tar entry's bytes; the extract's failure (truncation) while inside it is that entry's corruption */
function tarChunks(e: TarEntry, name: string): Chunks {
  const it = (e as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return new Chunks(async () => {
    try {
      const r = await it.next();
      return r.done ? null : r.value;
    } catch (err) {
      if (err instanceof BundleFailure) throw err;
      throw refuse("corrupt", tarMessage(err), name);
    }
  });
}

// ---------------------------------------------------------------- zip

type ZipFile = yauzl.ZipFile;

function openZip(file: string | { bytes: Uint8Array }): Promise<ZipFile> {
  const opts = { lazyEntries: true, autoClose: false, decodeStrings: true, validateEntrySizes: true, strictFileNames: false };
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, zf?: ZipFile) => {
      if (err || !zf) reject(err ?? new Error("zip could not be opened"));
      else resolve(zf);
    };
    if (typeof file === "string") yauzl.open(file, opts, cb);
    else yauzl.fromBuffer(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength), opts, cb);
  });
}

function zipError(err: unknown, entry?: string): BundleFailure {
  if (err instanceof BundleFailure) return err;
  const m = err instanceof Error ? err.message : String(err);
  if (/invalid relative path|absolute path|invalid characters in fileName/.test(m)) return refuse("unsafe_entry", `refused archive: ${m}`, entry ?? m.replace(/^[^:]*: /, ""));
  if (/encryption|encrypted/.test(m)) return refuse("unsupported", `zip: ${m}`, entry);
  if (/unsupported compression method/.test(m)) return refuse("unsupported", `zip compression method not supported (stored and deflate only): ${m}`, entry);
  if (/End of central directory record signature not found/i.test(m)) return refuse("corrupt", "zip end-of-central-directory record not found (truncated?)", entry);
  return refuse("corrupt", `zip archive is corrupt or truncated: ${m}`, entry);
}

async function zipEntries(zf: ZipFile, limits: BundleLimits): Promise<yauzl.Entry[]> {
  if (zf.entryCount > limits.maxEntries) throw refuse("too_large", `more than ${limits.maxEntries} entries`);
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zf.on("entry", (e: yauzl.Entry) => {
      out.push(e);
      zf.readEntry();
    });
    zf.on("end", () => resolve(out));
    zf.on("error", (err) => reject(zipError(err)));
    zf.readEntry();
  });
}

async function walkZip(ctx: Ctx, file: string | { bytes: Uint8Array }, fileSize: number): Promise<void> {
  let zf: ZipFile;
  try {
    zf = await openZip(file);
  } catch (err) {
    throw zipError(err);
  }
  try {
    const all = await zipEntries(zf, ctx.limits);
    const files: yauzl.Entry[] = [];
    for (const e of all) {
      const name = e.fileName;
      const safe = safeEntryPath(name);
      if (!safe.ok) throw refuse("unsafe_entry", `refused archive: entry with ${safe.reason}`, name);
      const mode = e.versionMadeBy >> 8 === 3 ? (e.externalFileAttributes >>> 16) & 0o170000 : 0;
      if (mode === 0o120000) throw refuse("unsafe_entry", "refused archive: symlink entry", name);
      if (mode !== 0 && mode !== 0o100000 && mode !== 0o040000) throw refuse("unsafe_entry", "refused archive: special file entry (device, fifo or socket)", name);
      if (name.endsWith("/") || mode === 0o040000 || safe.path === "") continue;
      if (e.isEncrypted()) throw refuse("unsupported", "encrypted zip entries are not supported", name);
      if (e.compressionMethod !== 0 && e.compressionMethod !== 8) {
        throw refuse("unsupported", `zip compression method ${e.compressionMethod} is not supported (stored and deflate only)`, name);
      }
      files.push(e);
    }
    refuseOverlaps(all, fileSize);
    for (const e of files) {
      const name = e.fileName;
      ctx.budget.entry(name);
      const usize = e.uncompressedSize;
      const csize = e.compressedSize;
      if (usize > ctx.limits.maxFileBytes) throw refuse("too_large", `entry declares ${usize} bytes, over the per-file bound of ${ctx.limits.maxFileBytes}`, name);
      if (e.compressionMethod === 0 && csize !== usize) throw refuse("corrupt", "stored zip entry with different compressed and uncompressed sizes", name);
      if (e.compressionMethod === 8) {
        const ratioCap = Math.max(ctx.limits.ratioFloorBytes, csize * ctx.limits.maxRatio);
        if (usize > ratioCap) throw refuse("ratio_exceeded", `entry declares ${usize} bytes from ${csize} (ratio bound ${ratioCap}): refused before inflating`, name);
      }
      if (usize > ctx.budget.remaining()) {
        const byRatio = ctx.budget.ratioCap < ctx.limits.maxTotalBytes;
        throw refuse(byRatio ? "ratio_exceeded" : "too_large", byRatio
          ? `entry declares ${usize} bytes: the entries together would inflate beyond ${ctx.limits.maxRatio}:1 of the ${fileSize} bytes of the archive (refused before inflating)`
          : `archive content is over the total bound of ${ctx.limits.maxTotalBytes} bytes`, name);
      }
      let stream: Readable;
      try {
        stream = await new Promise<Readable>((resolve, reject) => zf.openReadStream(e, (err, s) => (err || !s ? reject(err ?? new Error("no stream")) : resolve(s))));
      } catch (err) {
        throw zipError(err, name);
      }
      stream.on("error", () => { /* surfaced through the iterator */ });
      // the declared size is checked by yauzl while inflating (validateEntrySizes); a lie stops there
      const raw = zipChunks(stream, name, e.crc32);
      try {
        await entry(ctx, safeEntryPath(name).ok ? (safeEntryPath(name) as { path: string }).path : name, usize, raw);
      } finally {
        stream.destroy();
      }
    }
  } finally {
    zf.close();
  }
}

/** yauzl's errors (size mismatch, bad deflate data) and a CRC-32 mismatch (yauzl does not check it) are the entry's corruption */
function zipChunks(stream: Readable, name: string, crc: number): Chunks {
  const it = (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let sum = 0;
  return new Chunks(async () => {
    try {
      const r = await it.next();
      if (r.done) {
        if ((sum >>> 0) !== (crc >>> 0)) throw refuse("corrupt", "zip entry CRC-32 mismatch (corrupt data)", name);
        return null;
      }
      sum = crc32(r.value, sum);
      return r.value;
    } catch (err) {
      if (err instanceof BundleFailure) throw err;
      const m = err instanceof Error ? err.message : String(err);
      throw refuse("corrupt", /too many bytes|too few bytes|crc/i.test(m) ? `zip entry does not match its declared size or CRC-32: ${m}` : `zip entry does not inflate: ${m}`, name);
    }
  });
}

/**
 * Refuses archives whose entries share bytes: two entries pointing at one local header (the "full overlap"
 * zip bomb: one 10 MiB deflate stream read by 102 entries) or one entry's local header inside another's data
 * (the "quoted overlap" construction). Each entry's local header + name + data must end before the next one
 * starts, and the last before the end of the file.
 */
export function refuseOverlaps(entries: yauzl.Entry[], fileSize: number): void {
  const spans = entries
    .map((e) => ({ name: e.fileName, start: e.relativeOffsetOfLocalHeader, end: e.relativeOffsetOfLocalHeader + 30 + e.fileNameLength + e.compressedSize }))
    .sort((a, b) => a.start - b.start);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const next = spans[i + 1];
    if (next && next.start < s.end) {
      throw refuse("unsafe_entry", `refused archive: zip entries overlap (${next.name} starts at byte ${next.start}, inside ${s.name}, bytes ${s.start}-${s.end}): a zip bomb construction`, next.name);
    }
    if (s.end > fileSize) throw refuse("corrupt", "zip entry data runs past the end of the archive (truncated?)", s.name);
  }
}
