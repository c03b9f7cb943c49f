// Streams a request body to a temporary file while counting and hashing it: never buffered whole (no formData(),
// no arrayBuffer()), refused past a cap as it goes, removed again on any failure.
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { IncompleteBodyError, PayloadTooLargeError, ValidationError } from "../errors";

export interface Received {
  /** the temporary file (the caller moves or removes it) */
  path: string;
  size: number;
  sha256: string;
  /** the first HEAD_BYTES bytes, to tell what it is */
  head: Buffer;
}

export const HEAD_BYTES = 64 * 1024;

/** Default cap of an upload: 1 GiB (NETMORTEM_UPLOAD_MAX_BYTES overrides). */
export function uploadCap(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.NETMORTEM_UPLOAD_MAX_BYTES);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : 1024 * 1024 * 1024;
}

/** The declared Content-Length, refused up front when over the cap (a 10 GB declaration never starts a write). */
export function checkDeclaredLength(headers: Headers, cap: number): number | undefined {
  const raw = headers.get("content-length");
  if (raw === null) return undefined;
  if (!/^\d{1,20}$/.test(raw.trim())) throw new ValidationError("Content-Length is not a number");
  const n = Number(raw.trim());
  if (n > cap) throw new PayloadTooLargeError(cap);
  return n;
}

class Counter extends Transform {
  size = 0;
  readonly hash = createHash("sha256");
  private readonly headChunks: Buffer[] = [];
  private headSize = 0;

  constructor(private readonly cap: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.cap) {
      done(new PayloadTooLargeError(this.cap));
      return;
    }
    this.hash.update(chunk);
    if (this.headSize < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headSize);
      this.headChunks.push(Buffer.from(part));
      this.headSize += part.length;
    }
    done(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}

/**
 * Writes `body` to a new file in `dir`. Throws PayloadTooLargeError past `cap` bytes, IncompleteBodyError when
 * the stream fails or ends short of `declaredLength`; the file is gone in both cases. The file is fsync'ed before
 * this returns, so an acknowledged upload survives a crash of the process right after.
 */
export async function receiveBody(
  body: ReadableStream<Uint8Array> | null,
  opts: { dir: string; cap: number; declaredLength?: number },
): Promise<Received> {
  if (!body) throw new ValidationError("the request has no body");
  const file = path.join(opts.dir, `${randomUUID()}.part`);
  const counter = new Counter(opts.cap);
  const out = createWriteStream(file, { flags: "wx", mode: 0o600, flush: true });
  try {
    await pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>), counter, out);
  } catch (err) {
    await rm(file, { force: true });
    if (err instanceof PayloadTooLargeError) throw err;
    throw new IncompleteBodyError(
      `the request body ended before it was complete (${counter.size} bytes received${
        opts.declaredLength !== undefined ? ` of ${opts.declaredLength} declared` : ""
      })`,
    );
  }
  if (opts.declaredLength !== undefined && counter.size !== opts.declaredLength) {
    await rm(file, { force: true });
    throw new IncompleteBodyError(`the request body has ${counter.size} bytes, Content-Length said ${opts.declaredLength}`);
  }
  return { path: file, size: counter.size, sha256: counter.hash.digest("hex"), head: counter.head() };
}
