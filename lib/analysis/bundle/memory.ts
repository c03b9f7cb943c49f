/**
 * In-memory archive expansion, for callers that rewrite whole entries (the redact command): tar / tar.gz /
 * zip bytes → entries as views into the bytes. The analysis path does NOT use this: it streams with
 * walkBundle (walk.ts) in bounded memory. Same refusals (unsafe names, links, devices, overlapping zip
 * entries, bombs) and bounds as the streaming reader; keep the input small (it is all in memory).
 */
import { gunzipBounded, isGzip } from "./gzip";
import { type BundleLimits, DEFAULT_LIMITS, type Failed, failed } from "./limits";
import { type ArchiveEntry, looksLikeTar, readTar } from "./tar";
import { isZip, readZip } from "./zip";

export type { ArchiveEntry } from "./tar";

/** Expands an archive's bytes (tar, tar.gz, zip; detected by magic, not name). */
export function expandArchive(bytes: Uint8Array, limits: BundleLimits = DEFAULT_LIMITS):
  { status: "success"; entries: ArchiveEntry[]; warnings: string[] } | Failed {
  let b = bytes;
  if (isGzip(b)) {
    const g = gunzipBounded(b, limits.maxTotalBytes, limits);
    if (g.status === "failed") return g;
    b = g.data;
  }
  if (isZip(b)) return readZip(b, limits);
  if (looksLikeTar(b)) return readTar(b, limits);
  return failed("unsupported", "not a tar, tar.gz or zip archive");
}
