import type { UserActor } from "../../auth/policy";
import { ClusterCreate, type Cluster } from "../../../schemas/cluster";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { ConflictError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { presentCluster } from "../../serialize";

/** Admins only (the route says so); the creator sees it as admin, members are added separately. */
export async function createCluster(_actor: UserActor, input: unknown): Promise<Cluster> {
  const data = ClusterCreate.parse(input);
  const prisma = await getPrisma();
  try {
    const row = await prisma.cluster.create({
      data: { ...data, cni: data.cni ? toDbEnum(data.cni) : data.cni },
    });
    return presentCluster(row);
  } catch (err) {
    if (isPrismaError(err, "P2002")) throw new ConflictError(`a cluster named "${data.name}" already exists`);
    throw err;
  }
}
