import type { ApiToken } from "../../../schemas/auth";
import { Id } from "../../../schemas/common";
import { audit } from "../../auth/audit";
import type { UserActor } from "../../auth/policy";
import { forgetToken } from "../../auth/tokens";
import { presentToken, tokenInclude } from "../../auth/present";
import { getPrisma } from "../../db";
import { NotFoundError } from "../../errors";

/**
 * Revokes a token: the caller's own personal token, or (admins) any token. Takes effect on the token's next request
 * on this instance, and on every other instance at once for a personal token and within INGEST_TOKEN_CACHE_MS (5 s)
 * for an ingest token (lib/server/auth/tokens.ts). Revoking twice is a no-op answering the
 * token as it is; someone else's token is "not found", like a missing one.
 */
export async function revokeToken(actor: UserActor, id: string, request?: Request): Promise<ApiToken> {
  const tokenId = Id.parse(id).toLowerCase();
  const prisma = await getPrisma();
  const answer = await prisma.$transaction(async (tx) => {
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
  forgetToken(tokenId);
  return answer;
}
