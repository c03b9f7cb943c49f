// Scoping: what an actor may see. Admins see everything. A viewer or responder sees a cluster, its nodes and its
// incidents only as a member of the cluster (cluster_members); an incident without a cluster is visible to every
// signed-in user. An ingest token sees only its own cluster (and nothing through these helpers but that cluster and
// its nodes).
//
// Every service that loads an object by id loads it through these filters, and a nested route checks the child
// belongs to the parent, so that an object the actor may not see is a NotFoundError exactly like a missing one:
//
//   const incident = await visibleIncident(actor, incidentId);          // 404 if missing or not visible
//   const item = await prisma.evidenceItem.findFirst({ where: { id: evidenceId, incidentId: incident.id } });
//   if (!item) throw new NotFoundError("evidence", evidenceId);         // same 404 for another incident's item
//
// Lists filter with the where-fragments (`incidentScope(actor)` etc.) rather than loading and dropping rows.
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { getPrisma } from "../db";
import { NotFoundError } from "../errors";
import type { Actor } from "./policy";

type Client = PrismaClient | Prisma.TransactionClient;

/** Which clusters the actor sees. */
export function clusterScope(actor: Actor): Prisma.ClusterWhereInput {
  if (actor.kind === "ingest") return { id: actor.clusterId };
  if (actor.role === "admin") return {};
  return { members: { some: { userId: actor.userId } } };
}

/** Which incidents the actor sees (an ingest token sees none through the API of people). */
export function incidentScope(actor: Actor): Prisma.IncidentWhereInput {
  if (actor.kind === "ingest") return { id: { in: [] } };
  if (actor.role === "admin") return {};
  return { OR: [{ clusterId: null }, { cluster: { members: { some: { userId: actor.userId } } } }] };
}

/** Which nodes the actor sees: those of the clusters it sees. */
export function nodeScope(actor: Actor): Prisma.NodeWhereInput {
  if (actor.kind === "ingest") return { clusterId: actor.clusterId };
  if (actor.role === "admin") return {};
  return { cluster: clusterScope(actor) };
}

/** The incident if the actor may see it; NotFoundError otherwise (missing and hidden look the same). */
export async function visibleIncident(
  actor: Actor,
  id: string,
  client?: Client,
): Promise<{ id: string; clusterId: string | null }> {
  const db = client ?? (await getPrisma());
  const row = await db.incident.findFirst({
    where: { AND: [{ id }, incidentScope(actor)] },
    select: { id: true, clusterId: true },
  });
  if (!row) throw new NotFoundError("incident", id);
  return row;
}

export async function visibleCluster(actor: Actor, id: string, client?: Client): Promise<{ id: string }> {
  const db = client ?? (await getPrisma());
  const row = await db.cluster.findFirst({ where: { AND: [{ id }, clusterScope(actor)] }, select: { id: true } });
  if (!row) throw new NotFoundError("cluster", id);
  return row;
}

export async function visibleNode(actor: Actor, id: string, client?: Client): Promise<{ id: string; clusterId: string }> {
  const db = client ?? (await getPrisma());
  const row = await db.node.findFirst({
    where: { AND: [{ id }, nodeScope(actor)] },
    select: { id: true, clusterId: true },
  });
  if (!row) throw new NotFoundError("node", id);
  return row;
}

/** Whether the actor may attach things to this cluster (an incident's clusterId): it must see the cluster. */
export async function assertClusterVisible(actor: Actor, clusterId: string, client?: Client): Promise<void> {
  await visibleCluster(actor, clusterId, client);
}
