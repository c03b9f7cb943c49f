import { Id } from "../../../schemas/common";
import type { Actor } from "../../auth/policy";
import { nodeScope } from "../../auth/scope";
import type { ClusterNode } from "../../../schemas/node";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";
import { presentNode } from "../../serialize";

export async function getNode(actor: Actor, id: string): Promise<ClusterNode> {
  const nodeId = Id.parse(id);
  const prisma = await getPrisma();
  const row = await prisma.node.findFirst({ where: { AND: [{ id: nodeId }, nodeScope(actor)] } });
  if (!row) throw new NotFoundError("node", nodeId);
  return presentNode(row);
}
