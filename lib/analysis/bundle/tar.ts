/**
 * A tar reader over bytes in memory (ustar, GNU and pax headers). Entries are views into the input
 * (no copies, nothing written anywhere). Refused, with the whole archive: `..` segments, absolute paths,
 * symlinks, hardlinks, character/block devices and fifos (a bundle has no business holding them, and
 * refusing is safer than guessing what a link meant). Sparse members are unsupported. A bad header
 * checksum, a size running past the end, or a truncated header is `corrupt`, naming the entry.
 */
import { type BundleLimits, failed, type Failed, safeEntryPath } from "./limits";

export type ArchiveEntry = { path: string; data: Uint8Array };
export type ArchiveResult = { status: "success"; entries: ArchiveEntry[]; warnings: string[] } | Failed;

const BLOCK = 512;
const dec = new TextDecoder("utf-8");

function cstr(b: Uint8Array, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && b[end] !== 0) end++;
  return dec.decode(b.subarray(start, end));
}

function octal(b: Uint8Array, start: number, len: number): number | undefined {
  // GNU base-256 for big numbers: high bit of the first byte set
  if (b[start] & 0x80) {
    let v = b[start] & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i];
    return Number.isSafeInteger(v) ? v : undefined;
  }
  const s = cstr(b, start, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]{1,12}$/.test(s)) return undefined;
  return parseInt(s, 8);
}

/** ustar/GNU magic at 257, "ustar\0" or "ustar " — also used to sniff an unnamed tar. */
export function looksLikeTar(b: Uint8Array): boolean {
  return b.length >= BLOCK && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;
}

function checksumOk(b: Uint8Array, off: number): boolean {
  const stored = octal(b, off + 148, 8);
  if (stored === undefined) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : b[off + i];
  return sum === stored;
}

function isZeroBlock(b: Uint8Array, off: number): boolean {
  for (let i = off; i < off + BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** pax records: "<len> key=value\n" */
function paxRecords(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    let j = i;
    while (j < data.length && j - i < 20 && data[j] !== 0x20) j++;
    const len = Number(dec.decode(data.subarray(i, j)));
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) break;
    const rec = dec.decode(data.subarray(j + 1, i + len - 1));
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

export function readTar(b: Uint8Array, limits: BundleLimits): ArchiveResult {
  const entries: ArchiveEntry[] = [];
  const warnings: string[] = [];
  let off = 0;
  let longName: string | undefined;
  let pax: Record<string, string> | undefined;
  let total = 0;
  let sawEnd = false;
  while (off + BLOCK <= b.length) {
    if (isZeroBlock(b, off)) {
      sawEnd = true;
      break;
    }
    const rawName = cstr(b, off, 100);
    const prefix = looksLikeTar(b.subarray(off, off + BLOCK)) ? cstr(b, off + 345, 155) : "";
    const headerName = prefix ? `${prefix}/${rawName}` : rawName;
    if (!checksumOk(b, off)) return failed("corrupt", `tar header checksum mismatch at offset ${off}`, headerName || undefined);
    const type = String.fromCharCode(b[off + 156] || 0x30);
    let size = octal(b, off + 124, 12);
    if (size === undefined) return failed("corrupt", `tar header has an invalid size field at offset ${off}`, headerName);
    const name = pax?.path ?? longName ?? headerName;
    if (pax?.size !== undefined && /^\d{1,15}$/.test(pax.size)) size = Number(pax.size);
    const dataStart = off + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > b.length) return failed("corrupt", `tar entry data runs past the end of the archive (truncated?)`, name);
    const data = b.subarray(dataStart, dataEnd);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") { pax = paxRecords(data); continue; }
    if (type === "g") continue; // global pax header: nothing we need
    if (type === "L") { longName = cstr(data, 0, data.length); continue; }
    if (type === "K") continue; // GNU long link name; the link itself is refused below
    pax = undefined;
    longName = undefined;
    const safe = safeEntryPath(name);
    if (!safe.ok) return failed("unsafe_entry", `refused archive: entry with ${safe.reason}`, name);
    if (type === "1") return failed("unsafe_entry", "refused archive: hardlink entry", name);
    if (type === "2") return failed("unsafe_entry", "refused archive: symlink entry", name);
    if (type === "3" || type === "4") return failed("unsafe_entry", "refused archive: device entry", name);
    if (type === "6") return failed("unsafe_entry", "refused archive: fifo entry", name);
    if (type === "S") return failed("unsupported", "sparse tar members are not supported", name);
    if (type === "5") continue;
    if (type !== "0" && type !== "7") {
      warnings.push(`tar entry ${name}: type '${type}' skipped`);
      continue;
    }
    if (safe.path === "") continue;
    if (size > limits.maxFileBytes) return failed("too_large", `entry of ${size} bytes is over the per-file bound of ${limits.maxFileBytes}`, name);
    total += size;
    if (total > limits.maxTotalBytes) return failed("too_large", `archive content is over the total bound of ${limits.maxTotalBytes} bytes`, name);
    if (entries.length >= limits.maxEntries) return failed("too_large", `more than ${limits.maxEntries} entries`, name);
    entries.push({ path: safe.path, data });
  }
  if (!sawEnd) {
    if (off < b.length) return failed("corrupt", `tar archive ends inside a header at offset ${off} (truncated)`);
    warnings.push("tar archive has no end-of-archive blocks (truncated after the last complete entry?)");
  }
  return { status: "success", entries, warnings };
}
