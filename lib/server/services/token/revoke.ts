import type { ApiToken } from "../../../schemas/auth";
import { Id } from "../../../schemas/common";
import { audit } from "../../auth/audit";
import type { UserActor } from "../../auth/policy";
import { presentToken, tokenInclude } from "../../auth/present";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";

/**
 * Revokes a token: the caller's own personal token, or (admins) any token. Takes effect on the token's next request
 * on every instance (tokens are looked up on every request, never cached). Revoking twice is a no-op answering the
 * token as it is; someone else's token is "not found", like a missing one.
 */
export async function revokeToken(actor: UserActor, id: string, request?: Request): Promise<ApiToken> {
  const tokenId = Id.parse(id).toLowerCase();
  const prisma = await getPrisma();
  return prisma.$transaction(async (tx) => {
    const row = await tx.apiToken.findFirst({
      where: { id: tokenId, ...(actor.role === "admin" ? {} : { kind: "personal", ownerId: actor.userId }) },
      include: tokenInclude,
    });
    if (!row) throw new NotFoundError("token", tokenId);
    if (row.revokedAt) return presentToken(row);
    const updated = await tx.apiToken.update({
      where: { id: tokenId },
      data: { revokedAt: new Date(), revokedById: actor.userId },
      include: tokenInclude,
    });
    await audit(tx, {
      action: "token.revoked",
      actor,
      target: { type: "api_token", id: tokenId },
      request,
      details: { kind: row.kind, prefix: row.prefix, ...(row.clusterId ? { clusterId: row.clusterId } : {}) },
    });
    return presentToken(updated);
  });
}
