import type { Cluster } from "../../../schemas/cluster";
import { Id } from "../../../schemas/common";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { presentCluster } from "../../serialize";

export async function getCluster(id: string): Promise<Cluster> {
  const clusterId = Id.parse(id);
  const prisma = await getPrisma();
  const row = await prisma.cluster.findUnique({ where: { id: clusterId } });
  if (!row) throw new NotFoundError("cluster", clusterId);
  return presentCluster(row);
}
