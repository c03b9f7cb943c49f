import { list, ok, pathId, readJson, route, searchParams, type IdParams } from "@/lib/server/http";
import { createNode } from "@/lib/server/services/node/create";
import { listNodes } from "@/lib/server/services/node/list";

export const GET = route(async (request: Request, context: IdParams) =>
  list(await listNodes(await pathId(context), searchParams(request))),
);

export const POST = route(async (request: Request, context: IdParams) => {
  const clusterId = await pathId(context);
  return ok(await createNode(clusterId, await readJson(request)), 201);
});
