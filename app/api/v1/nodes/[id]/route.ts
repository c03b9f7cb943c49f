import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { getNode } from "@/lib/server/services/node/get";
import { updateNode } from "@/lib/server/services/node/update";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) =>
  ok(await getNode(actor, await pathId(context))),
);

/** Cluster inventory is the admins'. */
export const PATCH = route({ role: "admin" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return ok(await updateNode(actor, id, await readJson(request)));
});
