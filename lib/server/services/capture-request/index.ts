// Capture requests: the war room asks a node's agent for a capture; the agent polls (no inbound port on the node).
// A pending request is handed out once (claimed by the GET that returns it), done when a capture with its requestId
// arrives, failed when the agent says it cannot, expired when not answered within its seconds + the grace.
import type { Prisma } from "../../../generated/prisma/client";
import {
  AgentCaptureRequestQuery,
  CAPTURE_CLAIM_GRACE_S,
  CaptureRequestCreate,
  CaptureRequestFailure,
  CaptureRequestListQuery,
  type CaptureRequest,
} from "../../../schemas/capture-request";
import { Id } from "../../../schemas/common";
import type { CaptureRequestForAgent } from "../../../schemas/ingest";
import type { Actor, IngestActor } from "../../auth/policy";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { NotFoundError, ValidationError } from "../../errors";
import { publish } from "../../events";
import { visibleIncident, visibleNode } from "../../auth/scope";

type Row = Prisma.CaptureRequestGetPayload<object>;

export function presentCaptureRequest(r: Row): CaptureRequest {
  return {
    id: r.id,
    nodeId: r.nodeId,
    incidentId: r.incidentId,
    iface: r.iface,
    seconds: r.seconds,
    filter: r.filter,
    sendRaw: r.sendRaw,
    state: r.state,
    error: r.error,
    evidenceId: r.evidenceId,
    requestedById: r.requestedById,
    createdAt: r.createdAt.toISOString(),
    claimedAt: r.claimedAt ? r.claimedAt.toISOString() : null,
    finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
  };
}

/** Claimed requests not answered in time, and pending ones nobody picked up in a day, expire. */
async function expire(prisma: Awaited<ReturnType<typeof getPrisma>>, nodeId?: string): Promise<void> {
  await prisma.$executeRaw`
    UPDATE capture_requests SET state = 'expired', finished_at = now(),
           error = 'the agent did not send the capture in time'
    WHERE ((state = 'claimed' AND claimed_at < now() - make_interval(secs => seconds + ${CAPTURE_CLAIM_GRACE_S}))
        OR (state = 'pending' AND created_at < now() - interval '1 day'))
      AND (${nodeId ?? null}::uuid IS NULL OR node_id = ${nodeId ?? null}::uuid)`;
}

export async function createCaptureRequest(actor: Actor, nodeIdRaw: string, input: unknown): Promise<CaptureRequest> {
  const nodeId = Id.parse(nodeIdRaw);
  const data = CaptureRequestCreate.parse(input);
  const prisma = await getPrisma();
  const node = await visibleNode(actor, nodeId);
  if (data.incidentId) {
    const inc = await visibleIncident(actor, data.incidentId);
    if (inc.clusterId && inc.clusterId !== node.clusterId) {
      throw new ValidationError("the incident belongs to another cluster than the node", [{ path: "incidentId", message: "another cluster" }]);
    }
  }
  const userId = actor.kind === "user" ? actor.userId : null;
  return prisma.$transaction(async (tx) => {
    const row = await tx.captureRequest.create({
      data: {
        nodeId,
        incidentId: data.incidentId ?? null,
        iface: data.iface,
        seconds: data.seconds,
        filter: data.filter ?? null,
        sendRaw: data.sendRaw,
        requestedById: userId,
      },
    });
    if (data.incidentId) {
      await tx.incidentNode.upsert({
        where: { incidentId_nodeId: { incidentId: data.incidentId, nodeId } },
        create: { incidentId: data.incidentId, nodeId },
        update: {},
      });
      await publish(tx, { incidentId: data.incidentId, kind: "node", entityId: nodeId, actorId: userId });
    }
    return presentCaptureRequest(row);
  });
}

export async function listCaptureRequests(
  actor: Actor,
  nodeIdRaw: string,
  query: unknown,
): Promise<{ data: CaptureRequest[]; nextCursor: string | null }> {
  const nodeId = Id.parse(nodeIdRaw);
  const { limit, cursor } = CaptureRequestListQuery.parse(query);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  await visibleNode(actor, nodeId);
  await expire(prisma, nodeId);
  const rows = await prisma.captureRequest.findMany({
    where: { nodeId, ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return pageOf(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), presentCaptureRequest);
}

/** GET /ingest/capture-requests?node=NAME: the node's pending requests, handed out once (now claimed). */
export async function pollCaptureRequests(actor: IngestActor, query: unknown): Promise<CaptureRequestForAgent[]> {
  const { node: name } = AgentCaptureRequestQuery.parse(query);
  const prisma = await getPrisma();
  const node = await prisma.node.findUnique({ where: { clusterId_name: { clusterId: actor.clusterId, name } }, select: { id: true } });
  if (!node) return [];
  await expire(prisma, node.id);
  const rows = await prisma.$queryRaw<Array<{ id: string; iface: string; seconds: number; filter: string | null; send_raw: boolean }>>`
    UPDATE capture_requests SET state = 'claimed', claimed_at = now()
    WHERE id IN (SELECT id FROM capture_requests WHERE node_id = ${node.id}::uuid AND state = 'pending'
                 ORDER BY created_at LIMIT 10 FOR UPDATE SKIP LOCKED)
    RETURNING id, iface, seconds, filter, send_raw`;
  return rows.map((r) => ({ id: r.id, iface: r.iface, seconds: r.seconds, filter: r.filter, sendRaw: r.send_raw }));
}

/** POST /ingest/capture-requests/{id}/failure: the agent cannot do it (no such interface, no tcpdump…). */
export async function failCaptureRequest(actor: IngestActor, idRaw: string, input: unknown): Promise<CaptureRequest> {
  const id = Id.parse(idRaw);
  const { error } = CaptureRequestFailure.parse(input);
  const prisma = await getPrisma();
  const row = await prisma.captureRequest.findFirst({ where: { id, node: { clusterId: actor.clusterId } } });
  if (!row) throw new NotFoundError("capture request", id);
  if (row.state === "done" || row.state === "failed") return presentCaptureRequest(row);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.captureRequest.update({ where: { id }, data: { state: "failed", error, finishedAt: new Date() } });
    if (updated.incidentId) await publish(tx, { incidentId: updated.incidentId, kind: "node", entityId: updated.nodeId });
    return presentCaptureRequest(updated);
  });
}
