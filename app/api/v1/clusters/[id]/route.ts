import { ok, pathId, readJson, route, type IdParams } from "@/lib/server/http";
import { getCluster } from "@/lib/server/services/cluster/get";
import { updateCluster } from "@/lib/server/services/cluster/update";

export const GET = route(async (_request: Request, context: IdParams) => ok(await getCluster(await pathId(context))));

export const PATCH = route(async (request: Request, context: IdParams) => {
  const id = await pathId(context);
  return ok(await updateCluster(id, await readJson(request)));
});
