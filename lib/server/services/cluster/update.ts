import type { UserActor } from "../../auth/policy";
import { visibleCluster } from "../../auth/scope";
import { ClusterPatch, type Cluster } from "../../../schemas/cluster";
import { Id } from "../../../schemas/common";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { ConflictError, NotFoundError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { presentCluster } from "../../serialize";

export async function updateCluster(actor: UserActor, id: string, input: unknown): Promise<Cluster> {
  const clusterId = Id.parse(id);
  const data = ClusterPatch.parse(input);
  await visibleCluster(actor, clusterId);
  const prisma = await getPrisma();
  try {
    const row = await prisma.cluster.update({
      where: { id: clusterId },
      data: { ...data, cni: data.cni ? toDbEnum(data.cni) : data.cni },
    });
    return presentCluster(row);
  } catch (err) {
    if (isPrismaError(err, "P2025")) throw new NotFoundError("cluster", clusterId);
    if (isPrismaError(err, "P2002")) throw new ConflictError(`a cluster named "${data.name}" already exists`);
    throw err;
  }
}
