import { UserPatch, type User } from "../../../schemas/auth";
import { Id } from "../../../schemas/common";
import { audit } from "../../auth/audit";
import type { UserActor } from "../../auth/policy";
import { presentUser, userInclude } from "../../auth/present";
import { getPrisma } from "../../db";
import { ConflictError, NotFoundError } from "../../errors";

/**
 * An admin changes a user's name, role or disables them. Disabling (or demoting) takes effect on the user's next
 * request: their sessions are deleted, their tokens answer 401 (disabled) or carry the new role at once. The last
 * enabled admin cannot be demoted or disabled (409), so the app always has someone who can manage it.
 */
export async function updateUser(actor: UserActor, id: string, input: unknown, request?: Request): Promise<User> {
  const userId = Id.parse(id).toLowerCase();
  const patch = UserPatch.parse(input);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    // Serialise admin changes, so two admins demoting each other at once cannot leave none.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(72707371)`;
    const current = await tx.user.findUnique({ where: { id: userId } });
    if (!current) throw new NotFoundError("user", userId);
    const losesAdmin =
      current.role === "admin" && !current.banned && ((patch.role && patch.role !== "admin") || patch.disabled === true);
    if (losesAdmin) {
      const admins = await tx.user.count({ where: { role: "admin", NOT: { banned: true } } });
      if (admins <= 1) throw new ConflictError("this is the last admin: make another admin first");
    }
    await tx.user.update({
      where: { id: userId },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.disabled !== undefined ? { banned: patch.disabled } : {}),
      },
    });
    if (patch.disabled === true) await tx.session.deleteMany({ where: { userId } });
    const target = { type: "user", id: userId };
    if (patch.role !== undefined && patch.role !== current.role) {
      await audit(tx, { action: "user.role-changed", actor, target, request, details: { email: current.email, from: current.role, to: patch.role } });
    }
    if (patch.disabled !== undefined && patch.disabled !== (current.banned === true)) {
      await audit(tx, { action: patch.disabled ? "user.disabled" : "user.enabled", actor, target, request, details: { email: current.email } });
    }
    if (patch.name !== undefined && patch.name !== current.name) {
      await audit(tx, { action: "user.renamed", actor, target, request, details: { from: current.name, to: patch.name } });
    }
    return presentUser(await tx.user.findUniqueOrThrow({ where: { id: userId }, include: userInclude }));
  });
}
