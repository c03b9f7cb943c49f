import type { Prisma } from "../../../generated/prisma/client";
import { Id } from "../../../schemas/common";
import type { Actor } from "../../auth/policy";
import { visibleCluster } from "../../auth/scope";
import { NodeListQuery, type ClusterNode } from "../../../schemas/node";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { presentNode } from "../../serialize";

/** Nodes of one cluster, newest first. An unknown (or not visible) cluster is 404, not an empty list. */
export async function listNodes(
  actor: Actor,
  clusterId: string,
  query: unknown,
): Promise<{ data: ClusterNode[]; nextCursor: string | null }> {
  const cluster = Id.parse(clusterId);
  const { limit, cursor } = NodeListQuery.parse(query);
  const after = decodeCursor(cursor);
  const prisma = await getPrisma();
  await visibleCluster(actor, cluster, prisma);
  const where: Prisma.NodeWhereInput = {
    clusterId: cluster,
    ...(after ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] } : {}),
  };
  const rows = await prisma.node.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return pageOf(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), presentNode);
}
