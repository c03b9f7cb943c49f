import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { getNode } from "@/lib/server/services/node/get";
import { updateNode } from "@/lib/server/services/node/update";

export const GET = route(async (_request: Request, context: IdParams) => ok(await getNode(await pathId(context))));

export const PATCH = route(async (request: Request, context: IdParams) => {
  const id = await pathId(context);
  return ok(await updateNode(id, await readJson(request)));
});
