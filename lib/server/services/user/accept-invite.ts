import { createHash } from "node:crypto";
import { InviteAccept } from "../../../schemas/auth";
import { hashPassword, setPasswordHash } from "../../auth/accounts";
import { audit } from "../../auth/audit";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";

/**
 * The invitee sets their password with the token of their link. An unknown, used or expired token is the same 404
 * ("invitation not found"), so a guessed token learns nothing. Then they sign in normally.
 */
export async function acceptInvite(input: unknown, request?: Request): Promise<{ email: string }> {
  const { token, password } = InviteAccept.parse(input);
  const hash = await hashPassword(password);
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const invite = await tx.userInvite.findUnique({
      where: { tokenHash: createHash("sha256").update(token).digest("hex") },
      include: { user: { select: { id: true, email: true, name: true, role: true, banned: true } } },
    });
    const now = new Date();
    if (!invite || invite.usedAt || invite.expiresAt <= now || invite.user.banned) throw new NotFoundError("invitation");
    // Guarded in the UPDATE: of two uses at once only one finds the invitation unused.
    const { count } = await tx.userInvite.updateMany({ where: { id: invite.id, usedAt: null }, data: { usedAt: now } });
    if (count === 0) throw new NotFoundError("invitation");
    await setPasswordHash(tx, invite.userId, hash);
    await audit(tx, {
      action: "user.invite-accepted",
      actorUserId: invite.userId,
      actorLabel: invite.user.email,
      target: { type: "user", id: invite.userId },
      request,
    });
    return { email: invite.user.email };
  });
}

/** Whether an invitation link is still good (the /invite page shows the form or says it is not). */
export async function inviteStatus(token: string): Promise<{ email: string; name: string } | null> {
  if (token.length > 200) return null;
  const prisma = await getPrisma();
  const invite = await prisma.userInvite.findUnique({
    where: { tokenHash: createHash("sha256").update(token).digest("hex") },
    include: { user: { select: { email: true, name: true, banned: true } } },
  });
  if (!invite || invite.usedAt || invite.expiresAt <= new Date() || invite.user.banned) return null;
  return { email: invite.user.email, name: invite.user.name };
}
