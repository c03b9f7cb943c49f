// evidence_items / evidence_files rows → the wire shapes of lib/schemas/evidence.ts.
import type { Prisma } from "../../../generated/prisma/client";
import { EVIDENCE_LIST_FILES, type CaptureBrief, type EvidenceFile, type EvidenceItem } from "../../../schemas/evidence";
import { toApiEnum } from "../../enums";
import type { CaptureBrief as StoredBrief } from "../../storage/capture-summaries";

export const evidenceSelect = (files: number | undefined) =>
  ({
    id: true,
    incidentId: true,
    clusterId: true,
    kind: true,
    filename: true,
    contentType: true,
    sha256: true,
    sizeBytes: true,
    status: true,
    error: true,
    takenAt: true,
    createdAt: true,
    blobPath: true,
    recognized: true,
    createdById: true,
    createdByTokenId: true,
    createdBy: { select: { id: true, name: true } },
    node: { select: { id: true, name: true } },
    _count: { select: { files: true } },
    files: {
      orderBy: [{ host: "asc" }, { path: "asc" }],
      ...(files !== undefined ? { take: files } : {}),
      select: { id: true, host: true, path: true, kind: true, sizeBytes: true, note: true, captureBrief: true },
    },
  }) satisfies Prisma.EvidenceItemSelect;

export type EvidenceRow = Prisma.EvidenceItemGetPayload<{ select: ReturnType<typeof evidenceSelect> }>;

/** The stored brief (storage/capture-summaries.ts: made when the summary was stored, or by migration 0007). */
function brief(stored: unknown): CaptureBrief | null {
  if (!stored || typeof stored !== "object") return null;
  const s = stored as Partial<StoredBrief>;
  return {
    format: String(s.format ?? "pcap"),
    packets: Number(s.packets ?? 0),
    bytes: Number(s.bytes ?? 0),
    flows: Number(s.flows ?? 0),
    handshakes: s.handshakes ? { attempted: Number(s.handshakes.attempted ?? 0), failed: Number(s.handshakes.failed ?? 0) } : null,
    error: s.error ? `${s.error.message} (at byte ${s.error.offset})` : null,
  };
}

export function presentFile(f: EvidenceRow["files"][number]): EvidenceFile {
  return {
    id: f.id,
    host: f.host,
    path: f.path,
    kind: f.kind,
    recognised: f.kind !== "unrecognized",
    sizeBytes: Number(f.sizeBytes),
    note: f.note,
    capture: brief(f.captureBrief),
  };
}

export function presentEvidence(row: EvidenceRow, fileLimit = EVIDENCE_LIST_FILES): EvidenceItem {
  const rec = (row.recognized ?? {}) as { hosts?: string[]; recognised?: number };
  const files = row.files.slice(0, fileLimit).map(presentFile);
  const hosts = rec.hosts ?? [...new Set(row.files.map((f) => f.host))].sort();
  return {
    id: row.id,
    incidentId: row.incidentId,
    clusterId: row.clusterId,
    node: row.node ? { id: row.node.id, name: row.node.name } : null,
    kind: toApiEnum(row.kind),
    filename: row.filename,
    contentType: row.contentType,
    sha256: row.sha256,
    sizeBytes: Number(row.sizeBytes),
    status: row.status,
    error: row.error,
    takenAt: row.takenAt ? row.takenAt.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    source: row.createdById
      ? { kind: "user", userId: row.createdById, name: row.createdBy?.name ?? null }
      : row.createdByTokenId
        ? { kind: "ingest", tokenId: row.createdByTokenId }
        : null,
    rawKept: row.blobPath !== null,
    hosts,
    fileCount: row._count.files,
    recognisedCount: rec.recognised ?? row.files.filter((f) => f.kind !== "unrecognized").length,
    files,
    filesTruncated: row._count.files > files.length,
  };
}
