import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { getCluster } from "@/lib/server/services/cluster/get";
import { updateCluster } from "@/lib/server/services/cluster/update";

export const GET = route({ role: "viewer" }, async (_request: Request, context: IdParams, actor) =>
  ok(await getCluster(actor, await pathId(context))),
);

export const PATCH = route({ role: "admin" }, async (request: Request, context: IdParams, actor) => {
  const id = await pathId(context);
  return ok(await updateCluster(actor, id, await readJson(request)));
});
