import type { Actor } from "../../auth/policy";
import { clusterScope } from "../../auth/scope";
import type { Cluster } from "../../../schemas/cluster";
import { Id } from "../../../schemas/common";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { presentCluster } from "../../serialize";

export async function getCluster(actor: Actor, id: string): Promise<Cluster> {
  const clusterId = Id.parse(id);
  const prisma = await getPrisma();
  const row = await prisma.cluster.findFirst({ where: { AND: [{ id: clusterId }, clusterScope(actor)] } });
  if (!row) throw new NotFoundError("cluster", clusterId);
  return presentCluster(row);
}
