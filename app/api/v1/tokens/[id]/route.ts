import { ok, pathId, route, type IdParams } from "@/lib/server/http";
import { revokeToken } from "@/lib/server/services/token/revoke";

/** Revokes the token (your own personal token; admins: any token); refused from its next request on. */
export const DELETE = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  ok(await revokeToken(actor, await pathId(context), request)),
);
