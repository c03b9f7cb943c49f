/**
 * Bounds and errors of the bundle reader. Archives come from strangers (uploads, pasted bundles), so
 * every size is bounded BEFORE the bytes are produced: inflaters run with zlib's maxOutputLength, so a
 * bomb stops at the bound instead of being inflated first and measured after.
 */
export type BundleLimits = {
  /** total bytes of all files after decompression (default 1 GiB) */
  maxTotalBytes: number;
  /** one file after decompression (default 512 MiB) */
  maxFileBytes: number;
  /** output/input ratio allowed for a compressed stream or zip entry once it is past `ratioFloorBytes` */
  maxRatio: number;
  /** below this many output bytes any ratio is fine (small, very repetitive files are normal) */
  ratioFloorBytes: number;
  /** entries in one archive */
  maxEntries: number;
};

export const DEFAULT_LIMITS: BundleLimits = {
  maxTotalBytes: 1024 * 1024 * 1024,
  maxFileBytes: 512 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 10 * 1024 * 1024,
  maxEntries: 100_000,
};

export type BundleErrorCode =
  | "not_found" // a path given does not exist
  | "io_error" // it exists but cannot be read
  | "unsafe_entry" // `..`, absolute path, symlink, hardlink, device or fifo inside an archive
  | "corrupt" // bad header, checksum, CRC, truncated data, invalid deflate stream
  | "too_large" // a size bound was reached
  | "ratio_exceeded" // compression ratio beyond maxRatio: a bomb, stopped early
  | "unsupported"; // zip64, encryption, sparse tar members, unknown compression method

export type BundleError = { code: BundleErrorCode; message: string; entry?: string; path?: string };

export type Failed = { status: "failed"; error: BundleError };
export const failed = (code: BundleErrorCode, message: string, entry?: string): Failed =>
  ({ status: "failed", error: entry === undefined ? { code, message } : { code, message, entry } });

/** Output cap for one compressed stream of `compressed` bytes, and which bound it is. */
export function inflateCap(compressed: number, remainingTotal: number, limits: BundleLimits): { cap: number; by: "ratio" | "file" | "total" } {
  const ratioCap = Math.max(limits.ratioFloorBytes, compressed * limits.maxRatio);
  let cap = ratioCap;
  let by: "ratio" | "file" | "total" = "ratio";
  if (limits.maxFileBytes < cap) { cap = limits.maxFileBytes; by = "file"; }
  if (remainingTotal < cap) { cap = Math.max(0, remainingTotal); by = "total"; }
  return { cap, by };
}

/** An archive entry name made safe or refused: no absolute paths, no `..`, no drive letters, no NUL. */
export function safeEntryPath(name: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (name.includes("\0")) return { ok: false, reason: "NUL byte in the name" };
  if (name.startsWith("/") || name.startsWith("\\")) return { ok: false, reason: "absolute path" };
  if (/^[A-Za-z]:/.test(name)) return { ok: false, reason: "drive-letter path" };
  const parts = name.split(/[\\/]/);
  if (parts.some((p) => p === "..")) return { ok: false, reason: "`..` path segment" };
  const kept = parts.filter((p) => p !== "" && p !== ".");
  return { ok: true, path: kept.join("/") };
}
