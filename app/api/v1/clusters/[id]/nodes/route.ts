import { list, ok, pathId, readJson, route, searchParams, type IdParams } from "@/lib/server/http";
import { createNode } from "@/lib/server/services/node/create";
import { listNodes } from "@/lib/server/services/node/list";

export const GET = route({ role: "viewer" }, async (request: Request, context: IdParams, actor) =>
  list(await listNodes(actor, await pathId(context), searchParams(request))),
);

/** Cluster inventory is the admins'. */
export const POST = route({ role: "admin" }, async (request: Request, context: IdParams, actor) => {
  const clusterId = await pathId(context);
  return ok(await createNode(actor, clusterId, await readJson(request)), 201);
});
