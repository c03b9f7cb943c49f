import { Id } from "../../../schemas/common";
import type { UserActor } from "../../auth/policy";
import { visibleNode } from "../../auth/scope";
import { NodePatch, type ClusterNode } from "../../../schemas/node";
import { getPrisma } from "../../db";
import { toDbEnum } from "../../enums";
import { ConflictError, NotFoundError } from "../../errors";
import { isPrismaError } from "../../prisma-errors";
import { presentNode } from "../../serialize";

export async function updateNode(actor: UserActor, id: string, input: unknown): Promise<ClusterNode> {
  const nodeId = Id.parse(id);
  const data = NodePatch.parse(input);
  await visibleNode(actor, nodeId);
  const prisma = await getPrisma();
  try {
    const row = await prisma.node.update({
      where: { id: nodeId },
      data: { ...data, role: data.role ? toDbEnum(data.role) : undefined },
    });
    return presentNode(row);
  } catch (err) {
    if (isPrismaError(err, "P2025")) throw new NotFoundError("node", nodeId);
    if (isPrismaError(err, "P2002")) throw new ConflictError(`cluster already has a node named "${data.name}"`);
    throw err;
  }
}
