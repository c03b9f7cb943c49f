import type { Actor } from "../../auth/policy";
import { clusterScope } from "../../auth/scope";
import { ClusterListQuery, type Cluster } from "../../../schemas/cluster";
import type { Prisma } from "../../../generated/prisma/client";
import { decodeCursor, pageOf } from "../../cursor";
import { getPrisma } from "../../db";
import { likeLiteral } from "../../http";
import { presentCluster } from "../../serialize";

/** Newest first; `q` matches a substring of the name, ignoring case. */
export async function listClusters(actor: Actor, query: unknown): Promise<{ data: Cluster[]; nextCursor: string | null }> {
  const { limit, cursor, q } = ClusterListQuery.parse(query);
  const after = decodeCursor(cursor);
  const where: Prisma.ClusterWhereInput = {
    AND: [clusterScope(actor)],
    // a literal substring: `%` and `_` in q are not wildcards
    ...(q ? { name: { contains: likeLiteral(q), mode: "insensitive" } } : {}),
    ...(after
      ? { OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] }
      : {}),
  };
  const prisma = await getPrisma();
  const rows = await prisma.cluster.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return pageOf(rows, limit, (r) => ({ at: r.createdAt, id: r.id }), presentCluster);
}
