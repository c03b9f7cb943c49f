/**
 * Pull-based byte streams for the streaming bundle reader: one `Chunks` per stage (an archive entry's bytes,
 * their gunzip, the byte count against the limits), each pulling from the one below only when asked, so
 * memory holds a chunk or two per stage whatever the sizes.
 *
 * Why not Node streams end to end: an abandoned consumer must never destroy the archive underneath (a
 * tar-stream entry destroyed mid-way destroys the whole extract), and the reader must finish every entry
 * itself (drain) after the consumer is done with it. `iterable()` gives consumers (summarizeCapture) an
 * AsyncIterable whose `return()` only stops that consumer.
 */
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { type BundleLimits, BundleFailure, inflateCap, refuse } from "./limits";

export class Chunks {
  private back: Uint8Array[] = [];
  private failure: unknown;
  private ended = false;

  constructor(private readonly pull: () => Promise<Uint8Array | null>, private readonly onSkip?: () => Promise<void>) {}

  /** next chunk, null at the end; a failure is thrown again on every later read */
  async read(): Promise<Uint8Array | null> {
    if (this.back.length > 0) return this.back.pop()!;
    if (this.failure !== undefined) throw this.failure;
    if (this.ended) return null;
    try {
      const c = await this.pull();
      if (c === null) this.ended = true;
      return c;
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  unshift(c: Uint8Array): void {
    if (c.length > 0) this.back.push(c);
  }

  /** the first `n` bytes (fewer at the end), left in place for the next read */
  async head(n: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n) {
      const c = await this.read();
      if (c === null) break;
      if (c.length === 0) continue;
      parts.push(c);
      have += c.length;
    }
    const head = parts.length === 1 ? parts[0]! : concat(parts, have);
    this.unshift(head);
    return head.length > n ? head.subarray(0, n) : head;
  }

  /** reads to the end, keeping nothing */
  async drain(): Promise<void> {
    if (this.onSkip && this.back.length === 0 && !this.ended && this.failure === undefined) {
      this.ended = true;
      await this.onSkip();
      return;
    }
    while ((await this.read()) !== null);
  }

  /** for consumers: stopping early (break, return) stops only the consumer; the reader drains the rest */
  iterable(): AsyncIterable<Uint8Array> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          const c = await this.read();
          return c === null ? { done: true as const, value: undefined } : { done: false as const, value: c };
        },
        return: async () => ({ done: true as const, value: undefined }),
      }),
    };
  }
}

export function concat(parts: Uint8Array[], total = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Chunks over a Node/streamx readable: only next() is ever called on its iterator (never return()). */
export function chunksOf(stream: AsyncIterable<Uint8Array>, onSkip?: () => Promise<void>): Chunks {
  const it = stream[Symbol.asyncIterator]();
  return new Chunks(async () => {
    const r = await it.next();
    return r.done ? null : (r.value as Uint8Array);
  }, onSkip);
}

/**
 * The bytes of all entries together, and the number of entries, against the limits. The whole input's ratio
 * holds across entries: all of them together may inflate to at most `maxRatio` times the bytes read from
 * disk (past `ratioFloorBytes`), so a zip of many entries that each stay under the per-entry bound (or a
 * tar of many small gzip bombs) stops like one big bomb.
 */
export class Budget {
  total = 0;
  entries = 0;
  constructor(readonly limits: BundleLimits, public inputBytes: number) {}

  get ratioCap(): number {
    return Math.max(this.limits.ratioFloorBytes, this.inputBytes * this.limits.maxRatio);
  }

  add(n: number, entry: string): void {
    this.total += n;
    if (this.total > this.limits.maxTotalBytes) {
      throw refuse("too_large", `bundle content is over the total bound of ${this.limits.maxTotalBytes} bytes`, entry);
    }
    if (this.total > this.ratioCap) {
      throw refuse("ratio_exceeded", `the entries together inflate beyond ${this.limits.maxRatio}:1 of the ${this.inputBytes} bytes read (stopped at ${this.total} bytes): refused as a likely bomb`, entry);
    }
  }

  entry(name: string): void {
    if (++this.entries > this.limits.maxEntries) throw refuse("too_large", `more than ${this.limits.maxEntries} entries`, name);
  }

  remaining(): number {
    return Math.min(this.limits.maxTotalBytes, this.ratioCap) - this.total;
  }

  /** what bounds the rest: the whole input's ratio, or the total */
  remainingBy(): "ratio" | "total" {
    return this.ratioCap < this.limits.maxTotalBytes ? "ratio" : "total";
  }
}

/** counts every byte that passes against the per-file bound and (when `count`) the budget */
export function counted(up: Chunks, budget: Budget, entry: string, count: boolean): Chunks {
  let n = 0;
  const max = budget.limits.maxFileBytes;
  return new Chunks(async () => {
    const c = await up.read();
    if (c === null) return null;
    n += c.length;
    if (n > max) throw refuse("too_large", `file is over the per-file bound of ${max} bytes`, entry);
    if (count) budget.add(c.length, entry);
    return c;
  });
}

export const GZIP_CORRUPT = "gzip stream is corrupt or truncated";

/**
 * Gunzips `up`, stopped at the cap for `compressed` input bytes (ratio, per-file bound, what is left of the
 * total) while inflating: at most one 64 KiB chunk past the cap is ever produced.
 */
export function gunzipped(up: Chunks, compressed: number, budget: Budget, entry: string): Chunks {
  const c = inflateCap(compressed, budget.remaining(), budget.limits);
  const cap = c.cap;
  const by = c.by === "total" ? budget.remainingBy() : c.by;
  const limits = budget.limits;
  async function* source(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const c = await up.read();
      if (c === null) return;
      yield c;
    }
  }
  const src = Readable.from(source(), { objectMode: false, highWaterMark: 64 * 1024 });
  const gz = src.pipe(createGunzip({ chunkSize: 64 * 1024 }));
  let upstream: unknown;
  src.on("error", (err) => {
    upstream = err;
    gz.destroy(err);
  });
  const it = (gz as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let out = 0;
  const close = () => {
    gz.destroy();
    src.destroy();
  };
  return new Chunks(async () => {
    let r: IteratorResult<Uint8Array>;
    try {
      r = await it.next();
    } catch (err) {
      close();
      if (upstream instanceof BundleFailure) throw upstream;
      if (err instanceof BundleFailure) throw err;
      throw refuse("corrupt", `${GZIP_CORRUPT}: ${err instanceof Error ? err.message : String(err)}`, entry);
    }
    if (r.done) {
      close();
      return null;
    }
    out += r.value.length;
    if (out > cap) {
      close();
      if (by === "ratio") {
        throw refuse("ratio_exceeded", `gzip stream inflates beyond ${limits.maxRatio}:1 past ${limits.ratioFloorBytes} bytes (stopped at ${cap} bytes from ${compressed}): refused as a likely bomb`, entry);
      }
      throw refuse("too_large", `gzip stream inflates beyond the ${by === "file" ? "per-file" : "total"} bound of ${cap} bytes`, entry);
    }
    return r.value;
  });
}
