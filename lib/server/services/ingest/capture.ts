// POST /api/v1/ingest/captures: a capture summarised at the node by the same capture engine; and
// POST /api/v1/ingest/captures/{id}/raw: its raw pcap, when the agent was asked to send it (kept in the blob
// directory under its retention limit).
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { CaptureSummary } from "../../../analysis/capture/model";
import type { Prisma } from "../../../generated/prisma/client";
import { Id } from "../../../schemas/common";
import { CaptureIngest, INGEST_LIMITS, type IngestAccepted } from "../../../schemas/ingest";
import type { IngestActor } from "../../auth/policy";
import { getPrisma } from "../../db";
import { NotFoundError, UnsupportedMediaTypeError, ValidationError } from "../../errors";
import { publish } from "../../events";
import { readAgentJson } from "../../ingest/body";
import { idempotencyKey, replay, requestHash } from "../../ingest/idempotency";
import { sniffUpload } from "../../ingest/sniff";
import { enqueueAnalysis } from "../../jobs/queue";
import { isPrismaError } from "../../prisma-errors";
import { enforceBlobRetention } from "../../storage/blobs";
import { packSummary } from "../../storage/capture-summaries";
import { getFilesDir, safeFileName } from "../../storage/files";
import { checkDeclaredLength, receiveBody, uploadCap } from "../../storage/receive";
import type { IngestOutcome } from "./snapshot";

const compactTime = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

export async function ingestCapture(actor: IngestActor, request: Request): Promise<IngestOutcome> {
  const { bytes, value } = await readAgentJson(request, INGEST_LIMITS.maxCaptureSummaryBytes);
  const key = idempotencyKey(request);
  const body = CaptureIngest.parse(value);
  const prisma = await getPrisma();
  const scope = `ingest:${actor.tokenId}`;
  const hash = requestHash(bytes, "captures");
  if (key) {
    const again = await replay(prisma, scope, key, hash);
    if (again) return { status: 200, body: { ...(again.response as IngestAccepted), duplicate: true } };
  }
  let incidentId = body.incidentId ?? null;
  if (incidentId) {
    const inc = await prisma.incident.findFirst({ where: { id: incidentId, clusterId: actor.clusterId }, select: { id: true } });
    if (!inc) throw new NotFoundError("incident", incidentId);
  }
  const takenAt = new Date(body.takenAt);
  const summary = body.summary as unknown as { format: string; bytes: number; packets: number; error?: { message: string; offset: number } };
  const file = `capture-${safeFileName(body.capture.iface)}-${compactTime(takenAt)}.${summary.format === "pcapng" ? "pcapng" : "pcap"}`;
  const evidenceId = randomUUID();
  const packed = await packSummary(body.summary as unknown as CaptureSummary);

  const out = await prisma.$transaction(async (tx) => {
    const node = await tx.node.upsert({
      where: { clusterId_name: { clusterId: actor.clusterId, name: body.node } },
      create: { clusterId: actor.clusterId, name: body.node, agentVersion: body.agent.version, kernelVersion: body.agent.kernel ?? null },
      update: {},
      select: { id: true },
    });
    if (body.requestId) {
      const req = await tx.captureRequest.findFirst({ where: { id: body.requestId, nodeId: node.id }, select: { id: true, incidentId: true } });
      if (!req) throw new NotFoundError("capture request", body.requestId);
      incidentId ??= req.incidentId;
      await tx.captureRequest.update({
        where: { id: req.id },
        data: { state: "done", evidenceId, finishedAt: new Date(), error: null },
      });
    }
    await tx.evidenceItem.create({
      data: {
        id: evidenceId,
        incidentId,
        clusterId: actor.clusterId,
        nodeId: node.id,
        kind: "capture_summary",
        filename: file,
        contentType: "application/json",
        sha256: hash,
        sizeBytes: BigInt(bytes.length),
        status: "ready",
        takenAt,
        createdByTokenId: actor.tokenId,
        recognized: { hosts: [body.node], files: 1, recognised: 1, capture: body.capture } as unknown as Prisma.InputJsonValue,
        files: {
          create: {
            host: body.node,
            path: file,
            kind: summary.format === "pcapng" ? "pcapng" : "pcap",
            sizeBytes: BigInt(Math.max(0, Math.round(summary.bytes))),
            captureSummaryGz: new Uint8Array(packed.gz),
            captureBrief: packed.brief as unknown as Prisma.InputJsonValue,
            note: `captured at the node on ${body.capture.iface} for ${body.capture.seconds} s${body.capture.filter ? ` (filter ${body.capture.filter})` : ""}`.slice(0, 1000),
            unreadable: summary.error ? `capture could not be read past packet ${summary.packets}: ${summary.error.message}`.slice(0, 1000) : null,
          },
        },
      },
    });
    const accepted: IngestAccepted = { id: evidenceId, nodeId: node.id, status: "ready", duplicate: false };
    if (key) {
      await tx.idempotencyKey.create({ data: { scope, key, requestHash: hash, status: 202, response: accepted as unknown as Prisma.InputJsonValue } });
    }
    if (incidentId) {
      await tx.incidentNode.upsert({
        where: { incidentId_nodeId: { incidentId, nodeId: node.id } },
        create: { incidentId, nodeId: node.id },
        update: {},
      });
      await enqueueAnalysis(tx, { incidentId });
      await publish(tx, { incidentId, kind: "evidence", entityId: evidenceId });
    }
    return accepted;
  }).catch(async (err: unknown) => {
    if (key && isPrismaError(err, "P2002")) {
      const again = await replay(prisma, scope, key, hash);
      if (again) return { ...(again.response as IngestAccepted), duplicate: true };
    }
    throw err;
  });
  return { status: out.duplicate ? 200 : 202, body: out };
}

/** The raw capture of a capture summary this cluster's agent sent (`--send-raw`), kept under the blob retention. */
export async function ingestCaptureRaw(actor: IngestActor, evidenceIdRaw: string, request: Request): Promise<IngestOutcome> {
  const evidenceId = Id.parse(evidenceIdRaw);
  const prisma = await getPrisma();
  const item = await prisma.evidenceItem.findFirst({
    where: { id: evidenceId, clusterId: actor.clusterId, kind: "capture_summary" },
    select: { id: true, nodeId: true, filename: true, blobPath: true, incidentId: true },
  });
  if (!item) throw new NotFoundError("capture", evidenceId);
  const accepted = (duplicate: boolean): IngestAccepted => ({ id: item.id, nodeId: item.nodeId ?? "", status: "ready", duplicate });
  if (item.blobPath) return { status: 200, body: accepted(true) };
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!["application/vnd.tcpdump.pcap", "application/x-pcapng", "application/octet-stream", "application/gzip"].includes(type)) {
    throw new UnsupportedMediaTypeError(`Content-Type ${type || "(none)"}: send the capture as application/vnd.tcpdump.pcap or application/x-pcapng`);
  }
  const enc = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (enc !== "identity" && enc !== "gzip") throw new UnsupportedMediaTypeError(`Content-Encoding ${enc}: send gzip or nothing`);
  const dir = getFilesDir();
  const cap = uploadCap();
  const received = await receiveBody(request.body, { dir: dir.tmp, cap, declaredLength: checkDeclaredLength(request.headers, cap) });
  try {
    if (received.size === 0) throw new ValidationError("the body is empty: send the capture as the request body");
    const sniffed = sniffUpload(received.head, "application/octet-stream");
    if ("refuse" in sniffed || sniffed.kind !== "capture") throw new UnsupportedMediaTypeError("the body is not a pcap/pcapng capture (gzip'd or not)");
    const rel = path.posix.join("blobs", item.id, `${safeFileName(item.filename ?? "capture.pcap")}${sniffed.gzip ? ".gz" : ""}`);
    const target = dir.resolve(rel);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await rename(received.path, target);
    await prisma.evidenceItem.update({ where: { id: item.id }, data: { blobPath: rel, storeId: dir.storeId } });
    await enforceBlobRetention(prisma, dir);
    if (item.incidentId) await publish(prisma, { incidentId: item.incidentId, kind: "evidence", entityId: item.id });
    return { status: 202, body: accepted(false) };
  } finally {
    await rm(received.path, { force: true });
  }
}
