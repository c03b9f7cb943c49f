import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Id } from "../../../schemas/common";
import { UPLOAD_CONTENT_TYPES, UploadFilename, UploadQuery, type EvidenceAccepted, type UploadContentType } from "../../../schemas/evidence";
import { NodeName } from "../../../schemas/ingest";
import type { Actor } from "../../auth/policy";
import { incidentScope } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError, UnsupportedMediaTypeError, ValidationError } from "../../errors";
import { publish } from "../../events";
import { parseRedactKey, REDACT_KEY_HEADER, redactUpload, type Redacted } from "../../ingest/redact";
import { defaultFilename, sniffUpload } from "../../ingest/sniff";
import { enqueueAnalysis } from "../../jobs/queue";
import { isPrismaError } from "../../prisma-errors";
import { getFilesDir, removeSpool, spoolPathOf } from "../../storage/files";
import { checkDeclaredLength, receiveBody, uploadCap } from "../../storage/receive";

export type UploadOutcome = { created: boolean; accepted: EvidenceAccepted };

function header(request: Request, name: string, schema: typeof UploadFilename | typeof NodeName, what: string): string | undefined {
  const raw = request.headers.get(name);
  if (raw === null) return undefined;
  // header values arrive as Latin-1; a client sending UTF-8 file names percent-encodes them
  let value = raw;
  try {
    value = decodeURIComponent(raw);
  } catch {
    value = raw;
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`${name} is not ${what}`, [{ path: name, message: r.error.issues[0]?.message ?? "invalid" }]);
  return r.data;
}

function mediaType(request: Request): UploadContentType {
  const raw = request.headers.get("content-type");
  const type = (raw ?? "").split(";")[0].trim().toLowerCase();
  if (!(UPLOAD_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw new UnsupportedMediaTypeError(
      `${raw ? `Content-Type ${type}` : "no Content-Type"}: send the file as the raw body with one of ${UPLOAD_CONTENT_TYPES.join(", ")} (not multipart)`,
    );
  }
  const enc = request.headers.get("content-encoding")?.trim().toLowerCase();
  if (enc && enc !== "identity") {
    throw new UnsupportedMediaTypeError(`Content-Encoding ${enc}: send the file as it is (a .tar.gz is application/gzip, not Content-Encoding: gzip)`);
  }
  return type as UploadContentType;
}

/**
 * POST /incidents/{id}/evidence: the request body (a bundle, a capture or a pasted text) is streamed to a temp file
 * while counted and hashed, told by its content, spooled for the analysis job and acknowledged. The same bytes sent
 * twice to one incident make one evidence item (the second answer says `duplicate`).
 */
export async function uploadEvidence(actor: Actor | null, incidentIdRaw: string, request: Request, query: unknown): Promise<UploadOutcome> {
  const incidentId = Id.parse(incidentIdRaw);
  const prisma = await getPrisma();
  const incident = await prisma.incident.findFirst({ where: { AND: [{ id: incidentId }, actor ? incidentScope(actor) : {}] }, select: { id: true, clusterId: true } });
  if (!incident) throw new NotFoundError("incident", incidentId);
  const contentType = mediaType(request);
  const filenameHeader = header(request, "x-filename", UploadFilename, "a file name");
  const host = header(request, "x-host", NodeName, "a host name");
  const { keepRaw, redact } = UploadQuery.parse(query);
  // redaction (issue 14): the key stays with the user: checked before anything is received, never kept
  const keyHeader = request.headers.get(REDACT_KEY_HEADER);
  if (!redact && keyHeader !== null) {
    throw new ValidationError(`${REDACT_KEY_HEADER} was sent without ?redact=1: nothing was stored (add redact=1 to redact the upload)`, [
      { path: "redact", message: "required with the key" },
    ]);
  }
  const key = redact ? parseRedactKey(keyHeader) : null;
  const cap = uploadCap();
  const declared = checkDeclaredLength(request.headers, cap);
  const dir = getFilesDir();

  const received = await receiveBody(request.body, { dir: dir.tmp, cap, declaredLength: declared });
  let spooled: string | null = null;
  // the redacted copy (a second private tmp file): what is spooled in place of the upload
  let redactedPath: string | null = null;
  try {
    if (received.size === 0) throw new ValidationError("the body is empty: send the file as the request body");
    const sniffed = sniffUpload(received.head, contentType);
    if ("refuse" in sniffed) throw new UnsupportedMediaTypeError(sniffed.refuse);
    let filename = filenameHeader ?? defaultFilename(sniffed, key ? "redacted" : received.sha256);
    let stored = { path: received.path, sha256: received.sha256, size: received.size, host, kind: sniffed.kind };
    let redacted: Redacted | null = null;
    if (key) {
      redactedPath = path.join(dir.tmp, `${randomUUID()}.redacted`);
      redacted = await redactUpload(received.path, redactedPath, { key, kind: sniffed.kind, filename, host });
      key.fill(0);
      await rm(received.path, { force: true }); // the original goes as soon as its redacted copy exists
      filename = redacted.filename;
      stored = { path: redactedPath, sha256: redacted.sha256, size: redacted.size, host: redacted.host, kind: sniffed.kind };
    }

    const id = randomUUID();
    spooled = spoolPathOf(id, filename);
    const target = dir.resolve(spooled);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await rename(stored.path, target);

    const userId = actor?.kind === "user" ? actor.userId : null;
    const tokenId = actor?.kind === "ingest" ? actor.tokenId : actor?.kind === "user" ? (actor.tokenId ?? null) : null;
    const existing = async () =>
      prisma.evidenceItem.findUnique({
        where: { incidentId_sha256: { incidentId, sha256: stored.sha256 } },
        select: { id: true, status: true },
      });
    let outcome: UploadOutcome;
    try {
      outcome = await prisma.$transaction(async (tx) => {
        const dup = await tx.evidenceItem.findUnique({
          where: { incidentId_sha256: { incidentId, sha256: stored.sha256 } },
          select: { id: true, status: true },
        });
        if (dup) return { created: false, accepted: { id: dup.id, status: dup.status, duplicate: true, jobId: null } };
        await tx.evidenceItem.create({
          data: {
            id,
            incidentId,
            clusterId: incident.clusterId,
            kind: sniffed.kind,
            filename,
            contentType,
            sha256: stored.sha256,
            sizeBytes: BigInt(stored.size),
            status: "received",
            spoolPath: spooled,
            storeId: dir.storeId,
            options: {
              ...(stored.host ? { host: stored.host } : {}),
              keepRaw: keepRaw ?? false,
              ...(redacted ? { redacted: true, ...(redacted.dropped.length ? { redactionDropped: redacted.dropped } : {}) } : {}),
            },
            createdById: userId,
            createdByTokenId: tokenId,
          },
        });
        const job = await enqueueAnalysis(tx, { incidentId, affinity: dir.storeId, requestedById: userId });
        await publish(tx, { incidentId, kind: "evidence", entityId: id, actorId: userId, data: { filename, kind: sniffed.kind } });
        return { created: true, accepted: { id, status: "received", duplicate: false, jobId: job.jobId } };
      });
    } catch (err) {
      // the same bytes arriving twice at once: the other request made the item
      if (!isPrismaError(err, "P2002")) throw err;
      const dup = await existing();
      if (!dup) throw err;
      outcome = { created: false, accepted: { id: dup.id, status: dup.status, duplicate: true, jobId: null } };
    }
    if (!outcome.created) await removeSpool(dir, spooled);
    return outcome;
  } catch (err) {
    if (spooled) await removeSpool(dir, spooled).catch(() => undefined);
    throw err;
  } finally {
    key?.fill(0);
    await rm(received.path, { force: true });
    if (redactedPath) await rm(redactedPath, { force: true });
  }
}
