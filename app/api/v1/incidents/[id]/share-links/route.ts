import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { createShareLink, listShareLinks } from "@/lib/server/services/share/share-links";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) => ok(await listShareLinks(actor, await pathId(context))));

export const POST = route({ role: "responder" }, async (request: Request, context: IdParams, actor) =>
  ok(await createShareLink(actor, await pathId(context), await readJson(request), request), 201),
);
