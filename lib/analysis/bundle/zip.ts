/**
 * A zip reader over bytes in memory: the central directory is the index (as unzip does), each entry's
 * local header gives where its data starts. Stored and deflate only. Every entry is inflated with a
 * zlib maxOutputLength cap (per-file bound, what is left of the total, and the ratio bound), so a zip
 * bomb stops at the cap; the declared size is checked first, then the real size and the CRC-32 after.
 * Refused like tar: `..`, absolute paths, symlinks and other special files (unix mode in the external
 * attributes). Zip64 and encrypted entries are unsupported.
 */
import { crc32, inflateRawSync } from "node:zlib";
import type { ArchiveEntry, ArchiveResult } from "./tar";
import { type BundleLimits, failed, inflateCap, safeEntryPath } from "./limits";

const dec = new TextDecoder("utf-8");
const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;

export const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 && b[3] === 4 || b[2] === 5 && b[3] === 6);

export function readZip(b: Uint8Array, limits: BundleLimits): ArchiveResult {
  let eocd = -1;
  for (let i = b.length - 22; i >= 0 && i >= b.length - 22 - 65535; i--) {
    if (b[i] === 0x50 && b[i + 1] === 0x4b && b[i + 2] === 5 && b[i + 3] === 6) { eocd = i; break; }
  }
  if (eocd < 0) return failed("corrupt", "zip end-of-central-directory record not found (truncated?)");
  const count = u16(b, eocd + 10);
  const cdSize = u32(b, eocd + 12);
  const cdOff = u32(b, eocd + 16);
  if (count === 0xffff || cdOff === 0xffffffff || cdSize === 0xffffffff) return failed("unsupported", "zip64 archives are not supported");
  if (cdOff + cdSize > b.length) return failed("corrupt", "zip central directory runs past the end of the archive (truncated?)");
  if (count > limits.maxEntries) return failed("too_large", `more than ${limits.maxEntries} entries`);
  const entries: ArchiveEntry[] = [];
  const warnings: string[] = [];
  let total = 0;
  let p = cdOff;
  // overlapping entries (one deflate stream read by many records: the zip bomb of issue 10) are refused up front
  const spans: Array<{ name: string; start: number; end: number }> = [];
  for (let n = 0, q = cdOff; n < count; n++) {
    if (q + 46 > b.length || u32(b, q) !== 0x02014b50) break;
    const nlen = u16(b, q + 28);
    spans.push({ name: dec.decode(b.subarray(q + 46, Math.min(b.length, q + 46 + nlen))), start: u32(b, q + 42), end: u32(b, q + 42) + 30 + nlen + u32(b, q + 20) });
    q += 46 + nlen + u16(b, q + 30) + u16(b, q + 32);
  }
  spans.sort((x, y) => x.start - y.start);
  for (let i = 0; i + 1 < spans.length; i++) {
    if (spans[i + 1]!.start < spans[i]!.end) return failed("unsafe_entry", `refused archive: zip entries overlap (${spans[i + 1]!.name} inside ${spans[i]!.name}): a zip bomb construction`, spans[i + 1]!.name);
  }
  for (let n = 0; n < count; n++) {
    if (p + 46 > b.length || u32(b, p) !== 0x02014b50) return failed("corrupt", `zip central directory entry ${n + 1} is damaged`);
    const madeBy = b[p + 5];
    const flags = u16(b, p + 8);
    const method = u16(b, p + 10);
    const crc = u32(b, p + 16);
    const csize = u32(b, p + 20);
    const usize = u32(b, p + 24);
    const nlen = u16(b, p + 28);
    const xlen = u16(b, p + 30);
    const clen = u16(b, p + 32);
    const ext = u32(b, p + 38);
    const lho = u32(b, p + 42);
    if (p + 46 + nlen > b.length) return failed("corrupt", `zip central directory entry ${n + 1} is truncated`);
    const name = dec.decode(b.subarray(p + 46, p + 46 + nlen));
    p += 46 + nlen + xlen + clen;
    const safe = safeEntryPath(name);
    if (!safe.ok) return failed("unsafe_entry", `refused archive: entry with ${safe.reason}`, name);
    const mode = madeBy === 3 ? (ext >>> 16) & 0o170000 : 0;
    if (mode === 0o120000) return failed("unsafe_entry", "refused archive: symlink entry", name);
    if (mode !== 0 && mode !== 0o100000 && mode !== 0o040000) return failed("unsafe_entry", "refused archive: special file entry (device, fifo or socket)", name);
    if (name.endsWith("/") || mode === 0o040000) continue;
    if (flags & 1) return failed("unsupported", "encrypted zip entries are not supported", name);
    if (csize === 0xffffffff || usize === 0xffffffff || lho === 0xffffffff) return failed("unsupported", "zip64 entries are not supported", name);
    if (usize > limits.maxFileBytes) return failed("too_large", `entry declares ${usize} bytes, over the per-file bound of ${limits.maxFileBytes}`, name);
    if (lho + 30 > b.length || u32(b, lho) !== 0x04034b50) return failed("corrupt", "zip local header missing or damaged", name);
    const start = lho + 30 + u16(b, lho + 26) + u16(b, lho + 28);
    if (start + csize > b.length) return failed("corrupt", "zip entry data runs past the end of the archive (truncated?)", name);
    const raw = b.subarray(start, start + csize);
    let data: Uint8Array;
    if (method === 0) {
      if (csize !== usize) return failed("corrupt", "stored zip entry with different compressed and uncompressed sizes", name);
      data = raw;
    } else if (method === 8) {
      const { cap, by } = inflateCap(csize, limits.maxTotalBytes - total, limits);
      if (usize > cap) {
        return failed(by === "ratio" ? "ratio_exceeded" : "too_large", `entry declares ${usize} bytes from ${csize} (${by} bound ${cap}): refused before inflating`, name);
      }
      try {
        // the declared size may lie: the cap, not the declaration, is what bounds the work
        const out = inflateRawSync(raw, { maxOutputLength: Math.max(1, cap), chunkSize: usize > 1 << 20 ? 1 << 20 : 64 * 1024 });
        data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
          return failed(by === "ratio" ? "ratio_exceeded" : "too_large", `entry inflates beyond the ${by} bound of ${cap} bytes (stopped early)`, name);
        }
        return failed("corrupt", `zip entry does not inflate: ${err instanceof Error ? err.message : String(err)}`, name);
      }
      if (data.length !== usize) return failed("corrupt", `zip entry inflates to ${data.length} bytes, ${usize} declared`, name);
    } else {
      return failed("unsupported", `zip compression method ${method} is not supported (stored and deflate only)`, name);
    }
    if ((crc32(data) >>> 0) !== crc) return failed("corrupt", "zip entry CRC-32 mismatch (corrupt data)", name);
    total += data.length;
    if (total > limits.maxTotalBytes) return failed("too_large", `archive content is over the total bound of ${limits.maxTotalBytes} bytes`, name);
    if (safe.path !== "") entries.push({ path: safe.path, data });
  }
  return { status: "success", entries, warnings };
}
