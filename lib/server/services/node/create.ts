import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleCluster } from "../../auth/scope";
import { NodeCreate, type ClusterNode } from "../../../schemas/node";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { ConflictError, NotFoundError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { presentNode } from "../../serialize";

export async function createNode(actor: UserActor, clusterId: string, input: unknown): Promise<ClusterNode> {
  const cluster = Id.parse(clusterId);
  const data = NodeCreate.parse(input);
  await visibleCluster(actor, cluster);
  const prisma = await getPrisma();
  try {
    const row = await prisma.node.create({
      data: { ...data, role: toDbEnum(data.role), clusterId: cluster },
    });
    return presentNode(row);
  } catch (err) {
    if (isPrismaError(err, "P2003")) throw new NotFoundError("cluster", cluster);
    if (isPrismaError(err, "P2002")) throw new ConflictError(`cluster already has a node named "${data.name}"`);
    throw err;
  }
}
