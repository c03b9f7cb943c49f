import { ok, pathId, route } from "@/lib/server/http";
import { revokeShareLink } from "@/lib/server/services/share/share-links";

type Params = { params: Promise<{ id: string; linkId: string }> };

export const DELETE = route({ role: "responder" }, async (request: Request, context: Params, actor) =>
  ok(await revokeShareLink(actor, await pathId(context), (await context.params).linkId, request)),
);
