import { ClusterMemberAdd, type ClusterMember } from "../../../schemas/auth";
import { Id } from "../../../schemas/common";
import { audit } from "../../auth/audit";
import { isRole, type UserActor } from "../../auth/policy";
import { visibleCluster } from "../../auth/scope";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";

function present(row: { createdAt: Date; user: { id: string; name: string; email: string; role: string } }): ClusterMember {
  return {
    user: { id: row.user.id, name: row.user.name, email: row.user.email },
    role: isRole(row.user.role) ? row.user.role : "viewer",
    addedAt: row.createdAt.toISOString(),
  };
}

const include = { user: { select: { id: true, name: true, email: true, role: true } } } as const;

/** Who may see a cluster (admins see every cluster without being members). */
export async function listMembers(actor: UserActor, clusterId: string): Promise<ClusterMember[]> {
  const cluster = Id.parse(clusterId).toLowerCase();
  await visibleCluster(actor, cluster);
  const prisma = await getPrisma();
  const rows = await prisma.clusterMember.findMany({ where: { clusterId: cluster }, include, orderBy: { createdAt: "asc" } });
  return rows.map(present);
}

/** Makes a user a member (idempotent: adding a member again answers the membership as it is). */
export async function addMember(actor: UserActor, clusterId: string, input: unknown, request?: Request): Promise<ClusterMember> {
  const cluster = Id.parse(clusterId).toLowerCase();
  const { userId } = ClusterMemberAdd.parse(input);
  const uid = userId.toLowerCase();
  await visibleCluster(actor, cluster);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: uid }, select: { id: true } });
    if (!user) throw new NotFoundError("user", uid);
    const existing = await tx.clusterMember.findUnique({ where: { clusterId_userId: { clusterId: cluster, userId: uid } }, include });
    if (existing) return present(existing);
    const row = await tx.clusterMember.create({ data: { clusterId: cluster, userId: uid, addedById: actor.userId }, include });
    await audit(tx, { action: "cluster.member-added", actor, target: { type: "cluster", id: cluster }, request, details: { userId: uid } });
    return present(row);
  });
}

export async function removeMember(actor: UserActor, clusterId: string, userId: string, request?: Request): Promise<void> {
  const cluster = Id.parse(clusterId).toLowerCase();
  const uid = Id.parse(userId).toLowerCase();
  await visibleCluster(actor, cluster);
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.clusterMember.deleteMany({ where: { clusterId: cluster, userId: uid } });
    if (count === 0) throw new NotFoundError("member", uid);
    await audit(tx, { action: "cluster.member-removed", actor, target: { type: "cluster", id: cluster }, request, details: { userId: uid } });
  });
}
