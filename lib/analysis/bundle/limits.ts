/**
 * Bounds and errors of the bundle reader. Archives come from strangers (uploads, pasted bundles), so
 * every size is bounded BEFORE the bytes are produced: inflaters are stopped at the bound while they run
 * (a counting stream), so a bomb stops at the bound instead of being inflated first and measured after.
 */
export type BundleLimits = {
  /** total bytes of all files after decompression (default 1 GiB) */
  maxTotalBytes: number;
  /** one file after decompression (default 512 MiB) */
  maxFileBytes: number;
  /**
   * output/input ratio allowed for a compressed stream or zip entry once it is past `ratioFloorBytes`; it
   * also holds for the whole input: all entries together may not inflate to more than this many times the
   * bytes of the file (or directory) read, so many small bombs add up like one big one
   */
  maxRatio: number;
  /** below this many output bytes any ratio is fine (small, very repetitive files are normal) */
  ratioFloorBytes: number;
  /** entries in one archive */
  maxEntries: number;
  /**
   * characters of one text file kept for the parsers (default 64 Mi): past it the file is read to its end
   * (sizes and limits still counted) but its text is not kept, and the entry says so (`truncated`)
   */
  maxTextChars: number;
  /** characters of one line kept (default 1 Mi: `ip -j` prints a whole host on one line); the rest of a longer line is dropped and counted */
  maxLineChars: number;
};

export const DEFAULT_LIMITS: BundleLimits = {
  maxTotalBytes: 1024 * 1024 * 1024,
  maxFileBytes: 512 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 10 * 1024 * 1024,
  maxEntries: 100_000,
  maxTextChars: 64 * 1024 * 1024,
  maxLineChars: 1024 * 1024,
};

export type BundleErrorCode =
  | "not_found" // a path given does not exist
  | "io_error" // it exists but cannot be read
  | "unsafe_entry" // `..`, absolute path, symlink, hardlink, device or fifo inside an archive; overlapping zip entries
  | "corrupt" // bad header, checksum, CRC, truncated data, invalid deflate stream
  | "too_large" // a size bound was reached
  | "ratio_exceeded" // compression ratio beyond maxRatio: a bomb, stopped early
  | "unsupported"; // encryption, sparse tar members, unknown compression method, not an archive

export type BundleError = { code: BundleErrorCode; message: string; entry?: string; path?: string };

export type Failed = { status: "failed"; error: BundleError };
export const failed = (code: BundleErrorCode, message: string, entry?: string): Failed =>
  ({ status: "failed", error: entry === undefined ? { code, message } : { code, message, entry } });

/** A refusal thrown inside the streaming readers and turned into `Failed` at their edge. */
export class BundleFailure extends Error {
  constructor(readonly error: BundleError) {
    super(error.message);
    this.name = "BundleFailure";
  }
}
export const refuse = (code: BundleErrorCode, message: string, entry?: string): BundleFailure =>
  new BundleFailure(entry === undefined ? { code, message } : { code, message, entry });

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
