import { createHash, randomBytes } from "node:crypto";
import { UserCreate, type User } from "../../../schemas/auth";
import { hashPassword, insertAccount } from "../../auth/accounts";
import { audit } from "../../auth/audit";
import type { UserActor } from "../../auth/policy";
import { presentUser, userInclude } from "../../auth/present";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";

export const INVITE_DAYS = 7;

export type UserCreated = User & { invite?: { token: string; path: string; expiresAt: string } };

/**
 * An admin makes an account: with a password (they hand it over), or without one, which makes an invitation whose
 * link (/invite/<token>, valid INVITE_DAYS days, shown once) lets the person set their own. `clusterIds` makes them a
 * member of those clusters (an unknown cluster is 404 and nothing is made).
 */
export async function createUser(actor: UserActor, input: unknown, request?: Request): Promise<UserCreated> {
  const data = UserCreate.parse(input);
  const passwordHash = data.password ? await hashPassword(data.password) : null;
  const clusterIds = [...new Set((data.clusterIds ?? []).map((c) => c.toLowerCase()))];
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const found = await tx.cluster.findMany({ where: { id: { in: clusterIds } }, select: { id: true } });
    const missing = clusterIds.find((c) => !found.some((f) => f.id === c));
    if (missing) throw new NotFoundError("cluster", missing);
    const user = await insertAccount(tx, { email: data.email, name: data.name, role: data.role, passwordHash });
    if (clusterIds.length) {
      await tx.clusterMember.createMany({ data: clusterIds.map((clusterId) => ({ clusterId, userId: user.id, addedById: actor.userId })) });
    }
    let invite: UserCreated["invite"];
    if (!passwordHash) {
      const token = `nmv_${randomBytes(32).toString("base64url")}`;
      const expiresAt = new Date(Date.now() + INVITE_DAYS * 24 * 3600 * 1000);
      await tx.userInvite.create({
        data: { userId: user.id, tokenHash: createHash("sha256").update(token).digest("hex"), expiresAt, createdById: actor.userId },
      });
      invite = { token, path: `/invite/${token}`, expiresAt: expiresAt.toISOString() };
    }
    await audit(tx, {
      action: invite ? "user.invited" : "user.created",
      actor,
      target: { type: "user", id: user.id },
      request,
      details: { email: user.email, role: data.role, ...(clusterIds.length ? { clusterIds } : {}) },
    });
    const row = await tx.user.findUniqueOrThrow({ where: { id: user.id }, include: userInclude });
    return { ...presentUser(row), ...(invite ? { invite } : {}) };
  });
}
