// Text evidence in the database: gzip'd UTF-8, one row per distinct content (sha256 of the UTF-8 bytes), so an
// output that did not change since the last snapshot, or the same file in two uploads, is stored once.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip, constants } from "node:zlib";
import { Prisma, type PrismaClient } from "../../generated/prisma/client";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export type BlobClient = Pick<Prisma.TransactionClient | PrismaClient, "$executeRaw" | "$queryRaw">;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface TextBlobInput {
  sha256: string;
  /** UTF-8 bytes of the text */
  bytes: Uint8Array;
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
  const packed = await Promise.all(todo.map(async (b) => ({ ...b, gz: await gzipBlob(b.bytes) })));
  let written = 0;
  // bounded statements: a bundle can hold thousands of files
  for (let i = 0; i < packed.length; i += 200) {
    const part = packed.slice(i, i + 200);
    written += part.reduce((n, b) => n + b.gz.length, 0);
    await db.$executeRaw`
      INSERT INTO text_blobs (sha256, size_bytes, content)
      SELECT * FROM unnest(${part.map((b) => b.sha256)}::char(64)[], ${part.map((b) => b.bytes.length)}::int[],
                           ${part.map((b) => b.gz)}::bytea[])
      ON CONFLICT (sha256) DO NOTHING`;
  }
  return written;
}

export function gzipBlob(bytes: Uint8Array): Promise<Buffer> {
  return gzipAsync(bytes, { level: 6, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY });
}

/** The texts of these blobs (a missing one is absent from the map). */
export async function readTextBlobs(db: BlobClient, shas: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(shas)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.$queryRaw<Array<{ sha256: string; content: Uint8Array }>>`
      SELECT sha256, content FROM text_blobs WHERE sha256 = ANY(${unique.slice(i, i + 500)}::char(64)[])`;
    for (const r of rows) out.set(r.sha256, (await gunzipAsync(r.content)).toString("utf8"));
  }
  return out;
}
