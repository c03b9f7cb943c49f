// Text evidence in the database: one row per distinct content (sha256 of the UTF-8 bytes), so an output that did not
// change since the last snapshot, or the same file in two uploads, is stored once. Stored gzip'd, or (dict_sha256)
// as raw deflate against another blob's text: a node's next reading of an output that changed a little (counters,
// sysctl -a with its kernel.random.uuid) costs its difference. A dictionary is always a gzip'd blob (one level).
// Two forms relative to a dictionary: raw deflate with it as the preset dictionary (texts within deflate's 32 KB
// window), or a gzip'd line patch (line-patch.ts) for longer ones; a gzip stream starts 1f 8b, which a raw deflate
// stream never does (0x1f would be the reserved block type 3).
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { constants, deflateRaw, deflateRawSync, gunzip, gzip, gzipSync, inflateRaw } from "node:zlib";
import { Prisma, type PrismaClient } from "../../generated/prisma/client";
import { applyLinePatch } from "./line-patch";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const deflateRawAsync = promisify(deflateRaw);
const inflateRawAsync = promisify(inflateRaw);

export type BlobClient = Pick<Prisma.TransactionClient | PrismaClient, "$executeRaw" | "$queryRaw">;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface TextBlobInput {
  sha256: string;
  /** UTF-8 bytes of the text */
  bytes: Uint8Array;
  /** content already compressed by the caller (gzip, or raw deflate against `dictSha256`) */
  packed?: Uint8Array;
  dictSha256?: string;
}

/** Below this, zlib runs on the calling thread (a trip through the thread pool costs more than compressing); above,
 *  in the pool, where it runs beside the JavaScript on another core. */
const SYNC_BELOW = 16 * 1024;

/** Raw deflate of `bytes` with `dict` as the preset dictionary (zlib uses its last 32 KB). */
export async function deflateWithDict(bytes: Uint8Array, dict: Uint8Array): Promise<Buffer> {
  const opts = { level: 6, memLevel: 9, dictionary: dict };
  return bytes.length < SYNC_BELOW ? deflateRawSync(bytes, opts) : deflateRawAsync(bytes, opts);
}

export function textBlob(text: string): TextBlobInput {
  const bytes = Buffer.from(text, "utf8");
  return { sha256: sha256Hex(bytes), bytes };
}

/** Which of these blobs the database already has. */
export async function existingBlobs(db: BlobClient, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await db.$queryRaw<Array<{ sha256: string }>>`
    SELECT sha256 FROM text_blobs WHERE sha256 = ANY(${[...new Set(shas)]}::char(64)[])`;
  return new Set(rows.map((r) => r.sha256));
}

/**
 * Stores the blobs the database does not have yet (gzip level 6; compressed before the statement, so a caller's
 * transaction is not held open while compressing). Returns the bytes written (compressed).
 */
export async function putTextBlobs(db: BlobClient, blobs: TextBlobInput[], known?: Set<string>): Promise<number> {
  const have = known ?? (await existingBlobs(db, blobs.map((b) => b.sha256)));
  const seen = new Set<string>();
  const todo = blobs.filter((b) => !have.has(b.sha256) && !seen.has(b.sha256) && seen.add(b.sha256));
  if (todo.length === 0) return 0;
  const packed = await Promise.all(todo.map(async (b) => ({ ...b, gz: b.packed ?? (await gzipBlob(b.bytes)) })));
  let written = 0;
  // bounded statements: a bundle can hold thousands of files
  for (let i = 0; i < packed.length; i += 200) {
    const part = packed.slice(i, i + 200);
    written += part.reduce((n, b) => n + b.gz.length, 0);
    await db.$executeRaw`
      INSERT INTO text_blobs (sha256, size_bytes, content, dict_sha256)
      SELECT * FROM unnest(${part.map((b) => b.sha256)}::char(64)[], ${part.map((b) => b.bytes.length)}::int[],
                           ${part.map((b) => b.gz)}::bytea[], ${part.map((b) => b.dictSha256 ?? null)}::char(64)[])
      ON CONFLICT (sha256) DO NOTHING`;
  }
  return written;
}

export async function gzipBlob(bytes: Uint8Array): Promise<Buffer> {
  const opts = { level: 6, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY };
  return bytes.length < SYNC_BELOW ? gzipSync(bytes, opts) : gzipAsync(bytes, opts);
}

/** The texts of these blobs (a missing one is absent from the map). */
export async function readTextBlobs(db: BlobClient, shas: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const raw = await readTextBlobBytes(db, shas);
  for (const [sha, bytes] of raw) out.set(sha, bytes.toString("utf8"));
  return out;
}

/** The bytes of a blob stored relative to `dict` (see the header). */
export async function unpackRelative(content: Uint8Array, dict: Buffer): Promise<Buffer> {
  if (content[0] === 0x1f && content[1] === 0x8b) {
    const patch = (await gunzipAsync(content)).toString("utf8");
    return Buffer.from(applyLinePatch(dict.toString("utf8"), patch), "utf8");
  }
  return inflateRawAsync(content, { dictionary: dict });
}

/** The UTF-8 bytes of these blobs, dictionaries fetched and applied as needed. */
export async function readTextBlobBytes(db: BlobClient, shas: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const deltas: Array<{ sha256: string; content: Uint8Array; dict: string }> = [];
  const fetch = async (list: string[]) => {
    for (let i = 0; i < list.length; i += 500) {
      const rows = await db.$queryRaw<Array<{ sha256: string; content: Uint8Array; dict_sha256: string | null }>>`
        SELECT sha256, content, dict_sha256 FROM text_blobs WHERE sha256 = ANY(${list.slice(i, i + 500)}::char(64)[])`;
      for (const r of rows) {
        if (r.dict_sha256) deltas.push({ sha256: r.sha256, content: r.content, dict: r.dict_sha256 });
        else out.set(r.sha256, await gunzipAsync(r.content));
      }
    }
  };
  await fetch([...new Set(shas)]);
  const missing = [...new Set(deltas.map((d) => d.dict))].filter((d) => !out.has(d));
  const wanted = new Set(shas);
  if (missing.length > 0) await fetch(missing);
  for (const d of deltas) {
    const dict = out.get(d.dict);
    if (!dict) continue;
    out.set(d.sha256, await unpackRelative(d.content, dict));
  }
  for (const k of [...out.keys()]) if (!wanted.has(k)) out.delete(k);
  return out;
}
