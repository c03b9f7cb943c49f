// Deleting an evidence item (a responder's mistake: the wrong host's bundle, a paste with a secret in it): the item
// and its files' rows go (cascade), the analysis is asked again without it, and the deletion is in the audit log
// (issue 11) with who, from where, and what was deleted (file name, sha256, kind). Stored texts (text_blobs) are
// shared by sha256 with other items and stay; a kept raw upload of this item is removed from this instance's files
// directory after the commit.
import { rm } from "node:fs/promises";
import path from "node:path";
import { Id } from "../../../schemas/common";
import { audit } from "../../auth/audit";
import type { UserActor } from "../../auth/policy";
import { visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { ConflictError, NotFoundError } from "../../errors";
import { publish } from "../../events";
import { enqueueAnalysis } from "../../jobs/queue";
import { getFilesDir } from "../../storage/files";

const BLOB_ENTRY = /^blobs\/[0-9a-f-]{36}\/[^/]+$/;

export async function deleteEvidence(
  actor: UserActor,
  incidentIdRaw: string,
  evidenceIdRaw: string,
  request: Request,
): Promise<{ id: string; deleted: true }> {
  const incidentId = Id.parse(incidentIdRaw);
  const evidenceId = Id.parse(evidenceIdRaw);
  const prisma = await getPrisma();
  const removed = await prisma.$transaction(async (tx) => {
    await visibleIncident(actor, incidentId, tx);
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM evidence_items WHERE id = ${evidenceId}::uuid AND incident_id = ${incidentId}::uuid FOR UPDATE`;
    if (rows.length === 0) throw new NotFoundError("evidence", evidenceId);
    const item = await tx.evidenceItem.findUniqueOrThrow({
      where: { id: evidenceId },
      select: { id: true, filename: true, sha256: true, kind: true, status: true, sizeBytes: true, blobPath: true, storeId: true },
    });
    // The analysis job may be reading it right now: it can go once it is read (ready) or refused (failed).
    if (item.status === "received" || item.status === "processing") {
      throw new ConflictError("this evidence is still being read; delete it once it is ready or has failed");
    }
    await tx.evidenceItem.delete({ where: { id: evidenceId } });
    await audit(tx, {
      action: "evidence.deleted",
      actor,
      target: { type: "evidence", id: evidenceId },
      request,
      details: { incidentId, filename: item.filename, sha256: item.sha256, kind: item.kind, sizeBytes: Number(item.sizeBytes) },
    });
    await enqueueAnalysis(tx, { incidentId, requestedById: actor.userId });
    await publish(tx, { incidentId, kind: "evidence", entityId: evidenceId, actorId: actor.userId, data: { deleted: true } });
    return item;
  });
  const dir = getFilesDir();
  if (removed.blobPath && BLOB_ENTRY.test(removed.blobPath) && removed.storeId === dir.storeId) {
    await rm(path.dirname(dir.resolve(removed.blobPath)), { recursive: true, force: true }).catch(() => undefined);
  }
  return { id: evidenceId, deleted: true };
}
