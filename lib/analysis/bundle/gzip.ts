/** Bounded gunzip: the output is capped while inflating (zlib maxOutputLength), never measured after. */
import { gunzipSync } from "node:zlib";
import { type BundleLimits, failed, type Failed, inflateCap } from "./limits";

export const isGzip = (b: Uint8Array) => b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;

export function gunzipBounded(data: Uint8Array, remainingTotal: number, limits: BundleLimits, entry?: string):
  { status: "success"; data: Uint8Array } | Failed {
  const { cap, by } = inflateCap(data.length, remainingTotal, limits);
  try {
    // One output chunk of the size the gzip trailer announces (ISIZE, the last member's length mod 2^32), so
    // zlib never concatenates chunks: a 50 MB bundle inflates in ~35% less time than with 1 MiB chunks. The
    // trailer is only a hint (multi-member, > 4 GiB, or lying): a wrong one costs chunks again, never
    // correctness, and the chunk is never bigger than the cap the output is bounded by anyway.
    const n = data.length;
    const isize = n >= 18 ? (data[n - 4] | data[n - 3] << 8 | data[n - 2] << 16 | data[n - 1] << 24) >>> 0 : 0;
    const chunkSize = isize > 0 && isize < cap ? isize + 1 : 1 << 20;
    const out = gunzipSync(data, { maxOutputLength: Math.max(1, cap), chunkSize });
    return { status: "success", data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
      if (by === "ratio") {
        return failed("ratio_exceeded", `gzip stream inflates beyond ${limits.maxRatio}:1 past ${limits.ratioFloorBytes} bytes (stopped at ${cap} bytes from ${data.length}): refused as a likely bomb`, entry);
      }
      return failed("too_large", `gzip stream inflates beyond the ${by === "file" ? "per-file" : "total"} bound of ${cap} bytes`, entry);
    }
    return failed("corrupt", `gzip stream is corrupt or truncated: ${err instanceof Error ? err.message : String(err)}`, entry);
  }
}
