// Capture summaries in evidence_files: gzip'd JSON (capture_summary_gz) and a small brief for lists
// (capture_brief), read one summary at a time. A summary keeps up to 10 000 flows (3-10 MB of JSON); stored as
// jsonb, PostgreSQL parsed each one on insert and built it again on every read, and embedded PGlite's WebAssembly heap
// (in the server's own process, never given back) grew by ~150 MB per summary in one statement: the 1 GiB upload's
// analysis peaked at 1.1 GB RSS. Rows written before migration 0007 keep their jsonb capture_summary, read the same.
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { CaptureSummary } from "../../analysis/capture/model";
import type { PrismaClient } from "../../generated/prisma/client";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** What lists show of a capture (the evidence API's `capture`, before formatting). */
export interface CaptureBrief {
  format: string;
  packets: number;
  bytes: number;
  flows: number;
  handshakes: { attempted: number; failed: number } | null;
  error: { message: string; offset: number } | null;
}

export function briefOf(summary: CaptureSummary): CaptureBrief {
  const s = summary as Partial<CaptureSummary>;
  return {
    format: String(s.format ?? "pcap"),
    packets: Number(s.packets ?? 0),
    bytes: Number(s.bytes ?? 0),
    flows: Array.isArray(s.flows) ? s.flows.length : 0,
    handshakes: s.handshakes ? { attempted: Number(s.handshakes.attempted ?? 0), failed: Number(s.handshakes.failed ?? 0) } : null,
    error: s.error ? { message: String(s.error.message), offset: Number(s.error.offset ?? 0) } : null,
  };
}

export type PackedSummary = { gz: Buffer; brief: CaptureBrief };

/** The columns of one capture summary (gzip runs on the thread pool: a 10 MB summary is ~60 ms of deflate). */
export async function packSummary(summary: CaptureSummary): Promise<PackedSummary> {
  return { gz: await gzipAsync(Buffer.from(JSON.stringify(summary), "utf8"), { level: 6 }), brief: briefOf(summary) };
}

export async function unpackSummary(gz: Uint8Array): Promise<CaptureSummary> {
  return JSON.parse((await gunzipAsync(gz)).toString("utf8")) as CaptureSummary;
}

/** One stored capture's summary (gzip'd, else the jsonb of rows from before 0007), or null. */
export async function readCaptureSummary(prisma: PrismaClient, fileId: string): Promise<CaptureSummary | null> {
  const row = await prisma.evidenceFile.findUnique({ where: { id: fileId }, select: { captureSummaryGz: true } });
  if (row?.captureSummaryGz) return unpackSummary(row.captureSummaryGz);
  const old = await prisma.evidenceFile.findUnique({ where: { id: fileId }, select: { captureSummary: true } });
  return (old?.captureSummary as CaptureSummary | null | undefined) ?? null;
}
