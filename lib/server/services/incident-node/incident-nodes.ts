// Nodes linked to an incident: the war room shows their kernel, MTUs and CNI, and names them in the checklist's
// "collect this on…" commands. Only nodes of the incident's cluster (that the actor sees) can be linked.
import { Id } from "../../../schemas/common";
import { IncidentNodeLink, type IncidentNode } from "../../../schemas/warroom";
import { NodeFacts } from "../../../schemas/snapshot";
import type { UserActor } from "../../auth/policy";
import { nodeScope, visibleIncident } from "../../auth/scope";
import { getPrisma } from "../../db";
import { toApiEnum } from "../../enums";
import { NotFoundError, ValidationError } from "../../errors";
import { publish } from "../../events";
import { logToTimeline } from "../../warroom/timeline";

async function listOf(actor: UserActor, incidentId: string): Promise<IncidentNode[]> {
  const prisma = await getPrisma();
  const rows = await prisma.incidentNode.findMany({
    where: { incidentId, node: nodeScope(actor) },
    include: { node: { include: { cluster: { select: { id: true, name: true, cni: true, cniMode: true, underlayMtu: true, overlayMtu: true } } } } },
    orderBy: [{ createdAt: "asc" }, { nodeId: "asc" }],
  });
  return rows.map(({ node: n, createdAt }) => {
    const facts = NodeFacts.safeParse(n.facts);
    return {
      id: n.id,
      clusterId: n.clusterId,
      name: n.name,
      role: toApiEnum(n.role),
      addresses: n.addresses ?? [],
      kernelVersion: n.kernelVersion,
      facts: facts.success ? facts.data : null,
      lastSnapshotAt: n.lastSnapshotAt?.toISOString() ?? null,
      agentVersion: n.agentVersion,
      createdAt: n.createdAt.toISOString(),
      updatedAt: n.updatedAt.toISOString(),
      cluster: { ...n.cluster, cni: n.cluster.cni ? toApiEnum(n.cluster.cni) : null },
      linkedAt: createdAt.toISOString(),
    };
  });
}

export async function listIncidentNodes(actor: UserActor, incidentIdRaw: string): Promise<IncidentNode[]> {
  const incidentId = Id.parse(incidentIdRaw);
  await visibleIncident(actor, incidentId);
  return listOf(actor, incidentId);
}

export async function linkIncidentNodes(actor: UserActor, incidentIdRaw: string, input: unknown): Promise<IncidentNode[]> {
  const incidentId = Id.parse(incidentIdRaw);
  const body = IncidentNodeLink.parse(input);
  const incident = await visibleIncident(actor, incidentId);
  if (!incident.clusterId) throw new ValidationError("the incident has no cluster: set it first", [{ path: "nodeIds", message: "the incident has no cluster" }]);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const nodes = await tx.node.findMany({ where: { AND: [{ id: { in: body.nodeIds } }, { clusterId: incident.clusterId! }, nodeScope(actor)] }, select: { id: true, name: true } });
    if (nodes.length !== new Set(body.nodeIds).size) throw new NotFoundError("node");
    const existing = new Set((await tx.incidentNode.findMany({ where: { incidentId, nodeId: { in: body.nodeIds } }, select: { nodeId: true } })).map((r) => r.nodeId));
    const fresh = nodes.filter((n) => !existing.has(n.id));
    if (fresh.length === 0) return;
    await tx.incidentNode.createMany({ data: fresh.map((n) => ({ incidentId, nodeId: n.id })) });
    await logToTimeline(tx, actor, incidentId, `Linked node${fresh.length === 1 ? "" : "s"}: ${fresh.map((n) => n.name).join(", ")}`, "note");
    await publish(tx, { incidentId, kind: "node", actorId: actor.userId });
  });
  return listOf(actor, incidentId);
}

export async function unlinkIncidentNode(actor: UserActor, incidentIdRaw: string, nodeIdRaw: string): Promise<IncidentNode[]> {
  const incidentId = Id.parse(incidentIdRaw);
  const nodeId = Id.parse(nodeIdRaw);
  await visibleIncident(actor, incidentId);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const link = await tx.incidentNode.findFirst({ where: { incidentId, nodeId, node: nodeScope(actor) }, select: { node: { select: { name: true } } } });
    if (!link) throw new NotFoundError("node", nodeId);
    await tx.incidentNode.delete({ where: { incidentId_nodeId: { incidentId, nodeId } } });
    await logToTimeline(tx, actor, incidentId, `Unlinked node: ${link.node.name}`, "note");
    await publish(tx, { incidentId, kind: "node", entityId: nodeId, actorId: actor.userId });
  });
  return listOf(actor, incidentId);
}

