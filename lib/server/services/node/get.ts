import { Id } from "../../../schemas/common";
import type { ClusterNode } from "../../../schemas/node";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { presentNode } from "../../serialize";

export async function getNode(id: string): Promise<ClusterNode> {
  const nodeId = Id.parse(id);
  const prisma = await getPrisma();
  const row = await prisma.node.findUnique({ where: { id: nodeId } });
  if (!row) throw new NotFoundError("node", nodeId);
  return presentNode(row);
}
