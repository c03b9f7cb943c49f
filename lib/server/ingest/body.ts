// Request bodies of the ingest side: a JSON body that may be absent (POST …/analysis), and the agents' JSON bodies,
// gzip'd or not, bounded before and after inflating.
import { promisify } from "node:util";
import { gunzip, gunzipSync } from "node:zlib";
import { InvalidJsonError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from "../errors";
import { readJson } from "../http";

const gunzipAsync = promisify(gunzip);

export async function readOptionalJson(request: Request): Promise<unknown> {
  if (!request.body || request.headers.get("content-length") === "0") return undefined;
  try {
    return await readJson(request);
  } catch (err) {
    if (err instanceof InvalidJsonError && /empty/.test(err.message)) return undefined;
    throw err;
  }
}

async function readBounded(request: Request, cap: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > cap) throw new PayloadTooLargeError(cap);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) {
        await reader.cancel().catch(() => undefined);
        throw new PayloadTooLargeError(cap);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks, size);
}

/**
 * An agent's JSON body: `Content-Type: application/json`, `Content-Encoding: gzip` or none; at most `maxBytes`
 * once inflated (the inflater stops there: a gzip bomb costs `maxBytes`, not its claim). Answers the decoded bytes
 * (hashed for Idempotency-Key checks) and the parsed value.
 */
export async function readAgentJson(request: Request, maxBytes: number): Promise<{ bytes: Buffer; value: unknown }> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new UnsupportedMediaTypeError(`Content-Type ${type || "(none)"}: send application/json`);
  const enc = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (enc !== "identity" && enc !== "gzip") throw new UnsupportedMediaTypeError(`Content-Encoding ${enc}: send gzip or nothing`);
  const raw = await readBounded(request, maxBytes);
  let bytes = raw;
  if (enc === "gzip") {
    try {
      // small bodies (an agent's snapshot is ~16 KB gzip'd) inflate on this thread: cheaper than the thread pool
      bytes = raw.length < 256 * 1024 ? gunzipSync(raw, { maxOutputLength: maxBytes }) : await gunzipAsync(raw, { maxOutputLength: maxBytes });
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new PayloadTooLargeError(maxBytes);
      throw new ValidationError("the body is not valid gzip (Content-Encoding: gzip)");
    }
  }
  if (bytes.length === 0) throw new InvalidJsonError("request body is empty; expected a JSON object");
  try {
    return { bytes, value: JSON.parse(bytes.toString("utf8")) as unknown };
  } catch {
    throw new InvalidJsonError();
  }
}
